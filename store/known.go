package store

import "math/bits"

// docFilter is a Bloom filter over docnums: the docnums that may be in the index. A write of a docnum it does
// not hold skips the read of an old record (on a large index a probe of every LSM level); one it holds only may
// be present, and a false positive costs that read. Docnums are already hashes of ids, so the probes are
// derived from the docnum itself. The filter grows by layers, each twice the capacity of the one before, so it
// needs no count in advance and stays at about 2-4 bytes a docnum (a map of them took about 40).
type docFilter struct {
	layers []bloomLayer
}

type bloomLayer struct {
	bits     []uint64
	mask     uint64 // the number of bits, a power of two, less one
	n, limit int    // docnums added, and how many the layer takes before the next one starts
}

const (
	bloomProbes     = 7
	bloomBitsPerDoc = 16 // with 7 probes, about 0.1% false positives a layer when full
	bloomMinDocs    = 1 << 16
)

// newDocFilter returns a filter sized for about n docnums (more are taken in new layers).
func newDocFilter(n int) *docFilter {
	f := &docFilter{}
	f.grow(max(n, bloomMinDocs))
	return f
}

func (f *docFilter) grow(limit int) {
	nbits := uint64(1) << bits.Len64(uint64(limit*bloomBitsPerDoc-1))
	f.layers = append(f.layers, bloomLayer{bits: make([]uint64, nbits/64), mask: nbits - 1, limit: limit})
}

// probes returns the first probe and the step of a docnum (Kirsch and Mitzenmacher: probe i is h1 + i*h2).
func probes(num uint64) (uint64, uint64) {
	h2 := num * 0x9e3779b97f4a7c15
	return num, (h2 ^ h2>>29) | 1
}

func (f *docFilter) add(num uint64) {
	l := &f.layers[len(f.layers)-1]
	if l.n >= l.limit {
		f.grow(2 * l.limit)
		l = &f.layers[len(f.layers)-1]
	}
	h, step := probes(num)
	for range bloomProbes {
		b := h & l.mask
		l.bits[b/64] |= 1 << (b % 64)
		h += step
	}
	l.n++
}

// has reports whether num may have been added (never false for a docnum that was).
func (f *docFilter) has(num uint64) bool {
	h1, step := probes(num)
	for i := range f.layers {
		l := &f.layers[i]
		h, in := h1, true
		for range bloomProbes {
			b := h & l.mask
			if l.bits[b/64]&(1<<(b%64)) == 0 {
				in = false
				break
			}
			h += step
		}
		if in {
			return true
		}
	}
	return false
}

// bytes is the filter's size.
func (f *docFilter) bytes() int {
	n := 0
	for _, l := range f.layers {
		n += 8 * len(l.bits)
	}
	return n
}

package store

import "math/bits"

// docFilter is a Bloom filter over docnums: the docnums that may be in the index. A write of a docnum it does
// not hold skips the read of an old record (on a large index a probe of every LSM level); one it holds only may
// be present, and a false positive costs that read. Docnums are already hashes of ids, so the probes are
// derived from the docnum itself. The filter grows by layers, each twice the capacity of the one before, so it
// needs no count in advance and stays at about 2-4 bytes a docnum (a map of them took about 40).
//
// The filter is blocked (Putze, Sanders and Singler): a docnum's bits all lie in one 512-bit block, a cache
// line, chosen by its top bits, so that an add or a test costs one cache miss rather than one a probe, and the
// load of a whole index, which reads docnums in key order (ascending), fills the blocks in memory order. A
// blocked filter errs a little more often for its size than a plain one (TestDocFilter bounds it).
type docFilter struct {
	layers []bloomLayer
}

type bloomLayer struct {
	blocks   []uint64 // blockWords words a block
	shift    uint     // a docnum's block is num >> shift
	n, limit int      // docnums added, and how many the layer takes before the next one starts
}

const (
	bloomProbes     = 7
	bloomBitsPerDoc = 16 // with 7 probes, about 0.1% false positives a plain layer when full
	bloomMinDocs    = 1 << 16
	blockWords      = 8 // 512 bits
)

// newDocFilter returns a filter sized for about n docnums (more are taken in new layers).
func newDocFilter(n int) *docFilter {
	f := &docFilter{}
	f.grow(max(n, bloomMinDocs))
	return f
}

func (f *docFilter) grow(limit int) {
	nblocks := uint64(1) << bits.Len64(uint64(limit*bloomBitsPerDoc/(64*blockWords)-1))
	f.layers = append(f.layers, bloomLayer{
		blocks: make([]uint64, nblocks*blockWords),
		shift:  uint(64 - bits.TrailingZeros64(nblocks)),
		limit:  limit,
	})
}

// block returns the block of num in l, and the bit positions in it: bloomProbes 9-bit fields of a mix of num.
func (l *bloomLayer) block(num uint64) (*[blockWords]uint64, uint64) {
	i := (num >> (l.shift & 63)) * blockWords
	if l.shift >= 64 {
		i = 0
	}
	h := num * 0x9e3779b97f4a7c15
	return (*[blockWords]uint64)(l.blocks[i : i+blockWords]), h ^ h>>31
}

func (f *docFilter) add(num uint64) {
	l := &f.layers[len(f.layers)-1]
	if l.n >= l.limit {
		f.grow(2 * l.limit)
		l = &f.layers[len(f.layers)-1]
	}
	l.set(num)
	l.n++
}

// set sets the bits of num in l, and only in its block.
func (l *bloomLayer) set(num uint64) {
	b, h := l.block(num)
	for range bloomProbes {
		b[h>>6&7] |= 1 << (h & 63)
		h >>= 9
	}
}

// has reports whether num may have been added (never false for a docnum that was).
func (f *docFilter) has(num uint64) bool {
	for i := range f.layers {
		b, h := f.layers[i].block(num)
		in := true
		for range bloomProbes {
			if b[h>>6&7]&(1<<(h&63)) == 0 {
				in = false
				break
			}
			h >>= 9
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
		n += 8 * len(l.blocks)
	}
	return n
}

package store

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
)

// A Set is an article's shingle set for exact verification: the distinct high 32 bits of its shingle hashes,
// sorted. 32 bits keep it compact; two distinct shingles of one article share them with probability about
// n²/2³³, a negligible change to any Jaccard similarity.
type Set []uint32

// MaxSetSize caps a stored set. A longer article (over a million distinct shingles, tens of megabytes of text)
// keeps its MaxSetSize smallest values, a bottom-k sample, and its similarities are bottom-k estimates whose
// standard error is below 0.001.
const MaxSetSize = 1 << 20

// MakeSet builds the Set of 64-bit shingle hashes, reusing dst.
func MakeSet(dst Set, hashes []uint64) Set {
	n := len(hashes)
	if cap(dst) < n {
		dst = make(Set, n)
	}
	dst = dst[:n]
	if n < bucketSortMin || n > bucketSortMax || !bucketSort(dst, hashes) {
		for i, h := range hashes {
			dst[i] = uint32(h >> 32)
		}
		slices.Sort(dst)
	}
	dst = slices.Compact(dst)
	if len(dst) > MaxSetSize {
		dst = dst[:MaxSetSize]
	}
	return dst
}

// Sets of bucketSortMin to bucketSortMax values are sorted by bucketSort, others by slices.Sort.
const (
	bucketSortMin  = 32
	bucketSortMax  = 8192
	bucketSortBits = 10 // at most 1,024 buckets, their counts on the stack
)

// bucketSort writes the high 32 bits of hashes into dst, sorted, and reports whether it did. Shingle hashes are
// uniform, so a pass that places each value by its top bits (a counting sort into about as many buckets as
// values) leaves it at most a few places from where it belongs, and an insertion sort finishes the job in
// linear time, with few mispredicted branches: about three times faster than pdqsort on an article's 150
// values (BenchmarkMakeSet). Values that are not spread so (a caller's, never a shingler's) would make the
// insertion sort quadratic: it gives up after a linear number of moves, and MakeSet sorts them again.
func bucketSort(dst Set, hashes []uint64) bool {
	n := len(hashes)
	b := min(bits.Len(uint(n-1)), bucketSortBits) // 2^b >= n buckets, up to 2^bucketSortBits
	shift := 64 - b
	var counts [1<<bucketSortBits + 1]uint32
	c := counts[:1<<b+1]
	for _, h := range hashes {
		c[h>>shift+1]++
	}
	for i := 1; i < len(c); i++ {
		c[i] += c[i-1]
	}
	for _, h := range hashes {
		k := h >> shift
		dst[c[k]] = uint32(h >> 32)
		c[k]++
	}
	budget := 4*n + 64
	for i := 1; i < n; i++ {
		v := dst[i]
		j := i
		for j > 0 && dst[j-1] > v {
			dst[j] = dst[j-1]
			j--
		}
		dst[j] = v
		if budget -= i - j; budget < 0 {
			return false
		}
	}
	return true
}

// Similarity returns the Jaccard similarity of a and b and the containment of a in b. fullA and fullB say
// whether each set is whole (not capped at MaxSetSize); when both are whole the figures are exact.
func Similarity(a, b Set, fullA, fullB bool) (jaccard, containment float64) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0
	}
	if !fullA || !fullB {
		return bottomK(a, b)
	}
	inter := intersect(a, b)
	union := len(a) + len(b) - inter
	return float64(inter) / float64(union), float64(inter) / float64(len(a))
}

func intersect(a, b Set) int {
	i, j, n := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// bottomK estimates similarity from bottom-k samples: among the k smallest values of the union of the samples,
// the share present in both.
func bottomK(a, b Set) (float64, float64) {
	k := min(len(a), len(b))
	i, j, both, seen := 0, 0, 0, 0
	for seen < k && i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			both++
			i++
			j++
		}
		seen++
	}
	jac := float64(both) / float64(k)
	return jac, min(1, jac*2/(1+jac))
}

// errSet is a shingle set that cannot be decoded; it wraps ErrCorrupt.
var errSet = fmt.Errorf("%w: shingle set", ErrCorrupt)

// appendSet encodes s as a count and the deltas between consecutive values, as uvarints.
func appendSet(dst []byte, s Set) []byte {
	return appendDeltas(binary.AppendUvarint(dst, uint64(len(s))), s)
}

// appendDeltas appends the deltas between the consecutive values of s (the first from 0), as uvarints.
func appendDeltas(dst []byte, s Set) []byte {
	prev := uint32(0)
	for _, v := range s {
		dst = binary.AppendUvarint(dst, uint64(v-prev))
		prev = v
	}
	return dst
}

// decodeSet decodes a set from b into dst, returning the rest of b.
func decodeSet(dst Set, b []byte) (Set, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > MaxSetSize {
		return dst, nil, errSet
	}
	return decodeDeltas(dst, b[k:], n)
}

// decodeDeltas decodes n values written as uvarint deltas from b into dst, returning the rest of b.
func decodeDeltas(dst Set, b []byte, n uint64) (Set, []byte, error) {
	if n > uint64(len(b)) {
		return dst, nil, errSet
	}
	dst = slices.Grow(dst[:0], int(n))
	prev := uint64(0)
	for range n {
		d, k := binary.Uvarint(b)
		if k <= 0 {
			return dst, nil, errSet
		}
		b = b[k:]
		prev += d
		if prev > 1<<32-1 {
			return dst, nil, errSet
		}
		dst = append(dst, uint32(prev))
	}
	return dst, b, nil
}

// The packed set (record version 4, index format 5): a uvarint count; for a set that is not empty, a byte r, a
// uvarint byte length and the Rice code of the gaps between consecutive values (the first from 0) with parameter
// r: each gap g as g>>r in unary (that many 0 bits, then a 1 bit) followed by its low r bits, least significant
// bit first in little-endian bytes. The values of a set are about uniform over 32 bits, so with r the logarithm
// of the mean gap a value costs r+2 bits on average: about 26 bits for a news article's 150 shingles, where the
// uvarint deltas of appendSet cost 32. A set whose values are not spread so (no article's, but a caller may
// make one) is written as those deltas when they are shorter, r then being 0xff.

// riceParam returns the Rice parameter for s: the floor of log2 of its mean gap, 0 when that is below 1, 31 at
// the most.
func riceParam(s Set) uint {
	mean := (uint64(s[len(s)-1]) + 1) / uint64(len(s))
	if mean == 0 {
		return 0
	}
	return uint(min(bits.Len64(mean)-1, 31))
}

// appendPackedSet appends the packed encoding of s, a sorted set, to dst.
func appendPackedSet(dst []byte, s Set) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	if len(s) == 0 {
		return dst
	}
	r := riceParam(s)
	nbits, deltas := uint64(0), 0
	prev := uint32(0)
	for _, v := range s {
		nbits += uint64((v-prev)>>r) + 1 + uint64(r)
		deltas += uvarintLen(uint64(v - prev))
		prev = v
	}
	nbytes := int((nbits + 7) / 8)
	if deltas <= nbytes+uvarintLen(uint64(nbytes)) {
		return appendDeltas(append(dst, 0xff), s)
	}
	dst = append(dst, byte(r))
	dst = binary.AppendUvarint(dst, uint64(nbytes))
	start := len(dst)
	dst = slices.Grow(dst, nbytes+8)[:start+nbytes+8] // 8 bytes of slack for whole-word writes, cut at the end
	clear(dst[start:])
	buf := dst[start:]
	p := uint64(0)
	prev = 0
	for _, v := range s {
		g := v - prev
		prev = v
		p += uint64(g >> r) // the unary zeros are already there
		low := uint64(1) | uint64(g)&(1<<r-1)<<1
		w := binary.LittleEndian.Uint64(buf[p>>3:])
		binary.LittleEndian.PutUint64(buf[p>>3:], w|low<<(p&7))
		p += 1 + uint64(r)
	}
	return dst[:start+nbytes]
}

// uvarintLen returns the length of the uvarint encoding of x.
func uvarintLen(x uint64) int { return 1 + max(bits.Len64(x)-1, 0)/7 }

// load returns the bits of buf from bit p on, in the low bits of the result (the bits past the end of buf 0).
func load(buf []byte, p uint64) uint64 {
	i := p >> 3
	var w uint64
	if i+8 <= uint64(len(buf)) {
		w = binary.LittleEndian.Uint64(buf[i:])
	} else {
		for j := i; j < uint64(len(buf)); j++ {
			w |= uint64(buf[j]) << ((j - i) * 8)
		}
	}
	return w >> (p & 7)
}

// decodePackedSet decodes a packed set from b into dst, returning the rest of b.
func decodePackedSet(dst Set, b []byte) (Set, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > MaxSetSize {
		return dst, nil, errSet
	}
	b = b[k:]
	dst = dst[:0]
	if n == 0 {
		return dst, b, nil
	}
	if len(b) > 0 && b[0] == 0xff {
		return decodeDeltas(dst, b[1:], n)
	}
	if len(b) < 2 || b[0] > 31 {
		return dst, nil, errSet
	}
	r := uint64(b[0])
	nbytes, k := binary.Uvarint(b[1:])
	if k <= 0 || nbytes > uint64(len(b)-1-k) || n*(r+1) > nbytes*8 {
		return dst, nil, errSet
	}
	buf := b[1+k : 1+k+int(nbytes)]
	b = b[1+k+int(nbytes):]
	dst = slices.Grow(dst, int(n))
	p, prev, mask := uint64(0), uint64(0), uint64(1)<<r-1
	for range n {
		q, low, next, ok := riceAt(buf, p, r, mask)
		if !ok {
			if q, low, next, ok = riceWords(buf, p, r, mask); !ok {
				return dst, nil, errSet
			}
		}
		p = next
		prev += q<<r | low
		if prev > 1<<32-1 {
			return dst, nil, errSet
		}
		dst = append(dst, uint32(prev))
	}
	return dst, b, nil
}

// riceAt reads the value at bit p of buf when it lies in the 57 bits or more of one whole-word load: its unary
// part q, its low r bits (mask) and the bit after it. ok is false when it does not.
func riceAt(buf []byte, p, r, mask uint64) (q, low, next uint64, ok bool) {
	i := p >> 3
	if i+8 > uint64(len(buf)) {
		return 0, 0, 0, false
	}
	w := binary.LittleEndian.Uint64(buf[i:]) >> (p & 7)
	z := uint64(bits.TrailingZeros64(w))
	if z+1+r > 57 {
		return 0, 0, 0, false
	}
	return z, w >> (z + 1) & mask, p + z + 1 + r, true
}

// riceWords reads the value at bit p of buf as riceAt does, for one near the end of buf or with a unary part
// longer than a load: 56 bits a load. ok is false when the value runs past buf or is too large.
func riceWords(buf []byte, p, r, mask uint64) (q, low, next uint64, ok bool) {
	total := uint64(len(buf)) * 8
	for {
		if p >= total {
			return 0, 0, 0, false
		}
		w := load(buf, p) & (1<<56 - 1)
		if w != 0 {
			z := uint64(bits.TrailingZeros64(w))
			q += z
			p += z + 1
			break
		}
		q += 56
		p += 56
	}
	if p+r > total || q > 1<<32 {
		return 0, 0, 0, false
	}
	return q, load(buf, p) & mask, p + r, true
}

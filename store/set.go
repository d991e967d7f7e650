package store

import (
	"encoding/binary"
	"fmt"
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
	dst = dst[:0]
	for _, h := range hashes {
		dst = append(dst, uint32(h>>32))
	}
	slices.Sort(dst)
	dst = slices.Compact(dst)
	if len(dst) > MaxSetSize {
		dst = dst[:MaxSetSize]
	}
	return dst
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
	dst = binary.AppendUvarint(dst, uint64(len(s)))
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
	if k <= 0 || n > MaxSetSize || n > uint64(len(b)) {
		return dst, nil, errSet
	}
	b = b[k:]
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

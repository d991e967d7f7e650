package neardup

import (
	"math"
	"slices"
)

// Containment anchors (see store/anchors.go for the index side).
//
// An article's anchors are chosen by winnowing (Schleimer, Wilkerson and Aiken 2003) its shingles in text order
// with a window of w = Params.Anchors: the smallest value of every w consecutive shingles (the rightmost of
// equals), each position once. Density is about 2 / (w + 1), one anchor in 20.5 shingles at the default
// w = 40. The guarantee is local: any run of w consecutive shingles an article shares with a query (a pasted
// passage of 44 words or more) holds a window of the article, so one of its anchors is a shingle of the
// query. A query of up to probeAll shingles (260 words) looks up its whole set; a longer one looks up its own
// anchors, which are the article's too inside every shared run of w. Shorter shared runs hold an anchor with
// probability about (run length) × density, which bounds the smallest query: a text of 44 words or more
// pasted whole is always found in its containers; below, or cut into shorter runs, only some are
// (bench/README.md measures it).

// DefaultAnchorWindow is the default winnowing window of the containment anchors.
const DefaultAnchorWindow = 40

// probeAll is the size of the largest query set looked up whole in the anchor buckets.
const probeAll = 256

// winnow appends to dst the anchors of a text's shingle hashes in order (their top 32 bits, the values a
// store.Set holds) for window w, and returns them sorted without repeats. q is a scratch buffer.
func winnow(dst []uint32, q []int32, hashes []uint64, w int) ([]uint32, []int32) {
	n := len(hashes)
	if n == 0 || w <= 0 {
		return dst, q
	}
	v := func(i int32) uint32 { return uint32(hashes[i] >> 32) }
	start := len(dst)
	if n <= w {
		best := int32(0)
		for i := int32(1); i < int32(n); i++ {
			if v(i) <= v(best) {
				best = i
			}
		}
		return append(dst, v(best)), q
	}
	q = q[:0]
	head, last := 0, int32(-1)
	for i := int32(0); i < int32(n); i++ {
		for len(q) > head && v(q[len(q)-1]) >= v(i) {
			q = q[:len(q)-1]
		}
		q = append(q, i)
		if q[head] <= i-int32(w) {
			head++
		}
		if i >= int32(w-1) && q[head] != last {
			last = q[head]
			dst = append(dst, v(last))
		}
		if head > 1024 { // keep the buffer from growing with the text
			q = append(q[:0], q[head:]...)
			head = 0
		}
	}
	out := dst[start:]
	slices.Sort(out)
	return append(dst[:start], slices.Compact(out)...), q
}

// probe returns the values a containment query of an article looks up, and the least number of them an
// indexed article must have as anchors to be verified: a third of what a container at containment c gives,
// about c |set| × 2 / (w + 1), and at least 1.
func probe(set []uint32, anchors []uint32, w int, c float64) ([]uint32, int) {
	p := anchors
	if len(set) <= probeAll || len(anchors) == 0 {
		p = set
	}
	expect := c * float64(len(set)) * 2 / float64(w+1)
	return p, max(1, int(math.Floor(expect/3)))
}

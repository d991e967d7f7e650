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

// PassageAnchorWindow is the default anchor window of an index with passages (Config.Passages): any copy of 12
// words or more holds an anchor of its article, so that AlignDoc finds copies of 50 characters (bench/README.md,
// "Text alignment": 0.99 of the copied characters at 8, 0.83 at 40), at about 4.6 times the anchor postings.
const PassageAnchorWindow = 8

// probeAll is the size of the largest query set looked up whole in the anchor buckets.
const probeAll = 256

// winnow appends to dst the anchors of a text's shingle hashes in order (their top 32 bits, the values a
// store.Set holds) for window w, and returns them sorted without repeats, with scratch (a buffer it grows and
// returns for reuse). The anchors are the distinct minima of the windows: which of equal values a window picks
// changes nothing. The minima come from van Herk and Gil-Werman's blocks: the running minimum of each block of
// w values from its start (pre) and from its end (suf), so that the window from i is min(suf[i],
// pre[i+w-1]), three passes without a data-dependent branch; the deque that keeps the candidates of the window
// costs a mispredicted branch about every other value (TestWinnowMatchesDeque keeps it as the reference).
func winnow(dst []uint32, scratch []uint32, hashes []uint64, w int) ([]uint32, []uint32) {
	n := len(hashes)
	if n == 0 || w <= 0 {
		return dst, scratch
	}
	start := len(dst)
	if n <= w {
		m := uint32(hashes[0] >> 32)
		for _, h := range hashes[1:] {
			m = min(m, uint32(h>>32))
		}
		return append(dst, m), scratch
	}
	if cap(scratch) < 2*n {
		scratch = make([]uint32, 2*n)
	}
	pre, suf := scratch[:n], scratch[n:2*n]
	for b := 0; b < n; b += w {
		e := min(b+w, n)
		m := uint32(hashes[b] >> 32)
		for i := b; i < e; i++ {
			m = min(m, uint32(hashes[i]>>32))
			pre[i] = m
		}
		m = uint32(hashes[e-1] >> 32)
		for i := e - 1; i >= b; i-- {
			m = min(m, uint32(hashes[i]>>32))
			suf[i] = m
		}
	}
	last := min(suf[0], pre[w-1])
	dst = append(dst, last)
	for i := 1; i+w <= n; i++ {
		if m := min(suf[i], pre[i+w-1]); m != last {
			dst = append(dst, m)
			last = m
		}
	}
	out := dst[start:]
	slices.Sort(out)
	return append(dst[:start], slices.Compact(out)...), scratch
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

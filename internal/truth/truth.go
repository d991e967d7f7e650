// Package truth computes exact near-duplicate ground truth: every pair of sets whose Jaccard similarity is at
// least a floor, by an exact set-similarity join with prefix filtering (AllPairs, Bayardo et al. 2007). Nothing
// is estimated: every pair reported is verified by a full intersection, and no pair above the floor is missed.
package truth

import (
	"math"
	"slices"
	"sort"
)

// Pair is two set indexes (A < B) with their exact Jaccard similarity and the containment of the smaller set in
// the larger.
type Pair struct {
	A, B        int
	Jaccard     float64
	Containment float64
}

// AllPairs returns every pair of sets with Jaccard >= floor (0 < floor <= 1), sorted by (A, B). Each set must be
// sorted ascending without repeats.
func AllPairs(sets [][]uint64, floor float64) []Pair {
	ranked := rankSets(sets)
	order := make([]int, len(sets))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(sets[order[a]]) < len(sets[order[b]]) })
	index := map[uint64][]int32{}
	var out []Pair
	seen := make([]int32, len(sets)) // last probe that saw a candidate, to dedupe candidates
	for i := range seen {
		seen[i] = -1
	}
	var cands []int32
	for probe, i := range order {
		r := ranked[i]
		n := len(r)
		if n == 0 {
			continue
		}
		plen := n - int(math.Ceil(floor*float64(n)-1e-9)) + 1
		plen = max(1, min(plen, n))
		cands = cands[:0]
		for _, t := range r[:plen] {
			for _, j := range index[t] {
				if seen[j] != int32(probe) && float64(len(sets[j])) >= floor*float64(n)-1e-9 {
					seen[j] = int32(probe)
					cands = append(cands, j)
				}
			}
			index[t] = append(index[t], int32(i))
		}
		for _, j := range cands {
			inter := Intersect(sets[i], sets[int(j)])
			union := n + len(sets[j]) - inter
			jac := float64(inter) / float64(union)
			if jac >= floor {
				a, b := i, int(j)
				if a > b {
					a, b = b, a
				}
				out = append(out, Pair{A: a, B: b, Jaccard: jac, Containment: float64(inter) / float64(min(n, len(sets[j])))})
			}
		}
	}
	slices.SortFunc(out, func(x, y Pair) int {
		if x.A != y.A {
			return x.A - y.A
		}
		return x.B - y.B
	})
	return out
}

// Intersect returns the size of the intersection of two sorted sets without repeats.
func Intersect(a, b []uint64) int {
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

// Components returns the connected components (of two or more) of the graph whose edges are pairs, as sorted
// lists of set indexes, ordered by their smallest member.
func Components(n int, pairs []Pair) [][]int {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, p := range pairs {
		a, b := find(p.A), find(p.B)
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	groups := map[int][]int{}
	for i := range n {
		r := find(i)
		groups[r] = append(groups[r], i)
	}
	var out [][]int
	for _, g := range groups {
		if len(g) > 1 {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b []int) int { return a[0] - b[0] })
	return out
}

// Contained returns every pair of sets in which the smaller (by size; ties either way) holds at least minC of
// its values in the larger (0 < minC <= 1), whatever their Jaccard similarity, sorted by (A, B); sets smaller
// than minSize are left out as the smaller of a pair. Containment is of the smaller set in the larger. It is an
// exact overlap join: in a global order (rarest value first), a set S contained at minC in L shares one of S's
// first |S| - ceil(minC |S|) + 1 values with L, so each set is posted under that prefix and probed with all its
// values; every candidate is verified by a full intersection.
func Contained(sets [][]uint64, minC float64, minSize int) []Pair {
	ranked := rankSets(sets)
	index := map[uint64][]int32{}
	for i, r := range ranked {
		n := len(r)
		if n == 0 || n < minSize {
			continue
		}
		plen := n - int(math.Ceil(minC*float64(n)-1e-9)) + 1
		for _, t := range r[:max(1, min(plen, n))] {
			index[t] = append(index[t], int32(i))
		}
	}
	var out []Pair
	seen := make([]int32, len(sets))
	for i := range seen {
		seen[i] = -1
	}
	for i, r := range ranked {
		for _, t := range r {
			for _, j := range index[t] {
				s := int(j)
				// s is the smaller; of two of one size, the pair is probed from the larger index.
				if s == i || seen[s] == int32(i) || len(sets[s]) > len(r) || len(sets[s]) == len(r) && s > i {
					continue
				}
				seen[s] = int32(i)
				inter := Intersect(sets[s], sets[i])
				if c := float64(inter) / float64(len(sets[s])); c >= minC {
					a, b := min(s, i), max(s, i)
					out = append(out, Pair{A: a, B: b, Jaccard: float64(inter) / float64(len(sets[s])+len(r)-inter), Containment: c})
				}
			}
		}
	}
	slices.SortFunc(out, func(x, y Pair) int {
		if x.A != y.A {
			return x.A - y.A
		}
		return x.B - y.B
	})
	return out
}

// rankSets re-expresses each set in a global order, rarest value first, so that prefixes are short and
// selective.
func rankSets(sets [][]uint64) [][]uint64 {
	df := map[uint64]int32{}
	for _, s := range sets {
		for _, x := range s {
			df[x]++
		}
	}
	type tok struct {
		x  uint64
		df int32
	}
	toks := make([]tok, 0, len(df))
	for x, n := range df {
		toks = append(toks, tok{x, n})
	}
	slices.SortFunc(toks, func(a, b tok) int {
		if a.df != b.df {
			return int(a.df - b.df)
		}
		if a.x < b.x {
			return -1
		}
		if a.x > b.x {
			return 1
		}
		return 0
	})
	rank := make(map[uint64]uint64, len(df))
	for i, t := range toks {
		rank[t.x] = uint64(i)
	}
	ranked := make([][]uint64, len(sets))
	for i, s := range sets {
		r := make([]uint64, len(s))
		for j, x := range s {
			r[j] = rank[x]
		}
		slices.Sort(r)
		ranked[i] = r
	}
	return ranked
}

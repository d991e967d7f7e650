// Package cluster joins verified pairs into clusters: a disjoint-set forest, and the windowed join that keeps a
// cluster within one news cycle. The index's dedupe and the Beam pipeline both use it, so the two cluster alike.
package cluster

import (
	"cmp"
	"slices"
)

// Sets is a disjoint-set forest over nodes of any ordered kind (docnums, ids), with path halving and union by
// size. The zero value is empty and ready.
type Sets[K cmp.Ordered] struct {
	parent map[K]K
	size   map[K]int
}

// Find returns the root of x's set (x itself if it was never joined).
func (u *Sets[K]) Find(x K) K {
	for {
		p, ok := u.parent[x]
		if !ok || p == x {
			return x
		}
		gp := u.parent[p]
		u.parent[x] = gp // path halving
		x = gp
	}
}

// Union joins the sets of a and b.
func (u *Sets[K]) Union(a, b K) {
	ra, rb := u.Find(a), u.Find(b)
	if ra == rb {
		return
	}
	if u.parent == nil {
		u.parent, u.size = map[K]K{}, map[K]int{}
	}
	if _, ok := u.parent[ra]; !ok {
		u.parent[ra], u.size[ra] = ra, 1
	}
	if _, ok := u.parent[rb]; !ok {
		u.parent[rb], u.size[rb] = rb, 1
	}
	if u.size[ra] < u.size[rb] {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	u.size[ra] += u.size[rb]
}

// Groups returns the sets of two or more nodes, each in no particular order.
func (u *Sets[K]) Groups() [][]K {
	byRoot := map[K][]K{}
	for x := range u.parent {
		r := u.Find(x)
		byRoot[r] = append(byRoot[r], x)
	}
	groups := make([][]K, 0, len(byRoot))
	for _, g := range byRoot {
		groups = append(groups, g)
	}
	return groups
}

// Edge is a verified pair of a windowed join: its two nodes, their similarity, and their dates in Unix seconds
// (0: undated).
type Edge[K cmp.Ordered] struct {
	A, B         K
	Jaccard      float64
	DateA, DateB int64
}

// Apart is how many seconds apart two dates are.
func Apart(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}

// Apart is how many seconds apart the edge's two dates are (0 when either is undated).
func (e Edge[K]) Apart() int64 {
	if e.DateA == 0 || e.DateB == 0 {
		return 0
	}
	return Apart(e.DateA, e.DateB)
}

// JoinWithin joins the edges' nodes best first (highest Jaccard, then nearest in time, then by the nodes), each
// edge only if the cluster it makes spans at most window seconds from its earliest to its latest dated node. An
// undated node may join any cluster and never stretches its span. Edges of different connected components do
// not affect each other, so the clusters of a component are the same whether it is joined alone or with others.
func JoinWithin[K cmp.Ordered](u *Sets[K], edges []Edge[K], window int64) {
	slices.SortFunc(edges, func(x, y Edge[K]) int {
		if c := cmp.Compare(y.Jaccard, x.Jaccard); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Apart(), y.Apart()); c != 0 {
			return c
		}
		if c := cmp.Compare(x.A, y.A); c != 0 {
			return c
		}
		return cmp.Compare(x.B, y.B)
	})
	spans := map[K][2]int64{} // by root: the earliest and latest date (0: none dated yet)
	of := func(root K, date int64) [2]int64 {
		if s, ok := spans[root]; ok {
			return s
		}
		return [2]int64{date, date}
	}
	for _, e := range edges {
		ra, rb := u.Find(e.A), u.Find(e.B)
		if ra == rb {
			continue
		}
		sa, sb := of(ra, e.DateA), of(rb, e.DateB)
		m := sa
		if m[0] == 0 || sb[0] != 0 && sb[0] < m[0] {
			m[0] = sb[0]
		}
		if sb[1] > m[1] {
			m[1] = sb[1]
		}
		if m[0] != 0 && m[1]-m[0] > window {
			continue
		}
		u.Union(e.A, e.B)
		delete(spans, ra)
		delete(spans, rb)
		spans[u.Find(e.A)] = m
	}
}

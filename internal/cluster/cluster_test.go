package cluster

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// groupsOf returns the groups sorted, each sorted, for comparison.
func groupsOf[K int | string](u *Sets[K]) [][]K {
	g := u.Groups()
	for _, x := range g {
		slices.Sort(x)
	}
	slices.SortFunc(g, func(a, b []K) int { return slices.Compare(a, b) })
	return g
}

// TestSetsModel: on random edges the forest's groups are the connected components found by a flood fill.
func TestSetsModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := 2 + r.IntN(40)
		adj := make([][]int, n)
		var u Sets[int]
		for range r.IntN(2 * n) {
			a, b := r.IntN(n), r.IntN(n)
			adj[a], adj[b] = append(adj[a], b), append(adj[b], a)
			u.Union(a, b)
		}
		label := make([]int, n)
		for i := range label {
			label[i] = -1
		}
		want := map[int][]int{}
		for i := range n {
			if label[i] >= 0 {
				continue
			}
			stack := []int{i}
			label[i] = i
			for len(stack) > 0 {
				x := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for _, y := range adj[x] {
					if label[y] < 0 {
						label[y] = i
						stack = append(stack, y)
					}
				}
			}
		}
		for i, l := range label {
			want[l] = append(want[l], i)
		}
		var w [][]int
		for _, g := range want {
			if len(g) > 1 {
				w = append(w, g)
			}
		}
		slices.SortFunc(w, func(a, b []int) int { return slices.Compare(a, b) })
		if got := groupsOf(&u); !slices.EqualFunc(got, w, slices.Equal) {
			t.Fatalf("groups %v, want %v", got, w)
		}
		for i := range n {
			if (u.Find(i) == u.Find(label[i])) != true {
				t.Fatalf("%d and %d are in one component but not one set", i, label[i])
			}
		}
	}
}

const day = 86400

// TestJoinWithinDailyEditions: a templated story printed every day, each edition nearly identical to the next,
// does not chain into one cluster at a 36-hour window; an undated copy joins without stretching the span.
func TestJoinWithinDailyEditions(t *testing.T) {
	var edges []Edge[string]
	names := []string{"d0", "d1", "d2", "d3", "d4"}
	for i := range names {
		for k := i + 1; k < len(names); k++ {
			edges = append(edges, Edge[string]{A: names[i], B: names[k], Jaccard: 0.9, DateA: int64(i+1) * day, DateB: int64(k+1) * day})
		}
	}
	edges = append(edges, Edge[string]{A: "d2", B: "undated", Jaccard: 0.95, DateA: 3 * day})
	var u Sets[string]
	JoinWithin(&u, edges, 36*3600)
	for _, g := range u.Groups() {
		var lo, hi int64
		for _, x := range g {
			for i, n := range names {
				if n == x {
					d := int64(i+1) * day
					if lo == 0 || d < lo {
						lo = d
					}
					hi = max(hi, d)
				}
			}
		}
		if hi-lo > 36*3600 {
			t.Errorf("cluster %v spans %d s, over the window", g, hi-lo)
		}
	}
	if u.Find("undated") != u.Find("d2") {
		t.Error("the undated copy of d2 was not joined to it")
	}
	if u.Find("d0") == u.Find("d4") {
		t.Error("the first and last editions, four days apart, are in one cluster")
	}
	if u.Find("d0") != u.Find("d1") {
		t.Error("two editions a day apart are not joined")
	}
}

// TestJoinWithinPerComponent: joining each connected component's edges alone gives the clusters of joining
// all edges at once (what lets the Beam pipeline join per component).
func TestJoinWithinPerComponent(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		n := 4 + r.IntN(30)
		var edges []Edge[int]
		date := make([]int64, n)
		for i := range date {
			if r.IntN(5) > 0 {
				date[i] = int64(1 + r.IntN(10*day))
			}
		}
		for range r.IntN(3 * n) {
			a, b := r.IntN(n), r.IntN(n)
			if a != b {
				edges = append(edges, Edge[int]{A: a, B: b, Jaccard: float64(8+r.IntN(3)) / 10, DateA: date[a], DateB: date[b]})
			}
		}
		window := int64(1+r.IntN(4)) * day
		var all Sets[int]
		JoinWithin(&all, slices.Clone(edges), window)
		var comp Sets[int]
		for _, e := range edges {
			comp.Union(e.A, e.B)
		}
		byComp := map[int][]Edge[int]{}
		for _, e := range edges {
			r := comp.Find(e.A)
			byComp[r] = append(byComp[r], e)
		}
		var each Sets[int]
		for _, es := range byComp {
			JoinWithin(&each, es, window)
		}
		if a, b := groupsOf(&all), groupsOf(&each); !slices.EqualFunc(a, b, slices.Equal) {
			t.Fatalf("all at once %v, per component %v", a, b)
		}
	}
}

package truth

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAllPairsMatchesBruteForce checks the prefix-filter join against comparing every pair.
func TestAllPairsMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sets [][]uint64
	for range 300 {
		n := 1 + rng.IntN(40)
		base := uint64(rng.IntN(60))
		var s []uint64
		for range n {
			s = append(s, base+uint64(rng.IntN(30)))
		}
		slices.Sort(s)
		sets = append(sets, slices.Compact(s))
	}
	for i := range 60 { // near and exact copies
		c := slices.Clone(sets[i])
		if len(c) > 5 && i%2 == 0 {
			c = c[1:]
		}
		sets = append(sets, c)
	}
	for _, floor := range []float64{0.3, 0.5, 0.8, 1} {
		got := AllPairs(sets, floor)
		var want []Pair
		for i := range sets {
			for j := i + 1; j < len(sets); j++ {
				inter := Intersect(sets[i], sets[j])
				jac := float64(inter) / float64(len(sets[i])+len(sets[j])-inter)
				if jac >= floor {
					want = append(want, Pair{A: i, B: j, Jaccard: jac, Containment: float64(inter) / float64(min(len(sets[i]), len(sets[j])))})
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("floor %.1f: %d pairs, brute force %d", floor, len(got), len(want))
		}
		if len(want) == 0 {
			t.Errorf("floor %.1f: test data has no pairs", floor)
		}
	}
}

func TestComponents(t *testing.T) {
	got := Components(7, []Pair{{A: 0, B: 3}, {A: 3, B: 5}, {A: 1, B: 2}})
	want := [][]int{{0, 3, 5}, {1, 2}}
	if len(got) != 2 || !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
		t.Errorf("components %v, want %v", got, want)
	}
}

// TestContainedMatchesBruteForce checks the overlap join against comparing every pair, on sets with short ones
// inside long ones (Jaccard far below the containment).
func TestContainedMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var sets [][]uint64
	for range 200 {
		n := 1 + rng.IntN(30)
		base := uint64(rng.IntN(200))
		var s []uint64
		for range n {
			s = append(s, base+uint64(rng.IntN(40)))
		}
		slices.Sort(s)
		sets = append(sets, slices.Compact(s))
	}
	for i := range 40 { // a short set inside a long one, whole or with values dropped
		c := slices.Clone(sets[i])
		for range 60 {
			c = append(c, 1000+uint64(rng.IntN(5000)))
		}
		if i%2 == 0 && len(sets[i]) > 4 {
			c = slices.Delete(c, 0, 1)
		}
		slices.Sort(c)
		sets = append(sets, slices.Compact(c))
	}
	for _, minC := range []float64{0.5, 0.8, 1} {
		got := Contained(sets, minC, 5)
		var want []Pair
		lowJaccard := 0
		for i := range sets {
			for j := i + 1; j < len(sets); j++ {
				small := min(len(sets[i]), len(sets[j]))
				if small < 5 {
					continue
				}
				inter := Intersect(sets[i], sets[j])
				if c := float64(inter) / float64(small); c >= minC {
					jac := float64(inter) / float64(len(sets[i])+len(sets[j])-inter)
					want = append(want, Pair{A: i, B: j, Jaccard: jac, Containment: c})
					if jac < 0.5 {
						lowJaccard++
					}
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("containment %.1f: %d pairs, brute force %d", minC, len(got), len(want))
		}
		if lowJaccard < 10 {
			t.Errorf("containment %.1f: test data has %d pairs of low Jaccard", minC, lowJaccard)
		}
	}
}

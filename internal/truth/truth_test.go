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

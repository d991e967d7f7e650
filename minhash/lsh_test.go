package minhash

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteCost is an independent evaluation of the weighted error (trapezoid rule on a fine grid).
func bruteCost(b, r int, t float64, w Weights) float64 {
	const n = 4000
	var fp, fn float64
	for i := range n {
		s0, s1 := float64(i)/n, float64(i+1)/n
		p := func(s float64) float64 { return 1 - math.Pow(1-math.Pow(s, float64(r)), float64(b)) }
		mid := (p(s0) + p(s1)) / 2
		if s1 <= t {
			fp += mid / n
		} else if s0 >= t {
			fn += (1 - mid) / n
		}
	}
	return w.FalsePositive*fp + w.FalseNegative*fn
}

func TestOptimalMatchesBruteForce(t *testing.T) {
	ks := []int{16, 64, 128}
	if testing.Short() {
		ks = ks[:1] // the brute force over k = 64 and 128 takes seconds
	}
	for _, k := range ks {
		for _, th := range []float64{0.5, 0.7, 0.8, 0.9} {
			for _, w := range []Weights{{0.5, 0.5}, DefaultWeights} {
				got, err := Optimal(th, k, w)
				if err != nil {
					t.Fatal(err)
				}
				if got.Bands*got.Rows > k {
					t.Fatalf("k=%d: %v exceeds k", k, got)
				}
				best := math.Inf(1)
				for b := 1; b <= k; b++ {
					for r := 1; b*r <= k; r++ {
						best = min(best, bruteCost(b, r, th, w))
					}
				}
				if c := bruteCost(got.Bands, got.Rows, th, w); c > best+1e-4 {
					t.Errorf("k=%d t=%.1f w=%v: chose %v with cost %.5f, brute force finds %.5f", k, th, w, got, c, best)
				}
			}
		}
	}
	p, _ := Optimal(0.8, 128, DefaultWeights)
	if p != (Params{17, 7}) {
		t.Errorf("default parameters for 0.8 changed to %v; update the docs", p)
	}
	if _, err := Optimal(1, 128, DefaultWeights); err == nil {
		t.Error("threshold 1 accepted")
	}
}

// TestBandCollisionRate compares how often band keys collide with the S-curve 1 − (1 − J^r)^b.
func TestBandCollisionRate(t *testing.T) {
	const trials = 600
	p := Params{Bands: 16, Rows: 8}
	rng := rand.New(rand.NewPCG(7, 7))
	var ka, kb []uint64
	var sa, sb Signature
	for _, j := range []float64{0.3, 0.5, 0.7, 0.8, 0.9} {
		hits := 0
		var want float64
		for trial := range trials {
			h, _ := New(128, uint64(trial))
			a, b, exact := pairWithJaccard(rng, 300, j)
			want += p.Probability(exact) / trials
			sa, sb = h.Sum(sa[:0], a), h.Sum(sb[:0], b)
			ka, kb = p.AppendBandKeys(ka[:0], sa), p.AppendBandKeys(kb[:0], sb)
			for i := range ka {
				if ka[i] == kb[i] {
					hits++
					break
				}
			}
		}
		got := float64(hits) / trials
		sigma := math.Sqrt(want*(1-want)/trials) + 0.005
		if math.Abs(got-want) > 4*sigma {
			t.Errorf("J=%.1f: collision rate %.3f, S-curve %.3f (4σ = %.3f)", j, got, want, 4*sigma)
		}
	}
}

func TestCurve(t *testing.T) {
	p := Params{Bands: 17, Rows: 7}
	c := p.Curve(10)
	if len(c) != 11 || c[0][1] != 0 || c[10][1] != 1 {
		t.Fatalf("curve ends %v %v", c[0], c[10])
	}
	for i := 1; i < len(c); i++ {
		if c[i][1] < c[i-1][1] {
			t.Fatal("S-curve not monotone")
		}
	}
}

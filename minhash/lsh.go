package minhash

import (
	"fmt"
	"math"
)

// Params are LSH banding parameters: a signature's first Bands·Rows slots cut into Bands bands of Rows slots. Two
// sets of Jaccard similarity s share at least one band with probability 1 − (1 − s^Rows)^Bands.
type Params struct {
	Bands, Rows int
}

func (p Params) String() string { return fmt.Sprintf("%d bands × %d rows", p.Bands, p.Rows) }

// Probability is the S-curve: the probability that two sets of Jaccard similarity s become candidates.
func (p Params) Probability(s float64) float64 {
	return 1 - math.Pow(1-math.Pow(s, float64(p.Rows)), float64(p.Bands))
}

// Curve samples the S-curve at n+1 evenly spaced similarities from 0 to 1, for printing.
func (p Params) Curve(n int) [][2]float64 {
	out := make([][2]float64, n+1)
	for i := range out {
		s := float64(i) / float64(n)
		out[i] = [2]float64{s, p.Probability(s)}
	}
	return out
}

// Weights weigh the two errors that banding makes: candidates below the threshold (false positives, which cost
// verification time only, since every candidate is verified exactly) and similar pairs that never become
// candidates (false negatives, which are lost). They need not sum to one.
type Weights struct {
	FalsePositive, FalseNegative float64
}

// DefaultWeights favour recall: neardup verifies every candidate, so a false positive costs microseconds while a
// false negative is a duplicate missed. With k = 128 and threshold 0.8 they choose 17 × 7, which makes a
// candidate of a pair at 0.8 with probability 0.982 and of a pair at 0.85 with probability 0.9986 (a pair at 0.5
// with probability 0.125).
var DefaultWeights = Weights{FalsePositive: 0.02, FalseNegative: 0.98}

// integrate is composite Simpson's rule with n (even) intervals.
func integrate(f func(float64) float64, a, b float64, n int) float64 {
	if b <= a {
		return 0
	}
	h := (b - a) / float64(n)
	sum := f(a) + f(b)
	for i := 1; i < n; i++ {
		x := a + float64(i)*h
		if i%2 == 1 {
			sum += 4 * f(x)
		} else {
			sum += 2 * f(x)
		}
	}
	return sum * h / 3
}

// FalsePositiveArea is ∫₀ᵗ P(s) ds, FalseNegativeArea ∫ₜ¹ 1 − P(s) ds.
func (p Params) FalsePositiveArea(t float64) float64 { return integrate(p.Probability, 0, t, 200) }

// FalseNegativeArea is ∫ₜ¹ 1 − P(s) ds.
func (p Params) FalseNegativeArea(t float64) float64 {
	return integrate(func(s float64) float64 { return 1 - p.Probability(s) }, t, 1, 200)
}

// Cost is the weighted error that Optimal minimises.
func (p Params) Cost(t float64, w Weights) float64 {
	return w.FalsePositive*p.FalsePositiveArea(t) + w.FalseNegative*p.FalseNegativeArea(t)
}

// Optimal returns the bands and rows, Bands·Rows <= k, that minimise the weighted false-positive and
// false-negative areas around threshold t (the method of datasketch and ekzhu/minhash-lsh), searching every pair.
func Optimal(t float64, k int, w Weights) (Params, error) {
	if !(t > 0 && t < 1) {
		return Params{}, fmt.Errorf("minhash: threshold %v not in (0, 1)", t)
	}
	if k < 1 {
		return Params{}, fmt.Errorf("%w: %d", ErrK, k)
	}
	best, bestCost := Params{}, math.Inf(1)
	for b := 1; b <= k; b++ {
		for r := 1; b*r <= k; r++ {
			p := Params{b, r}
			if c := p.Cost(t, w); c < bestCost {
				best, bestCost = p, c
			}
		}
	}
	return best, nil
}

// AppendBandKeys appends one 64-bit key per band of sig to dst: a hash of the band index and the band's Rows
// values. Equal keys mean equal bands (up to 2^-64 collisions). It allocates nothing beyond growing dst.
func (p Params) AppendBandKeys(dst []uint64, sig Signature) []uint64 {
	if p.Bands*p.Rows > len(sig) {
		panic("minhash: signature shorter than bands × rows")
	}
	for b := range p.Bands {
		band := sig[b*p.Rows : (b+1)*p.Rows]
		h := mix(uint64(b+1) * 0x9e3779b97f4a7c15)
		for _, v := range band {
			h = mix(h ^ v)
		}
		dst = append(dst, h)
	}
	return dst
}

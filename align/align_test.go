package align

import (
	"math/rand/v2"
	"testing"
)

// words returns n token hashes drawn from a vocabulary of v words (a small v makes chance n-grams common).
func words(rng *rand.Rand, n, v int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(rng.IntN(v)) + 1
	}
	return out
}

func cat(parts ...[]uint64) []uint64 {
	var out []uint64
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestVerbatimCopy: a passage pasted into another text at any place is one passage, with its exact token
// ranges on both sides.
func TestVerbatimCopy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 8 + rng.IntN(300)
		p := words(rng, n, 5000)
		pa, pb := rng.IntN(400), rng.IntN(400)
		a := cat(words(rng, pa, 5000), p, words(rng, rng.IntN(400), 5000))
		b := cat(words(rng, pb, 5000), p, words(rng, rng.IntN(400), 5000))
		ps := Pairs(a, b, Options{})
		if len(ps) != 1 {
			t.Fatalf("trial %d: %d passages for one copy of %d tokens: %+v", trial, len(ps), n, ps)
		}
		got := ps[0]
		if got.A0 > pa || got.A1 < pa+n-1 || got.B0 > pb || got.B1 < pb+n-1 || got.A0 < pa-1 || got.A1 > pa+n+1 {
			t.Fatalf("trial %d: passage %+v, the copy is a[%d:%d] = b[%d:%d]", trial, got, pa, pa+n, pb, pb+n)
		}
	}
}

// TestLightEdits: a copy with a word in ten changed or dropped is still found as one passage covering it.
func TestLightEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	found := 0
	const trials = 200
	for range trials {
		n := 40 + rng.IntN(300)
		p := words(rng, n, 5000)
		var edited []uint64
		for _, w := range p {
			switch r := rng.IntN(20); {
			case r == 0: // dropped
			case r == 1:
				edited = append(edited, uint64(rng.IntN(5000))+1) // changed
			default:
				edited = append(edited, w)
			}
		}
		pa, pb := rng.IntN(200), rng.IntN(200)
		a := cat(words(rng, pa, 5000), p, words(rng, 100, 5000))
		b := cat(words(rng, pb, 5000), edited, words(rng, 100, 5000))
		ps := Pairs(a, b, Options{})
		covered := 0
		for _, q := range ps {
			covered += max(0, min(q.A1, pa+n)-max(q.A0, pa))
		}
		if len(ps) == 1 && covered >= n*9/10 {
			found++
		}
	}
	if found < trials*95/100 {
		t.Fatalf("%d of %d edited copies found as one passage covering 90%%", found, trials)
	}
}

// TestUnrelated: texts that share only chance n-grams of a small vocabulary share no passage.
func TestUnrelated(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 100 {
		a, b := words(rng, 800, 300), words(rng, 800, 300)
		if ps := Pairs(a, b, Options{}); len(ps) > 0 {
			t.Fatalf("trial %d: unrelated texts share %+v", trial, ps)
		}
	}
}

// TestSelf: a paragraph printed twice is one pair of passages; a text without repeats has none.
func TestSelf(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	p := words(rng, 60, 5000)
	a := cat(words(rng, 50, 5000), p, words(rng, 70, 5000), p, words(rng, 20, 5000))
	ps := Self(a, Options{})
	if len(ps) != 1 || ps[0].A0 != 50 || ps[0].A1 != 110 || ps[0].B0 != 180 || ps[0].B1 != 240 {
		t.Fatalf("repeated paragraph: %+v", ps)
	}
	if ps := Self(words(rng, 2000, 5000), Options{}); len(ps) > 0 {
		t.Fatalf("a text without repeats: %+v", ps)
	}
}

func BenchmarkPairs(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	p := words(rng, 300, 5000)
	x := cat(words(rng, 400, 5000), p, words(rng, 400, 5000))
	y := cat(words(rng, 700, 5000), p, words(rng, 100, 5000))
	b.ReportAllocs()
	for b.Loop() {
		if len(Pairs(x, y, Options{})) != 1 {
			b.Fatal("not found")
		}
	}
}

// TestTwoCopiesOfOneSource: a text holding one passage twice is aligned with its one source twice, not as one
// passage spanning both copies.
func TestTwoCopiesOfOneSource(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	p := words(rng, 24, 5000)
	a := cat(p, words(rng, 3, 5000), p)
	b := cat(words(rng, 6, 5000), p, words(rng, 10, 5000))
	ps := Pairs(a, b, Options{})
	if len(ps) != 2 || ps[0].A1 > 24 || ps[1].A0 < 27 || ps[0].B0 != 6 || ps[1].B0 != 6 {
		t.Fatalf("two copies: %+v", ps)
	}
}

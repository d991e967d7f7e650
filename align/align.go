// Package align finds the passages two texts share, as the text-alignment systems of the PAN shared tasks do:
// seeds (word n-grams found in both texts, with their positions in each), extended and merged across small
// gaps and edits into maximal passages. It works on token hashes (package shingle's tokens), so that the caller
// maps token ranges back to byte spans of its own texts.
//
// One copy is one passage whatever paragraphs either text has: a press release pasted into a story wherever it
// starts, a wire story a newspaper trimmed and retouched (a word in ten changed or dropped), a paragraph a
// scraper printed twice.
//
// # Usage
//
//	ps := align.Pairs(aHashes, bHashes, align.Options{})
//	for _, p := range ps {
//		// tokens [p.A0, p.A1) of a are copied as tokens [p.B0, p.B1) of b
//	}
package align

import (
	"slices"
)

// Options configure an alignment. Zero fields take the defaults.
type Options struct {
	// Seed is the length of the word n-grams that seed passages (default 3: long enough that two unrelated
	// news texts share few, short enough that a word in ten changed leaves most of a copy's n-grams whole).
	Seed int
	// Gap is the most tokens between two seeds of one passage, in either text (default 12: a changed or dropped
	// word kills Seed seeds; a reordered or rewritten clause a few more).
	Gap int
	// MinTokens is the shortest passage reported, in tokens of either text (default 8: about 50 characters of
	// news prose; stock phrases such as "the company said in a statement" are shorter).
	MinTokens int
	// MinSeeds is the least number of seeds in a passage (default 3).
	MinSeeds int
	// MaxPositions caps the places one n-gram is taken at in b: an n-gram repeated more often than that is
	// left out as a seed (default 8).
	MaxPositions int
}

func (o Options) withDefaults() Options {
	if o.Seed <= 0 {
		o.Seed = 3
	}
	if o.Gap <= 0 {
		o.Gap = 12
	}
	if o.MinTokens <= 0 {
		o.MinTokens = 8
	}
	if o.MinSeeds <= 0 {
		o.MinSeeds = 3
	}
	if o.MaxPositions <= 0 {
		o.MaxPositions = 8
	}
	return o
}

// Passage is a run of tokens [A0, A1) of a aligned with the run [B0, B1) of b. Seeds counts the seed n-grams
// it holds; Coverage is the share of its tokens, in the shorter side, covered by seeds.
type Passage struct {
	A0, A1, B0, B1 int
	Seeds          int
	Coverage       float64
}

// seed is a shared n-gram: at token i of a and token j of b.
type seed struct{ i, j int }

// chain is a passage being grown from seeds in a's order.
type chain struct {
	first, last seed
	n           int
	covA, covB  int // tokens of a and b covered by the chain's seeds
	endA, endB  int // end of the coverage counted so far
}

// Grams returns the hashes of the n-grams of toks (token hashes), one from each token that starts one, appended
// to dst.
func Grams(dst []uint64, toks []uint64, n int) []uint64 {
	for i := 0; i+n <= len(toks); i++ {
		h := uint64(0x9e3779b97f4a7c15)
		for _, t := range toks[i : i+n] {
			h = (h ^ t) * 0xff51afd7ed558ccd
			h ^= h >> 32
		}
		dst = append(dst, h)
	}
	return dst
}

// Pairs aligns a with b (their tokens' hashes) and returns their shared passages in a's order. A passage of a
// may be aligned with more than one place in b (b repeats it), and the other way round.
func Pairs(a, b []uint64, o Options) []Passage {
	o = o.withDefaults()
	ga, gb := Grams(nil, a, o.Seed), Grams(nil, b, o.Seed)
	if len(ga) == 0 || len(gb) == 0 {
		return nil
	}
	pos := make(map[uint64][]int32, len(gb))
	for j, h := range gb {
		if p := pos[h]; len(p) <= o.MaxPositions {
			pos[h] = append(p, int32(j))
		}
	}
	var seeds []seed
	for i, h := range ga {
		if p := pos[h]; len(p) > 0 && len(p) <= o.MaxPositions {
			for _, j := range p {
				seeds = append(seeds, seed{i, int(j)})
			}
		}
	}
	return chainSeeds(seeds, o, false)
}

// Self aligns a with itself and returns its passages repeated inside it: each pair of copies once, the earlier
// copy as the A side; a passage is never aligned with itself or with a run it overlaps.
func Self(a []uint64, o Options) []Passage {
	o = o.withDefaults()
	ga := Grams(nil, a, o.Seed)
	pos := map[uint64][]int32{}
	for i, h := range ga {
		if p := pos[h]; len(p) <= o.MaxPositions {
			pos[h] = append(p, int32(i))
		}
	}
	var seeds []seed
	for i, h := range ga {
		p := pos[h]
		if len(p) < 2 || len(p) > o.MaxPositions {
			continue
		}
		for _, j := range p {
			if int(j) > i {
				seeds = append(seeds, seed{i, int(j)})
			}
		}
	}
	return chainSeeds(seeds, o, true)
}

// chainSeeds grows chains from seeds sorted by a's position: a seed extends the chain whose last seed is at most
// Gap tokens before it in both texts, the one nearest its diagonal; else it starts a chain. Chains long enough
// become passages, and passages that overlap or touch in both texts are merged.
func chainSeeds(seeds []seed, o Options, self bool) []Passage {
	slices.SortFunc(seeds, func(x, y seed) int {
		if x.i != y.i {
			return x.i - y.i
		}
		return x.j - y.j
	})
	var active, done []*chain
	for _, s := range seeds {
		// Chains whose last seed is too far behind in a can grow no more.
		kept := active[:0]
		for _, c := range active {
			if s.i-c.last.i > o.Gap {
				done = append(done, c)
			} else {
				kept = append(kept, c)
			}
		}
		active = kept
		var best *chain
		bestDrift := 0
		for _, c := range active {
			di, dj := s.i-c.last.i, s.j-c.last.j
			if di <= 0 || dj <= 0 || dj > o.Gap {
				continue
			}
			drift := di - dj
			if drift < 0 {
				drift = -drift
			}
			if best == nil || drift < bestDrift {
				best, bestDrift = c, drift
			}
		}
		if best == nil {
			c := &chain{first: s, last: s, n: 1, covA: o.Seed, covB: o.Seed, endA: s.i + o.Seed, endB: s.j + o.Seed}
			active = append(active, c)
			continue
		}
		best.covA += min(o.Seed, s.i+o.Seed-best.endA)
		best.covB += min(o.Seed, s.j+o.Seed-best.endB)
		best.endA, best.endB = s.i+o.Seed, s.j+o.Seed
		best.last = s
		best.n++
	}
	done = append(done, active...)
	var out []Passage
	for _, c := range done {
		p := Passage{A0: c.first.i, A1: c.last.i + o.Seed, B0: c.first.j, B1: c.last.j + o.Seed, Seeds: c.n}
		if c.n < o.MinSeeds || p.A1-p.A0 < o.MinTokens || p.B1-p.B0 < o.MinTokens {
			continue
		}
		if self && p.B0 < p.A1 {
			continue // a run overlapping its own copy: a repeated word, not a repeated passage
		}
		shorter := min(p.A1-p.A0, p.B1-p.B0)
		p.Coverage = float64(min(c.covA, c.covB)) / float64(shorter)
		out = append(out, p)
	}
	return merge(out, o.Gap)
}

// merge joins passages that overlap or lie at most gap tokens apart in both texts, in the same order in both,
// and drops a passage inside another on both sides.
func merge(ps []Passage, gap int) []Passage {
	slices.SortFunc(ps, func(x, y Passage) int {
		if x.A0 != y.A0 {
			return x.A0 - y.A0
		}
		return x.B0 - y.B0
	})
	var out []Passage
	for _, p := range ps {
		joined := false
		for k := len(out) - 1; k >= 0 && k >= len(out)-8; k-- {
			q := &out[k]
			// p continues q in both texts: it starts inside q or at most gap after it in each, on a diagonal
			// within gap of q's end (a second copy of a passage in a, aligned with the same place of b, lies
			// on another diagonal: it is not a continuation of the first).
			dq, dp := q.B1-q.A1, p.B0-p.A0
			if p.A0 >= q.A0 && p.A0 <= q.A1+gap && p.B0 >= q.B0 && p.B0 <= q.B1+gap && dp-dq <= gap && dq-dp <= gap {
				cov := (q.Coverage*float64(min(q.A1-q.A0, q.B1-q.B0)) + p.Coverage*float64(min(p.A1-p.A0, p.B1-p.B0)))
				q.A0, q.A1 = min(q.A0, p.A0), max(q.A1, p.A1)
				q.B0, q.B1 = min(q.B0, p.B0), max(q.B1, p.B1)
				q.Seeds += p.Seeds
				q.Coverage = min(1, cov/float64(min(q.A1-q.A0, q.B1-q.B0)))
				joined = true
				break
			}
		}
		if !joined {
			out = append(out, p)
		}
	}
	// A passage inside another on both sides is a phrase the texts each hold twice (a source repeating a
	// line of its own), aligned across: the larger passage holds it already.
	var kept []Passage
	for i, p := range out {
		inside := false
		for j, q := range out {
			if i != j && q.A0 <= p.A0 && p.A1 <= q.A1 && q.B0 <= p.B0 && p.B1 <= q.B1 && (q != p || j < i) {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, p)
		}
	}
	return kept
}

package neardup

import (
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
)

// Comparison is two texts side by side: their exact similarity and the spans of each that the other shares.
type Comparison struct {
	Jaccard float64 `json:"jaccard"`
	// ContainmentA is the share of A's shingles found in B; ContainmentB the share of B's in A.
	ContainmentA float64 `json:"containment_a"`
	ContainmentB float64 `json:"containment_b"`
	// SharedA and SharedB are the byte spans [start, end) of each text covered by shingles the other text has
	// too, in text order, from the first word of a shared run to its last: what was copied. The rest of each
	// text is what one has and the other has not (a new headline, a trimmed paragraph).
	SharedA [][2]int `json:"shared_a"`
	SharedB [][2]int `json:"shared_b"`
}

// Compare compares two texts by the index's shingles (word 5-shingles by default).
func (ix *Index) Compare(a, b string) Comparison { return compareTexts(a, b, ix.p.ShingleSize) }

func compareTexts(a, b string, k int) Comparison {
	tok := shingle.NewTokenizer()
	ta := tok.Tokens(nil, []byte(a))
	tb := tok.Tokens(nil, []byte(b))
	ha := shingle.AppendHashes(nil, ta, k)
	hb := shingle.AppendHashes(nil, tb, k)
	sa, sb := store.MakeSet(nil, ha), store.MakeSet(nil, hb)
	j, ca := store.Similarity(sa, sb, true, true)
	_, cb := store.Similarity(sb, sa, true, true)
	return Comparison{Jaccard: round4(j), ContainmentA: round4(ca), ContainmentB: round4(cb),
		SharedA: sharedSpans(ta, ha, hb, k), SharedB: sharedSpans(tb, hb, ha, k)}
}

// sharedSpans marks the tokens covered by a shingle of hs found in other, and returns the byte spans of the
// runs of marked tokens.
func sharedSpans(toks []shingle.Token, hs, other []uint64, k int) [][2]int {
	in := make(map[uint64]bool, len(other))
	for _, h := range other {
		in[h] = true
	}
	marked := make([]bool, len(toks))
	for i, h := range hs {
		if !in[h] {
			continue
		}
		for t := i; t < min(i+k, len(toks)); t++ {
			marked[t] = true
		}
	}
	var out [][2]int
	for i := 0; i < len(toks); {
		if !marked[i] {
			i++
			continue
		}
		j := i
		for j+1 < len(toks) && marked[j+1] {
			j++
		}
		out = append(out, [2]int{int(toks[i].Start), int(toks[j].End)})
		i = j + 1
	}
	return out
}

package neardup

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neardup/neardup/align"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
)

// Reuse: how much of one article is taken from another, whatever the rewriting.
//
// Rewriting takes the Jaccard of word 5-shingles far below any duplicate threshold: a newspaper that rewrites a
// wire story keeps its facts, names and many of its phrases, not its sentences. The reuse score of an indexed
// article for a query is the share of words, on the side where it is larger, that lie in passages the two texts
// share (package align: word 3-grams chained across gaps and edits): the share of the article taken from the
// query, or of the query taken into the article. A verbatim copy scores 1; a light revision 0.9 or so; a heavy
// one 0.1 to 0.8; a text written on the same subject without the other, under 0.12 in the measures of
// bench/README.md ("Reuse").

// DefaultReuse is the reuse score from which `neardup query --reuse` reports an article unless told: measured on
// the short-answer reuse corpus (bench/README.md, "Reuse"), it flags the cut and lightly revised answers and none
// of those written without the source.
const DefaultReuse = 0.15

// reuseCandidates is the number of candidate articles aligned with a reuse query.
const reuseCandidates = 200

// reuse answers a reuse query (QueryOptions.Reuse) for d, leaving out the article with id exclude.
func (ix *Index) reuse(ctx context.Context, d *Doc, exclude string, o QueryOptions) ([]Match, error) {
	if !ix.CanAlign() {
		if ix.p.Anchors <= 0 {
			return nil, fmt.Errorf("%w: reuse queries read the containment anchors", store.ErrNoAnchors)
		}
		return nil, fmt.Errorf("%w: reuse queries align the articles' texts", ErrNoText)
	}
	toks := shingle.NewTokenizer().Tokens(nil, []byte(d.Text))
	set := ix.tokenSet(toks)
	full := len(set) < store.MaxSetSize
	if len(set) < o.MinShingles {
		return []Match{}, nil
	}
	keep := inWindow(parseDate(d.Date), o.Window)
	cands, err := ix.alignCandidates(set)
	if err != nil {
		return nil, err
	}
	qh := tokenHashes(nil, toks)
	var out []Match
	skip := func(a *store.Article) bool {
		return a.ID == exclude || a.Size < o.MinShingles || keep != nil && !keep(a)
	}
	err = ix.eachCandidateText(ctx, cands, reuseCandidates, skip, func(a *store.Article, ctoks []shingle.Token, ch []uint64) error {
		ps := align.Pairs(qh, ch, align.Options{})
		r := reuseScore(ps, len(qh), len(ch))
		if r < o.Reuse || r == 0 {
			return nil
		}
		j, cont := store.Similarity(set, a.Set, full, a.Full)
		m := Match{ID: a.ID, Jaccard: round4(j), Containment: round4(cont), Reuse: round4(r), Title: a.Title, URL: a.URL, Date: a.Date, Meta: a.Extra, Provenance: a.Provenance}
		for _, p := range ps {
			m.Passages = append(m.Passages, pairOf(p, toks, ctoks))
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(x, y Match) int {
		switch {
		case x.Reuse != y.Reuse:
			if x.Reuse > y.Reuse {
				return -1
			}
			return 1
		case x.Jaccard != y.Jaccard:
			if x.Jaccard > y.Jaccard {
				return -1
			}
			return 1
		}
		return strings.Compare(x.ID, y.ID)
	})
	if o.Top > 0 && len(out) > o.Top {
		out = out[:o.Top]
	}
	if out == nil {
		out = []Match{}
	}
	return out, nil
}

// PassagePair is a passage two texts share: bytes [Start, End) of the query's text aligned with bytes
// [SourceStart, SourceEnd) of the other's, both on words, with the share of its words in shared word 3-grams.
type PassagePair struct {
	Start       int     `json:"start"`
	End         int     `json:"end"`
	SourceStart int     `json:"source_start"`
	SourceEnd   int     `json:"source_end"`
	Similarity  float64 `json:"similarity"`
}

// pairOf is an aligned passage (token ranges of toks and ctoks) as byte spans.
func pairOf(p align.Passage, toks, ctoks []shingle.Token) PassagePair {
	return PassagePair{Start: int(toks[p.A0].Start), End: int(toks[p.A1-1].End),
		SourceStart: int(ctoks[p.B0].Start), SourceEnd: int(ctoks[p.B1-1].End), Similarity: round4(p.Coverage)}
}

// reuseScore is the share of tokens inside the aligned passages, of a's (na tokens) or of b's (nb), the larger.
func reuseScore(ps []align.Passage, na, nb int) float64 {
	if na == 0 || nb == 0 || len(ps) == 0 {
		return 0
	}
	cover := func(n int, span func(align.Passage) (int, int)) float64 {
		in := make([]bool, n)
		k := 0
		for _, p := range ps {
			lo, hi := span(p)
			for i := lo; i < hi && i < n; i++ {
				if !in[i] {
					in[i] = true
					k++
				}
			}
		}
		return float64(k) / float64(n)
	}
	qa := cover(na, func(p align.Passage) (int, int) { return p.A0, p.A1 })
	qb := cover(nb, func(p align.Passage) (int, int) { return p.B0, p.B1 })
	return max(qa, qb)
}

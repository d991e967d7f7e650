package neardup

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/neardup/neardup/align"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
)

// Alignment is a passage of a text found in an indexed article: bytes [Start, End) of the text are copied,
// verbatim or with edits, as bytes [SourceStart, SourceEnd) of the article with the id. Both spans begin and
// end on words. Similarity is the share of the passage's words (on its shorter side) that lie in word 3-grams
// found on both sides: 1 for a verbatim copy, about 0.7 with a word in ten changed; Jaccard is that of the two
// spans' word 5-shingles.
type Alignment struct {
	ID string `json:"id"`
	PassagePair
	Jaccard float64 `json:"jaccard"`
}

// AlignOptions configure AlignDoc. Zero fields take the defaults.
type AlignOptions struct {
	// MaxCandidates is the number of indexed articles aligned with the text: those sharing the most anchor
	// values with it (default 64).
	MaxCandidates int
	// Align tunes the aligner (package align's defaults: word 3-gram seeds, gaps of 12 words, passages of 8
	// words or more).
	Align align.Options
}

// AlignDoc finds the passages of d's text copied in indexed articles (other than d.ID), wherever they start and
// whatever paragraphs either text has, in the order of d's text. Candidates are the articles posted under any
// of the text's shingle values in the containment anchors (an index of format 3 or later, with its texts:
// alignment reads the candidates' texts); each is aligned with the text (package align: shared word 3-grams,
// extended across gaps and edits into maximal passages).
//
// Any copy of 44 words or more holds one of its article's anchors at the default anchor window (40), so it is
// always a candidate; a shorter copy is one with probability about its length in shingles × 2 / (window + 1),
// unless the two texts share more. An index built with a smaller Config.AnchorWindow finds short copies surely
// at the price of more postings (bench/README.md measures both).
func (ix *Index) AlignDoc(ctx context.Context, d *Doc, o AlignOptions) ([]Alignment, error) {
	if len(d.Text) > MaxArticleBytes {
		return nil, reject("text of %d bytes (the largest article is %d)", len(d.Text), MaxArticleBytes)
	}
	return ix.alignTokens(ctx, d.ID, shingle.NewTokenizer().Tokens(nil, []byte(d.Text)), o)
}

// alignTokens is AlignDoc for a text already tokenised (toks), leaving out the article with id self.
func (ix *Index) alignTokens(ctx context.Context, self string, toks []shingle.Token, o AlignOptions) ([]Alignment, error) {
	if ix.p.Anchors <= 0 {
		return nil, ErrNoAnchors
	}
	if !ix.p.Text {
		return nil, ErrNoText
	}
	if o.MaxCandidates <= 0 {
		o.MaxCandidates = 64
	}
	cands, err := ix.alignCandidates(ix.tokenSet(toks))
	if err != nil {
		return nil, err
	}
	qh := tokenHashes(nil, toks)
	var out []Alignment
	err = ix.eachCandidateText(ctx, cands, o.MaxCandidates, func(a *store.Article) bool { return a.ID == self },
		func(a *store.Article, ctoks []shingle.Token, ch []uint64) error {
			for _, p := range align.Pairs(qh, ch, o.Align) {
				out = append(out, Alignment{ID: a.ID, PassagePair: pairOf(p, toks, ctoks),
					Jaccard: round4(tokenJaccard(toks[p.A0:p.A1], ctoks[p.B0:p.B1], ix.p.ShingleSize))})
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	sortAlignments(out)
	return out, nil
}

// tokenSet returns the shingle set of a tokenised text.
func (ix *Index) tokenSet(toks []shingle.Token) store.Set {
	return store.MakeSet(nil, shingle.AppendHashes(nil, toks, ix.p.ShingleSize))
}

// alignCandidates returns the articles posted under any value of set in the anchor buckets, most shared first.
func (ix *Index) alignCandidates(set store.Set) ([]store.AnchorHit, error) {
	return ix.st.AnchorCandidates(set, store.RareAnchorBucket)
}

// eachCandidateText calls fn, for each of the first max candidates that skip does not refuse and whose text the
// index keeps, with the article (its metadata and set), its text's tokens and their hashes (reused between
// calls). Candidates gone since they were found are passed over.
func (ix *Index) eachCandidateText(ctx context.Context, cands []store.AnchorHit, max int, skip func(*store.Article) bool,
	fn func(a *store.Article, toks []shingle.Token, hashes []uint64) error) error {
	tok := shingle.NewTokenizer()
	var toks []shingle.Token
	var hashes []uint64
	for n, c := range cands {
		if n >= max {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		a, err := ix.st.GetSet(c.Doc)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if skip(a) {
			continue
		}
		text, err := ix.st.Text(c.Doc)
		if errors.Is(err, store.ErrNotFound) {
			continue // kept without its text
		}
		if err != nil {
			return err
		}
		toks = tok.Tokens(toks[:0], text)
		hashes = tokenHashes(hashes[:0], toks)
		if err := fn(a, toks, hashes); err != nil {
			return err
		}
	}
	return nil
}

func tokenHashes(dst []uint64, toks []shingle.Token) []uint64 {
	for _, t := range toks {
		dst = append(dst, t.Hash)
	}
	return dst
}

// sortAlignments orders alignments by their place in the text, then by article id.
func sortAlignments(as []Alignment) {
	slices.SortFunc(as, func(x, y Alignment) int {
		if x.Start != y.Start {
			return x.Start - y.Start
		}
		if x.ID != y.ID {
			return strings.Compare(x.ID, y.ID)
		}
		return x.SourceStart - y.SourceStart
	})
}

package neardup

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/neardup/neardup/store"
)

// Boilerplate is a passage found in many articles: site furniture such as a "related stories" block, a
// newsletter footer or a copyright line.
type Boilerplate struct {
	// Articles is the number of articles holding the passage (verified: Jaccard >= PassageThreshold with it).
	Articles int `json:"articles"`
	// ID, Start and End locate one occurrence: an article and a byte span of its text.
	ID    string `json:"id"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Title string `json:"title,omitempty"`
	// Text is the occurrence's text, when the index keeps texts.
	Text string `json:"text,omitempty"`
}

// withText fills in the text of each passage's occurrence, from the stored texts (left empty without them).
func (ix *Index) withText(bp []Boilerplate) error {
	if !ix.p.Text {
		return nil
	}
	for i := range bp {
		t, err := ix.st.Text(store.DocNum(bp[i].ID))
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if bp[i].End <= len(t) && bp[i].Start <= bp[i].End {
			bp[i].Text = string(t[bp[i].Start:bp[i].End])
		}
	}
	return nil
}

type passageRef struct {
	doc uint64
	idx int
}

// boilerplate finds the passages that appear in at least minArticles articles. It returns them, most widespread
// first, and every (article, passage) that is an occurrence of one.
func (ix *Index) boilerplate(ctx context.Context, minArticles int) ([]Boilerplate, map[passageRef]bool, error) {
	if ix.p.PassageK == 0 {
		return nil, nil, ErrNoPassages
	}
	c := &cache{st: ix.st, m: map[uint64]*store.Article{}, max: 1 << 16}
	seen := map[passageRef]bool{} // occurrences already counted under some representative
	var out []Boilerplate
	err := ix.st.ScanPassageBuckets(func(hits []store.PassageHit) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		docs := 0
		for i, h := range hits {
			if i == 0 || h.Doc != hits[i-1].Doc {
				docs++
			}
		}
		if docs < minArticles {
			return nil
		}
		// Verify against the bucket's first passage not yet claimed by another boilerplate passage.
		var rep *store.Passage
		var repRef passageRef
		var repArt *store.Article
		for _, h := range hits {
			if seen[passageRef{h.Doc, h.Index}] {
				continue
			}
			a, err := c.getFull(h.Doc)
			if err != nil || h.Index >= len(a.Passages) {
				continue
			}
			rep, repRef, repArt = &a.Passages[h.Index], passageRef{h.Doc, h.Index}, a
			break
		}
		if rep == nil {
			return nil
		}
		var members []passageRef
		count := 0
		for i, h := range hits {
			a, err := c.getFull(h.Doc)
			if errors.Is(err, store.ErrNotFound) || h.Index >= len(a.Passages) {
				continue
			}
			if err != nil {
				return err
			}
			if j, _ := store.Similarity(rep.Set, a.Passages[h.Index].Set, true, true); j >= PassageThreshold {
				members = append(members, passageRef{h.Doc, h.Index})
				if i == 0 || h.Doc != hits[i-1].Doc {
					count++
				}
			}
		}
		if count < minArticles {
			return nil
		}
		for _, m := range members {
			seen[m] = true
		}
		seen[repRef] = true
		out = append(out, Boilerplate{Articles: count, ID: repArt.ID, Start: int(rep.Start), End: int(rep.End), Title: repArt.Title})
		return nil
	})
	slices.SortStableFunc(out, func(a, b Boilerplate) int { return cmp.Compare(b.Articles, a.Articles) })
	return out, seen, err
}

// TopBoilerplate returns at most top passages found in at least minArticles articles (BoilerplateArticles when
// 0), most widespread first.
func (ix *Index) TopBoilerplate(ctx context.Context, minArticles, top int) ([]Boilerplate, error) {
	if minArticles <= 0 {
		minArticles = BoilerplateArticles
	}
	bp, _, err := ix.boilerplate(ctx, minArticles)
	if top > 0 && len(bp) > top {
		bp = bp[:top]
	}
	if err == nil {
		err = ix.withText(bp)
	}
	return bp, err
}

// RepeatReport lists the paragraphs repeated inside one article.
type RepeatReport struct {
	Kind     string       `json:"kind"` // "repeats"
	ID       string       `json:"id"`
	Passages []PassageHit `json:"passages"`
}

// BoilerplateReport is one boilerplate passage in a whole-index report.
type BoilerplateReport struct {
	Kind string `json:"kind"` // "boilerplate"
	Boilerplate
}

// ReportPassages streams the whole-index passage report for a nightly job: first every article with paragraphs
// repeated inside it (from the index's own paragraphs), then the passages found in at least BoilerplateArticles
// articles, most widespread first. It returns the number of articles with repeats.
func (ix *Index) ReportPassages(ctx context.Context, emit func(any) error) (int, error) {
	if ix.p.PassageK == 0 {
		return 0, ErrNoPassages
	}
	n := 0
	err := ix.st.Each(false, func(_ uint64, a *store.Article) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var hits []PassageHit
		for i, p := range a.Passages {
			for j, o := range a.Passages {
				if i == j || overlap(p, o) > 0 {
					continue
				}
				if jac, _ := store.Similarity(p.Set, o.Set, true, true); jac >= PassageThreshold {
					hits = append(hits, PassageHit{Start: int(p.Start), End: int(p.End), Matches: []PassageMatch{{ID: a.ID, Start: int(o.Start), End: int(o.End), Jaccard: round4(jac)}}})
				}
			}
		}
		if len(hits) == 0 {
			return nil
		}
		n++
		return emit(RepeatReport{Kind: "repeats", ID: a.ID, Passages: mergeHits(hits, byteAdjacent)})
	})
	if err != nil {
		return n, err
	}
	bp, _, err := ix.boilerplate(ctx, BoilerplateArticles)
	if err == nil {
		err = ix.withText(bp)
	}
	if err != nil {
		return n, err
	}
	for _, b := range bp {
		if err := emit(BoilerplateReport{Kind: "boilerplate", Boilerplate: b}); err != nil {
			return n, err
		}
	}
	return n, nil
}

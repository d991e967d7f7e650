package crawl

import (
	"context"
	"os"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/eval"
	"github.com/neardup/neardup/internal/furniture"
	"github.com/neardup/neardup/internal/par"
	"github.com/neardup/neardup/internal/truth"
	"github.com/neardup/neardup/internal/warc"
	"github.com/neardup/neardup/shingle"
)

// Options configure Evaluate.
type Options struct {
	// KeepFurniture indexes the extracted text as it is; by default site furniture is taken out first (package
	// furniture, with Rule).
	KeepFurniture bool
	Rule          furniture.Rule
	Thresholds    []float64
	// Runs, if more than 1, learns the furniture in that many runs of consecutive pages, each from its own pages
	// (a crawl indexed as it arrives, without neardup relearn).
	Runs int
	// Extract, if set, replaces neardup's main-text extraction (to put another extractor beside it).
	Extract func(page []byte, url string) string
}

// Extraction scores extracted texts against the injected bodies by word-5-shingle overlap, summed over pages
// (micro-averaged): Precision is the share of extracted shingles in the body, Recall the share of the body's
// shingles extracted.
type Extraction struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// Report is the crawl-path evaluation of one generated crawl.
type Report struct {
	Pages, Sites int
	// PagesPerSecond is the extraction speed on all cores; PagesPerCoreSecond divides it by the cores used.
	PagesPerSecond     float64
	PagesPerCoreSecond float64
	// FurnitureSeconds is the time taken to learn the furniture and extract again the pages that were mostly
	// furniture (Again of them).
	FurnitureSeconds float64
	Again            int
	// Extracted scores the extractor's text; Indexed the text indexed (after furniture is taken out).
	Extracted, Indexed Extraction
	Rows               []eval.Row
}

// Evaluate extracts every page as neardup index --format html does, takes the furniture out (unless told not
// to), indexes the texts and clusters them at each threshold, and scores the clusters against the Jaccard
// similarity of the injected bodies.
func Evaluate(pages []Page, o Options) (Report, error) {
	r := Report{Pages: len(pages)}
	sites := map[string]bool{}
	for _, p := range pages {
		sites[p.Site] = true
	}
	r.Sites = len(sites)

	texts := make([]string, len(pages))
	blocks := make([][]uint64, len(pages))
	start := time.Now()
	workers := runtime.GOMAXPROCS(0)
	par.For(len(pages), func(i int) {
		if o.Extract != nil {
			texts[i] = o.Extract(pages[i].HTML, pages[i].URL)
		} else if page, err := warc.Extract(pages[i].HTML, "utf-8", pages[i].URL); err == nil {
			texts[i], blocks[i] = page.Text, page.Blocks
		}
	})
	secs := time.Since(start).Seconds()
	r.PagesPerSecond = float64(len(pages)) / secs
	r.PagesPerCoreSecond = r.PagesPerSecond / float64(workers)

	indexed := texts
	start = time.Now()
	var again atomic.Int64
	if !o.KeepFurniture {
		in := make([]furniture.Page, len(pages))
		for i, p := range pages {
			in[i] = furniture.Page{Site: p.Site, Text: texts[i], Blocks: blocks[i]}
		}
		indexed = make([]string, len(pages))
		var extractAgain func(int, func(string) bool) (string, bool)
		if o.Extract == nil {
			extractAgain = func(i int, drop func(string) bool) (string, bool) {
				again.Add(1)
				page, err := warc.ExtractWithout(pages[i].HTML, "utf-8", pages[i].URL, drop)
				if err != nil {
					return "", false
				}
				return page.Text, true
			}
		}
		runs := max(1, o.Runs)
		for k := range runs {
			lo, hi := k*len(in)/runs, (k+1)*len(in)/runs
			var part func(int, func(string) bool) (string, bool)
			if extractAgain != nil {
				part = func(i int, drop func(string) bool) (string, bool) { return extractAgain(lo+i, drop) }
			}
			for i, res := range furniture.Refine(in[lo:hi], o.Rule, part) {
				indexed[lo+i] = res.Text
			}
		}
	}
	r.FurnitureSeconds, r.Again = time.Since(start).Seconds(), int(again.Load())
	sh, _ := shingle.New(shingle.Options{})
	set := func(text string) []uint64 {
		h := sh.Hashes(nil, []byte(text))
		slices.Sort(h)
		return slices.Compact(h)
	}
	bodies := make([][]uint64, len(pages))
	for i, p := range pages {
		bodies[i] = set(p.Body)
	}
	score := func(texts []string) Extraction {
		var inter, ext, gold int
		for i, t := range texts {
			s := set(t)
			inter += truth.Intersect(s, bodies[i])
			ext += len(s)
			gold += len(bodies[i])
		}
		e := Extraction{Precision: float64(inter) / float64(max(1, ext)), Recall: float64(inter) / float64(max(1, gold))}
		if e.Precision+e.Recall > 0 {
			e.F1 = 2 * e.Precision * e.Recall / (e.Precision + e.Recall)
		}
		return e
	}
	r.Extracted, r.Indexed = score(texts), score(indexed)

	docs := make([]*neardup.Doc, len(pages))
	idx := map[string]int{}
	for i, p := range pages {
		docs[i] = &neardup.Doc{ID: p.URL, Title: p.Title, Text: indexed[i]}
		idx[p.URL] = i
	}
	floor := slices.Min(o.Thresholds)
	all := truth.AllPairs(bodies, floor)
	dir, err := os.MkdirTemp("", "neardup-crawl")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(dir)
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{Threshold: floor}})
	if err != nil {
		return r, err
	}
	defer ix.Close()
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		return r, err
	}
	for _, t := range o.Thresholds {
		row, err := eval.ScoreIndex(ix, t, len(pages), idx, all, time.Now())
		if err != nil {
			return r, err
		}
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

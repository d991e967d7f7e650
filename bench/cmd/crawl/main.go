// Command crawl runs the crawl-path benchmark: a seeded crawl of generated pages (stories of a corpus put into
// real pages of many sites, package bench/crawl), extracted, cleared of site furniture, indexed and clustered,
// scored against the injected bodies. See bench/README.md.
package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/neardup/neardup/bench/crawl"
	"github.com/neardup/neardup/internal/furniture"
)

func main() {
	shared := flag.String("shared", filepath.Join("..", "shared", "data"), "the shared data folder (html/ and the corpus)")
	corpus := flag.String("corpus", "bbc_news.jsonl", "stories, a JSONL corpus under -shared")
	half := flag.String("half", "held", "sites to use: tune (for choosing rules) or held (for the figures)")
	sites := flag.Int("sites", 40, "sites (0: all of the half)")
	skip := flag.Int("skip", 0, "sites of the half to pass over first (a fresh set of sites)")
	minPages := flag.Int("min-pages", 20, "least pages a site")
	maxPages := flag.Int("max-pages", 50, "most pages a site")
	copies := flag.Int("copies", 4, "most copies of a story, on different sites")
	seed := flag.Uint64("seed", 1, "generator seed")
	keep := flag.Bool("keep-furniture", false, "index the extracted text as it is")
	minShared := flag.Int("furniture-min-pages", furniture.DefaultMinPages, "furniture: least pages of a site holding a block")
	share := flag.Float64("furniture-share", furniture.DefaultShare, "furniture: least share of a site's pages holding a block")
	runs := flag.Int("runs", 1, "learn the furniture in this many runs of consecutive pages, each on its own (a crawl indexed as it arrives, without neardup relearn)")
	order := flag.String("order", "shuffled", "order the pages arrive in: shuffled, or site (site by site)")
	asJSON := flag.Bool("json", false, "print the report as JSON")
	flag.Parse()
	h := crawl.Held
	if *half == "tune" {
		h = crawl.Tune
	}
	tpls, err := crawl.LoadTemplates(filepath.Join(*shared, "html"), h)
	if err != nil {
		fail(err)
	}
	stories, err := crawl.LoadStories(filepath.Join(*shared, *corpus))
	if err != nil {
		fail(err)
	}
	pages, err := crawl.Generate(tpls, stories, crawl.Config{Seed: *seed, Skip: *skip, Sites: *sites, MinPages: *minPages, MaxPages: *maxPages, Copies: *copies})
	if err != nil {
		fail(err)
	}
	switch *order {
	case "shuffled":
	case "site":
		slices.SortStableFunc(pages, func(a, b crawl.Page) int { return cmp.Or(cmp.Compare(a.Site, b.Site), cmp.Compare(a.URL, b.URL)) })
	default:
		fail(fmt.Errorf("-order %q: want shuffled or site", *order))
	}
	r, err := crawl.Evaluate(pages, crawl.Options{KeepFurniture: *keep, Rule: furniture.Rule{MinPages: *minShared, Share: *share},
		Thresholds: []float64{0.5, 0.6, 0.7, 0.8, 0.9}, Runs: *runs})
	if err != nil {
		fail(err)
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(r)
		return
	}
	fmt.Printf("%d pages on %d sites (%s half, %d usable); extraction %.0f pages/s (%.0f a core)\n", r.Pages, r.Sites, *half, len(tpls), r.PagesPerSecond, r.PagesPerCoreSecond)
	if !*keep {
		fmt.Printf("furniture: learnt and %d pages extracted again in %.2f s (%.0f pages/s in all)\n", r.Again, r.FurnitureSeconds, float64(r.Pages)/(float64(r.Pages)/r.PagesPerSecond+r.FurnitureSeconds))
	}
	fmt.Printf("extracted text: precision %.4f recall %.4f F1 %.4f\n", r.Extracted.Precision, r.Extracted.Recall, r.Extracted.F1)
	fmt.Printf("indexed text:   precision %.4f recall %.4f F1 %.4f\n", r.Indexed.Precision, r.Indexed.Recall, r.Indexed.F1)
	fmt.Println("| threshold | truth pairs | found | recall | cluster pairs | correct | precision |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
	for _, row := range r.Rows {
		fmt.Printf("| %.1f | %d | %d | %.4f | %d | %d | %.4f |\n", row.Threshold, row.TruthPairs, row.Found, row.Recall, row.ClusterPairs, row.Correct, row.Precision)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "crawl:", err)
	os.Exit(2)
}

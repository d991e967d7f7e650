package crawl

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/neardup/neardup/internal/corpus"
)

// TestCrawlPath is the crawl-path benchmark on a small seeded sample (12 sites of the tuning half, 20-30 pages
// each, BBC stories): with furniture taken out, recall and precision of the story pairs at 0.8 stay at 0.99 or
// more; with it left in, they do not (the check can fail).
func TestCrawlPath(t *testing.T) {
	if testing.Short() {
		t.Skip("the crawl-path benchmark takes seconds: not in -short")
	}
	html := filepath.Join(corpus.Root(), "..", "shared", "data", "html")
	if _, err := os.Stat(filepath.Join(html, "expectations.jsonl")); err != nil {
		t.Skipf("../shared/data/html not found beside the repository: %v", err)
	}
	tpls, err := LoadTemplates(html, Tune)
	if err != nil {
		t.Fatal(err)
	}
	stories, err := LoadStories(corpus.Shared(t, "bbc_news.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := Generate(tpls, stories, Config{Seed: 1, Sites: 12, MinPages: 20, MaxPages: 30, Copies: 4})
	if err != nil {
		t.Fatal(err)
	}
	at08 := func(keep bool) (recall, precision float64, pairs int) {
		r, err := Evaluate(pages, Options{KeepFurniture: keep, Thresholds: []float64{0.8}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Rows[0].Recall, r.Rows[0].Precision, r.Rows[0].TruthPairs
	}
	rec, prec, pairs := at08(false)
	if pairs < 100 {
		t.Fatalf("only %d truth pairs: the sample is too small to say anything", pairs)
	}
	if rec < 0.99 || prec < 0.99 {
		t.Errorf("crawl path at 0.8: recall %.4f, precision %.4f (%d pairs); want 0.99 or more", rec, prec, pairs)
	}
	if krec, kprec, _ := at08(true); krec >= 0.99 && kprec >= 0.99 {
		t.Errorf("with the furniture left in: recall %.4f, precision %.4f; the sample does not exercise the rule", krec, kprec)
	}
}

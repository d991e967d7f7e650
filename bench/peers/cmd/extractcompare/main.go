// Command extractcompare puts neardup's main-text extraction (a Readability port, internal/warc) beside
// go-trafilatura on the real pages of ../shared/data/html (beside the repository; run from bench/peers), one run, the same pages, the same scoring: the share
// of "with" snippets kept and of "without" snippets dropped, and pages per second on one core.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/markusmobius/go-trafilatura"
	"github.com/neardup/neardup/bench/crawl"
	"github.com/neardup/neardup/internal/warc"
)

func main() {
	dir := flag.String("html", filepath.Join("..", "..", "..", "shared", "data", "html"), "the pages and expectations.jsonl")
	crawlSites := flag.Int("crawl-sites", 40, "held-out sites for the crawl-path comparison (0: skip it)")
	flag.Parse()
	all, err := crawl.LoadExpectations(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "extractcompare:", err)
		os.Exit(2)
	}
	var exs []crawl.Expectation
	var pages [][]byte
	for _, ex := range all {
		b, err := crawl.Gunzip(filepath.Join(*dir, "pages", ex.File))
		if err != nil {
			continue
		}
		exs = append(exs, ex)
		pages = append(pages, b)
	}
	extractors := []struct {
		name string
		fn   func(page []byte, u string) string
	}{
		{"neardup (Readability port)", func(page []byte, u string) string {
			p, err := warc.Extract(page, "", u)
			if err != nil {
				return ""
			}
			return p.Text
		}},
		{"go-trafilatura v1.12.2", func(page []byte, u string) string {
			pu, _ := url.Parse(u)
			r, err := trafilatura.Extract(bytes.NewReader(page), trafilatura.Options{OriginalURL: pu, ExcludeComments: true})
			if err != nil || r == nil {
				return ""
			}
			return r.ContentText
		}},
		{"go-trafilatura v1.12.2, with fallback", func(page []byte, u string) string {
			pu, _ := url.Parse(u)
			r, err := trafilatura.Extract(bytes.NewReader(page), trafilatura.Options{OriginalURL: pu, ExcludeComments: true, EnableFallback: true})
			if err != nil || r == nil {
				return ""
			}
			return r.ContentText
		}},
	}
	fmt.Printf("%d real pages, one core each\n\n| extractor | precision | recall | F1 | pages/s |\n| --- | --- | --- | --- | --- |\n", len(pages))
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, x := range extractors {
		start := time.Now()
		texts := make([]string, len(pages))
		for i, p := range pages {
			texts[i] = norm(x.fn(p, exs[i].URL))
		}
		secs := time.Since(start).Seconds()
		var tp, fp, fn int
		for i, ex := range exs {
			for _, s := range ex.With {
				if strings.Contains(texts[i], norm(s)) {
					tp++
				} else {
					fn++
				}
			}
			for _, s := range ex.Without {
				if strings.Contains(texts[i], norm(s)) {
					fp++
				}
			}
		}
		p := float64(tp) / float64(tp+fp)
		r := float64(tp) / float64(tp+fn)
		fmt.Printf("| %s | %.4f | %.4f | %.4f | %.0f |\n", x.name, p, r, 2*p*r/(p+r), float64(len(pages))/secs)
	}
	if *crawlSites == 0 {
		return
	}
	// The crawl path with each extractor: the held-out sites of bench/cmd/crawl's figures.
	tpls, err := crawl.LoadTemplates(*dir, crawl.Held)
	if err != nil {
		fmt.Fprintln(os.Stderr, "extractcompare:", err)
		os.Exit(2)
	}
	stories, err := crawl.LoadStories(filepath.Join(*dir, "..", "bbc_news.jsonl"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "extractcompare:", err)
		os.Exit(2)
	}
	cp, err := crawl.Generate(tpls, stories, crawl.Config{Seed: 6, Skip: 80, Sites: *crawlSites, MinPages: 20, MaxPages: 50, Copies: 4})
	if err != nil {
		fmt.Fprintln(os.Stderr, "extractcompare:", err)
		os.Exit(2)
	}
	fmt.Printf("\ncrawl path, %d pages of held-out sites, furniture out, at 0.8\n\n| extractor | extraction precision | extraction recall | indexed F1 | pair recall | pair precision |\n| --- | --- | --- | --- | --- | --- |\n", len(cp))
	for _, x := range extractors {
		r, err := crawl.Evaluate(cp, crawl.Options{Thresholds: []float64{0.8}, Extract: x.fn})
		if err != nil {
			fmt.Fprintln(os.Stderr, "extractcompare:", err)
			os.Exit(2)
		}
		fmt.Printf("| %s | %.4f | %.4f | %.4f | %.4f | %.4f |\n", x.name, r.Extracted.Precision, r.Extracted.Recall, r.Indexed.F1, r.Rows[0].Recall, r.Rows[0].Precision)
	}
}

// Command extraction scores neardup's main-text extraction on the real pages of ../shared/data/html: for each
// page, the share of its "with" snippets the extracted text keeps and the share of its "without" snippets it
// drops, over all pages and over one half of the sites (see bench/crawl.HalfOf), with pages per second.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/neardup/neardup/bench/crawl"
	"github.com/neardup/neardup/internal/par"
	"github.com/neardup/neardup/internal/warc"
)

func main() {
	dir := flag.String("html", filepath.Join("..", "shared", "data", "html"), "the pages and expectations.jsonl")
	half := flag.String("half", "all", "pages of: all, tune or held sites")
	flag.Parse()
	all, err := crawl.LoadExpectations(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "extraction:", err)
		os.Exit(2)
	}
	var exs []crawl.Expectation
	for _, ex := range all {
		site := warc.Site(ex.URL)
		if *half == "tune" && crawl.HalfOf(site) != crawl.Tune || *half == "held" && crawl.HalfOf(site) != crawl.Held {
			continue
		}
		exs = append(exs, ex)
	}
	bodies := make([][]byte, len(exs))
	for i, ex := range exs {
		bodies[i], _ = crawl.Gunzip(filepath.Join(*dir, "pages", ex.File))
	}
	texts := make([]string, len(exs))
	start := time.Now()
	par.For(len(exs), func(i int) {
		if p, err := warc.Extract(bodies[i], "", exs[i].URL); err == nil {
			texts[i] = p.Text
		}
	})
	secs := time.Since(start).Seconds()
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var with, withKept, without, withoutDropped int
	for i, ex := range exs {
		t := norm(texts[i])
		for _, s := range ex.With {
			with++
			if strings.Contains(t, norm(s)) {
				withKept++
			}
		}
		for _, s := range ex.Without {
			without++
			if !strings.Contains(t, norm(s)) {
				withoutDropped++
			}
		}
	}
	// Snippet recall and precision as the trafilatura comparison counts them: a kept "with" is a true positive,
	// a kept "without" a false positive, a dropped "with" a false negative.
	tp, fp, fn := withKept, without-withoutDropped, with-withKept
	p := float64(tp) / float64(tp+fp)
	r := float64(tp) / float64(tp+fn)
	fmt.Printf("%d pages (%s): with kept %d/%d, without dropped %d/%d; precision %.4f recall %.4f F1 %.4f; %.0f pages/s on %d cores (%.0f a core)\n",
		len(exs), *half, withKept, with, withoutDropped, without, p, r, 2*p*r/(p+r), float64(len(exs))/secs, runtime.GOMAXPROCS(0), float64(len(exs))/secs/float64(runtime.GOMAXPROCS(0)))
}

// Command reuse evaluates the two questions Jaccard cannot answer. Containment: for every pair whose smaller
// article (50 words or more) lies at least 0.8 inside the larger while their Jaccard is under 0.5, does
// neardup query --containment 0.8 on the smaller return the larger, with exact scores? Truth is the exact
// overlap join (internal/truth.Contained). Time: on a generated year of recurring stories with syndicated
// copies, how do dedupe's clusters look with and without --window?
//
//	go run ./bench/cmd/reuse ../shared/data/reuters21578.jsonl ../shared/data/bbc_news.jsonl
//	go run ./bench/cmd/reuse -carriers 2000 -year ../shared/data/bbc_news.jsonl   # generated carriers, a year
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/eval"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
)

func main() {
	carriers := flag.Int("carriers", 0, "also evaluate this many generated carriers made from each CORPUS")
	quotes := flag.Int("quotes", 0, "also measure, on quotes of 10 to 60 words pasted into articles of each CORPUS, the recall of containment queries (this many quotes a length)")
	year := flag.Bool("year", false, "also evaluate dedupe --window on a generated year made from the first CORPUS")
	only := flag.Bool("generated-only", false, "evaluate only the generated data, not the corpora themselves")
	seed := flag.Uint64("seed", 1, "generator seed")
	minC := flag.Float64("containment", 0.8, "least containment of a truth pair, and of the queries")
	flag.IntVar(&eval.AnchorWindow, "anchor-window", 0, "winnowing window of the containment anchors (0: the default)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: reuse [-carriers N] [-year] [-generated-only] CORPUS.jsonl...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	for i, path := range flag.Args() {
		raw, err := corpus.Load(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "reuse:", err)
			os.Exit(2)
		}
		name := filepath.Base(path)
		if !*only {
			var docs []*neardup.Doc
			for _, d := range raw {
				docs = append(docs, &neardup.Doc{ID: d.ID, Title: d.Title, Text: d.Text})
			}
			report(name, docs, *minC)
		}
		if *carriers > 0 {
			report(fmt.Sprintf("%d carriers from %s (seed %d)", *carriers, name, *seed), gen.Carriers(raw, *carriers, *seed), *minC)
		}
		if *quotes > 0 {
			rows, err := eval.Quotes(raw, []int{10, 20, 30, 40, 44, 50, 60}, *quotes, *minC, *seed)
			if err != nil {
				fmt.Fprintln(os.Stderr, "reuse:", err)
				os.Exit(1)
			}
			fmt.Printf("\nQuotes pasted whole into articles of %s (seed %d), queried at containment %.1f:\n\n| words | quotes | carriers found | recall |\n|---|---|---|---|\n", name, *seed, *minC)
			for _, r := range rows {
				fmt.Printf("| %d | %d | %d | %.4f |\n", r.Words, r.Quotes, r.Found, r.Recall)
			}
		}
		if *year && i == 0 {
			docs, eds := gen.Year(raw, *seed)
			start := time.Now()
			rows, err := eval.Window(docs, eds, neardup.DefaultThreshold, []time.Duration{0, 36 * time.Hour, 20 * time.Hour})
			if err != nil {
				fmt.Fprintln(os.Stderr, "reuse:", err)
				os.Exit(1)
			}
			fmt.Printf("\nA generated year from %s (seed %d): %d articles, dedupe at %.1f (%.1f s for the three runs)\n\n", name, *seed, len(docs), neardup.DefaultThreshold, time.Since(start).Seconds())
			fmt.Println("| series | window | clusters | spanning two editions or more | most editions in one | copies found |")
			fmt.Println("|---|---|---|---|---|---|")
			for _, r := range rows {
				fmt.Println(r)
			}
		}
	}
}

func report(name string, docs []*neardup.Doc, minC float64) {
	start := time.Now()
	row, err := eval.ContainQueries(docs, minC, 0.5, 50)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reuse:", err)
		os.Exit(1)
	}
	fmt.Printf("%s (%d articles): containment >= %.1f, Jaccard < 0.5, smaller >= 50 words: %s (%.1f s)\n", name, len(docs), minC, row, time.Since(start).Seconds())
}

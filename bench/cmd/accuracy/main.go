// Command accuracy computes the exact truth for a corpus (every article pair with word-5-shingle Jaccard above
// the lowest threshold, by an exact prefix-filter join) and prints neardup's recall, precision, F1 and adjusted
// Rand index against it at each threshold, as a Markdown table.
//
//	go run ./bench/cmd/accuracy ../shared/data/reuters21578.jsonl
//	go run ./bench/cmd/accuracy -generated 20000 testdata/doj-press-releases.jsonl   # a generated mixed corpus
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/eval"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
)

func main() {
	ts := flag.String("thresholds", "0.5,0.6,0.7,0.8,0.9", "comma-separated Jaccard thresholds")
	generated := flag.Int("generated", 0, "evaluate a generated corpus of this many articles made from CORPUS instead")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: accuracy [-thresholds 0.5,0.8] [-generated N] CORPUS.jsonl")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	var thresholds []float64
	for _, s := range strings.Split(*ts, ",") {
		t, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || t <= 0 || t > 1 {
			fmt.Fprintf(os.Stderr, "accuracy: bad threshold %q\n", s)
			os.Exit(2)
		}
		thresholds = append(thresholds, t)
	}
	raw, err := corpus.Load(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(2)
	}
	name := filepath.Base(flag.Arg(0))
	var docs []*neardup.Doc
	if *generated > 0 {
		g := gen.New(raw, gen.Options{Seed: *seed})
		for range *generated {
			d, _ := g.Next()
			docs = append(docs, d)
		}
		name = fmt.Sprintf("generated %d from %s (seed %d)", *generated, name, *seed)
	} else {
		for _, d := range raw {
			docs = append(docs, &neardup.Doc{ID: d.ID, Text: d.Text, Date: d.Date, Title: d.Title})
		}
	}
	rows, err := eval.Run(docs, thresholds)
	if err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(2)
	}
	fmt.Printf("%s: %d articles\n\n", name, len(docs))
	fmt.Println("| threshold | truth pairs | found | recall | cluster pairs | precision | F1 | ARI | seconds |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range rows {
		fmt.Printf("| %.1f | %d | %d | %.4f | %d | %.4f | %.4f | %.4f | %.2f |\n", r.Threshold, r.TruthPairs, r.Found, r.Recall, r.ClusterPairs, r.Precision, r.F1, r.ARI, r.Seconds)
	}
	c, err := eval.Containment(docs, slices.Min(thresholds), 0.9)
	if err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(2)
	}
	fmt.Printf("\nContainment >= %.1f (pairs with Jaccard >= %.1f): %d truth pairs, %d found by query, recall %.4f, largest containment error %.4f\n",
		c.MinContainment, c.JaccardFloor, c.TruthPairs, c.Found, c.Recall, c.MaxError)
}

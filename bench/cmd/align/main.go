// Command align runs the text-alignment benchmark: passages of 50 to 5,000 characters of source articles pasted
// at arbitrary word boundaries of host articles (verbatim, and with a word in ten changed or dropped), the
// sources indexed, every suspicious document asked through the index (neardup's AlignDoc finds the candidates
// itself), scored by the PAN measures: character recall and precision, granularity, plagdet. Sources and hosts
// are split in two halves by id: tune for choosing the aligner's settings, held for the figures. See
// bench/README.md.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/eval"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
)

func main() {
	shared := flag.String("shared", filepath.Join("..", "shared", "data"), "the shared data folder")
	sources := flag.String("sources", "bbc_news.jsonl", "source articles (indexed), a JSONL corpus under -shared")
	hosts := flag.String("hosts", "reuters21578.jsonl", "host articles (not indexed), a JSONL corpus under -shared")
	half := flag.String("half", "held", "articles to use: tune (for choosing settings) or held (for the figures)")
	docs := flag.Int("docs", 600, "suspicious documents (1 or 2 passages each)")
	windows := flag.String("windows", "40,8", "anchor windows of the indexes compared (Config.AnchorWindow)")
	seed := flag.Uint64("seed", 1, "generator seed")
	dump := flag.String("dump", "", "write each run's truth and detections to DIR as JSON Lines, for ../shared/tools/plagdet.py")
	flag.Parse()
	load := func(name string) []corpus.Doc {
		all, err := corpus.Load(filepath.Join(*shared, name))
		if err != nil {
			fmt.Fprintln(os.Stderr, "align:", err)
			os.Exit(2)
		}
		want := uint64(0)
		if *half == "held" {
			want = 1
		}
		var out []corpus.Doc
		for _, d := range all {
			if xxhash.Sum64String("align-split:"+d.ID)&1 == want {
				out = append(out, d)
			}
		}
		return out
	}
	src, host := load(*sources), load(*hosts)
	fmt.Printf("| half | anchor window | edits | cases | recall | precision | granularity | plagdet | query p50 | query p99 | tables MB |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, ws := range strings.Split(*windows, ",") {
		w, err := strconv.Atoi(ws)
		if err != nil {
			fmt.Fprintln(os.Stderr, "align: bad -windows:", err)
			os.Exit(2)
		}
		for _, edit := range []float64{0, 0.1} {
			set := gen.Align(src, host, gen.AlignOptions{Docs: *docs, MaxCases: 2, MinChars: 50, MaxChars: 5000, Edit: edit, Seed: *seed})
			dir, err := os.MkdirTemp("", "neardup-align-")
			if err != nil {
				fmt.Fprintln(os.Stderr, "align:", err)
				os.Exit(1)
			}
			run, err := eval.AlignThroughIndex(dir, neardup.Config{AnchorWindow: w}, set, neardup.AlignOptions{})
			size, _ := dirSize(dir)
			os.RemoveAll(dir)
			if err != nil {
				fmt.Fprintln(os.Stderr, "align:", err)
				os.Exit(1)
			}
			label := "verbatim"
			if edit > 0 {
				label = "1 word in 10"
			}
			if *dump != "" {
				name := fmt.Sprintf("%s-w%d-e%.0f", *half, w, edit*100)
				err := write(filepath.Join(*dump, name+".truth.jsonl"), set.Cases, nil)
				if err == nil {
					err = write(filepath.Join(*dump, name+".detections.jsonl"), nil, run.Detections)
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, "align: -dump:", err)
					os.Exit(1)
				}
			}
			fmt.Printf("| %s | %d | %s | %d | %.3f | %.3f | %.3f | %.3f | %.1f ms | %.1f ms | %.1f |\n", *half, w, label, run.Cases,
				run.Recall, run.Precision, run.Granularity, run.Plagdet, run.P50.Seconds()*1e3, run.P99.Seconds()*1e3, float64(size)/1e6)
		}
	}
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && !strings.HasSuffix(fi.Name(), ".vlog") && !strings.HasSuffix(fi.Name(), ".mem") {
			n += fi.Size()
		}
		return err
	})
	return n, err
}

// pair is one line of plagdet.py's input.
type pair struct {
	This      string `json:"this"`
	ThisStart int    `json:"this_start"`
	ThisEnd   int    `json:"this_end"`
	Source    string `json:"source"`
	SrcStart  int    `json:"source_start"`
	SrcEnd    int    `json:"source_end"`
}

func write(name string, cases []gen.Case, dets []eval.Detection) error {
	os.MkdirAll(filepath.Dir(name), 0o755)
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, c := range cases {
		if err := enc.Encode(pair{c.Susp, c.SuspStart, c.SuspEnd, c.Source, c.SrcStart, c.SrcEnd}); err != nil {
			return err
		}
	}
	for _, d := range dets {
		if err := enc.Encode(pair{d.Susp, d.SuspStart, d.SuspEnd, d.Source, d.SrcStart, d.SrcEnd}); err != nil {
			return err
		}
	}
	return f.Close()
}

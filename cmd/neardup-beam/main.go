package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
)

func main() {
	in := flag.String("input", "", "the articles: a file or glob of JSON Lines (.gz read transparently) or of WARC files (.warc, .warc.gz)")
	format := flag.String("format", "", "the input's format: jsonl or warc (default: warc for a pattern ending .warc or .warc.gz, else jsonl)")
	output := flag.String("output", "clusters.jsonl", "cluster lines, in `neardup dedupe` format (sharded by the runner); OUTPUT.unconverged lists nodes still changing after the last round, OUTPUT.oversized the capped buckets")
	dropList := flag.String("drop-list", "", "also write the ids to drop here")
	rejects := flag.String("rejected", "", "write the rejected input lines, with reasons, here")
	threshold := flag.Float64("threshold", 0.8, "least verified Jaccard similarity that joins two articles")
	writeKept := flag.String("write-kept", "", "also write the deduplicated corpus here: the input's JSON lines less the duplicates' (and less the lines that are no article), each as read, sharded by the runner")
	window := flag.Duration("window", 0, "join only articles dated at most this far apart; no cluster spans more (e.g. 36h, 168h; neardup dedupe --window)")
	minShingles := flag.Int("min-shingles", neardup.DefaultMinShingles, "leave out of clusters the articles with fewer distinct word shingles (under about N+4 words); 0: none left out")
	rounds := flag.Int("rounds", 8, "label-propagation rounds for connected components (the largest cluster diameter)")
	var fields input.Fields
	flag.StringVar(&fields.ID, "id-field", "id", "the JSON key holding an article's id")
	flag.StringVar(&fields.Text, "text-field", "text", "the JSON key holding its text")
	flag.StringVar(&fields.Title, "title-field", "title", "the JSON key holding its title")
	flag.StringVar(&fields.URL, "url-field", "url", "the JSON key holding its URL")
	flag.StringVar(&fields.Date, "date-field", "date", "the JSON key holding its date")
	own := map[string]bool{}
	flag.VisitAll(func(f *flag.Flag) {
		if !beamFlag[f.Name] {
			own[f.Name] = true
		}
	})
	flag.Usage = func() { usage(own) }
	flag.Parse()
	beam.Init()
	if *in == "" {
		fmt.Fprintln(os.Stderr, "neardup-beam: --input is required; see --help (runner flags: --runner=prism|flink|spark|dataflow --endpoint=...)")
		os.Exit(2)
	}
	if err := checkInput(*in); err != nil {
		fail(err)
	}
	if *format == "" {
		*format = "jsonl"
		if l := strings.ToLower(*in); strings.HasSuffix(l, ".warc") || strings.HasSuffix(l, ".warc.gz") {
			*format = "warc"
		}
	}
	if *format != "jsonl" && *format != "warc" {
		fail(fmt.Errorf("unknown --format %q (want jsonl or warc)", *format))
	}
	if *writeKept != "" && *format != "jsonl" {
		fail(errors.New("--write-kept writes JSON Lines input less its duplicates, not WARC files"))
	}
	if *window < 0 || *window > 0 && *window < time.Second {
		fail(errors.New("--window must be a positive duration of a second or more (e.g. 36h)"))
	}
	if *minShingles < 0 {
		fail(errors.New("--min-shingles must be >= 0"))
	}
	p, err := NewParams(*threshold)
	if err != nil {
		fail(err)
	}
	p.Fields = fields
	p.Window = int64(*window / time.Second)
	p.MinShingles = *minShingles
	pipe, s := beam.NewPipelineWithRoot()
	var lines beam.PCollection
	var read Inputs
	if *format == "warc" {
		read = FromWARC(s, fileio.ReadMatches(s, fileio.MatchFiles(s, *in), fileio.ReadUncompressed()), p)
	} else {
		lines = textio.Read(s, *in)
		read = FromJSONL(s, lines, p)
	}
	out := Build(s, read, p, *rounds)
	if *writeKept != "" {
		textio.Write(s, *writeKept, Kept(s, lines, out.Drop, p))
	}
	textio.Write(s, *output, out.Clusters)
	if *dropList != "" {
		textio.Write(s, *dropList, out.Drop)
	}
	if *rejects != "" {
		textio.Write(s, *rejects, out.Rejected)
	}
	textio.Write(s, *output+".unconverged", out.Unconverged)
	textio.Write(s, *output+".oversized", out.Oversized)
	textio.Write(s, *output+".summary", out.Summary)
	start := time.Now()
	if err := beamx.Run(context.Background(), pipe); err != nil {
		fmt.Fprintln(os.Stderr, "neardup-beam:", err)
		os.Exit(1)
	}
	// The summary line neardup dedupe prints, from OUTPUT.summary when it is a local file.
	var sum struct{ Articles, Clusters, Duplicates int }
	if b, err := os.ReadFile(*output + ".summary"); err == nil && json.Unmarshal(b, &sum) == nil {
		fmt.Fprintf(os.Stderr, "neardup-beam: %d articles, %d clusters, %d duplicates to drop, %.2f seconds\n", sum.Articles, sum.Clusters, sum.Duplicates, time.Since(start).Seconds())
	} else {
		fmt.Fprintf(os.Stderr, "neardup-beam: done in %.2f seconds; counts in %s.summary\n", time.Since(start).Seconds(), *output)
	}
}

// fail reports a bad invocation and exits 2, before the pipeline starts.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "neardup-beam:", err)
	os.Exit(2)
}

// beamFlag holds the flags Beam and its runners registered before main ran: the flags set at start-up, before
// the pipeline's own are added.
var beamFlag = func() map[string]bool {
	m := map[string]bool{}
	flag.VisitAll(func(f *flag.Flag) { m[f.Name] = true })
	return m
}()

// usage prints the pipeline's own flags first, then Beam's and the runners' (about 125 of them).
func usage(own map[string]bool) {
	w := flag.CommandLine.Output()
	fmt.Fprintln(w, "Usage: neardup-beam --input FILES --output OUT [flags]")
	fmt.Fprintln(w, "\nThe nightly dedupe of neardup as an Apache Beam pipeline: the clusters neardup dedupe prints.\n\nFlags:")
	print := func(mine bool) {
		flag.VisitAll(func(f *flag.Flag) {
			if own[f.Name] == mine {
				fmt.Fprintf(w, "  --%s\n    \t%s", f.Name, f.Usage)
				if f.DefValue != "" {
					fmt.Fprintf(w, " (default %q)", f.DefValue)
				}
				fmt.Fprintln(w)
			}
		})
	}
	print(true)
	fmt.Fprintln(w, "\nBeam and runner flags (--runner=prism|flink|spark|dataflow, --endpoint, ...):")
	print(false)
}

// checkInput refuses a local --input (a path or glob, not a URL such as gs://...) that matches no file, rather than
// run the pipeline over nothing and write empty outputs.
func checkInput(pattern string) error {
	if strings.Contains(pattern, "://") {
		return nil
	}
	if m, err := filepath.Glob(pattern); err != nil || len(m) == 0 {
		return fmt.Errorf("no file matches --input %s", pattern)
	}
	return nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
)

func main() {
	input := flag.String("input", "", "JSONL articles: a file or glob (.gz read transparently)")
	output := flag.String("output", "clusters.jsonl", "cluster lines, in `neardup dedupe` format (sharded by the runner); OUTPUT.unconverged lists nodes still changing after the last round, OUTPUT.oversized the capped buckets")
	dropList := flag.String("drop-list", "", "also write the ids to drop here")
	rejects := flag.String("rejected", "", "write the rejected input lines, with reasons, here")
	threshold := flag.Float64("threshold", 0.8, "least verified Jaccard similarity that joins two articles")
	rounds := flag.Int("rounds", 8, "label-propagation rounds for connected components (the largest cluster diameter)")
	flag.Parse()
	beam.Init()
	if *input == "" {
		fmt.Fprintln(os.Stderr, "neardup-beam: --input is required; see --help (runner flags: --runner=prism|flink|spark|dataflow --endpoint=...)")
		os.Exit(2)
	}
	p, err := NewParams(*threshold)
	if err != nil {
		fmt.Fprintln(os.Stderr, "neardup-beam:", err)
		os.Exit(2)
	}
	pipe, s := beam.NewPipelineWithRoot()
	out := Build(s, textio.Read(s, *input), p, *rounds)
	textio.Write(s, *output, out.Clusters)
	if *dropList != "" {
		textio.Write(s, *dropList, out.Drop)
	}
	if *rejects != "" {
		textio.Write(s, *rejects, out.Rejected)
	}
	textio.Write(s, *output+".unconverged", out.Unconverged)
	textio.Write(s, *output+".oversized", out.Oversized)
	if err := beamx.Run(context.Background(), pipe); err != nil {
		fmt.Fprintln(os.Stderr, "neardup-beam:", err)
		os.Exit(1)
	}
}

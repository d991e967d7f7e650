package eval

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
)

// TestScoreAlignment pins the PAN measures on cases worked by hand: a case found whole by one detection, a case found
// in two halves, a case missed, a detection of nothing.
func TestScoreAlignment(t *testing.T) {
	cases := []gen.Case{
		{Susp: "s", SuspStart: 0, SuspEnd: 100, Source: "a", SrcStart: 0, SrcEnd: 100},
		{Susp: "s", SuspStart: 200, SuspEnd: 300, Source: "b", SrcStart: 50, SrcEnd: 150},
		{Susp: "t", SuspStart: 0, SuspEnd: 100, Source: "a", SrcStart: 0, SrcEnd: 100},
	}
	dets := []Detection{
		{Susp: "s", SuspStart: 0, SuspEnd: 100, Source: "a", SrcStart: 0, SrcEnd: 100},
		{Susp: "s", SuspStart: 200, SuspEnd: 250, Source: "b", SrcStart: 50, SrcEnd: 100},
		{Susp: "s", SuspStart: 250, SuspEnd: 300, Source: "b", SrcStart: 100, SrcEnd: 150},
		{Susp: "s", SuspStart: 400, SuspEnd: 500, Source: "c", SrcStart: 0, SrcEnd: 100},
	}
	p := ScoreAlignment(cases, dets)
	if p.Recall < 0.666 || p.Recall > 0.667 || p.Precision != 0.75 || p.Granularity != 1.5 || p.Detected != 2 {
		t.Fatalf("%+v", p)
	}
}

// TestAlignDOJ: copies of 50 to 5,000 characters of DOJ releases pasted anywhere into other text are found
// through the index with their spans (a smoke test on the shipped sample, with an anchor window of 8;
// bench/cmd/align measures real data).
func TestAlignDOJ(t *testing.T) {
	docs, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	// Hosts are releases with their words shuffled: the vocabulary of the sources, none of their passages.
	rng := rand.New(rand.NewPCG(1, 1))
	var sources, hosts []corpus.Doc
	for i, d := range docs {
		if i%2 == 0 {
			sources = append(sources, d)
			continue
		}
		w := strings.Fields(d.Text)
		rng.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
		d.Text = strings.Join(w, " ")
		hosts = append(hosts, d)
	}
	for _, c := range []struct {
		edit              float64
		recall, precision float64
	}{{0, 0.95, 0.75}, {0.1, 0.85, 0.75}} { // releases share formula sentences that Distinct does not take out: a
		// copy's sentence found in another release holding it counts against precision here
		set := gen.Align(sources, hosts, gen.AlignOptions{Docs: 150, MaxCases: 2, MinChars: 50, MaxChars: 5000, Edit: c.edit, Seed: 1})
		run, err := AlignThroughIndex(t.TempDir(), neardup.Config{AnchorWindow: 8}, set, neardup.AlignOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("edit %.1f: %v", c.edit, run.PAN)
		if run.Cases < 100 || run.Recall < c.recall || run.Precision < c.precision || run.Granularity > 1.05 {
			t.Errorf("edit %.1f: %v, want recall >= %.2f, precision >= %.2f, granularity <= 1.05", c.edit, run.PAN, c.recall, c.precision)
		}
	}
}

package eval

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
)

func TestARI(t *testing.T) {
	same := []int{1, 1, 2, 2, 0}
	if got := ARI(5, same, same); got != 1 {
		t.Errorf("identical partitions: ARI %v", got)
	}
	// a = {0,1},{2,3}; b = {0,1,2,3}: sa = 2, sb = 6, index = 2, expected = 2*6/10 = 1.2, max = 4.
	if got := ARI(5, []int{1, 1, 2, 2, 0}, []int{1, 1, 1, 1, 0}); math.Abs(got-(2-1.2)/(4-1.2)) > 1e-12 {
		t.Errorf("ARI %v", got)
	}
}

// TestSample runs the evaluation on the shipped DOJ sample, as CI does: recall and precision >= 0.99 at 0.8.
func TestSample(t *testing.T) {
	raw, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]*neardup.Doc, len(raw))
	for i, d := range raw {
		docs[i] = &neardup.Doc{ID: d.ID, Text: d.Text, Date: d.Date}
	}
	rows, err := Run(docs, []float64{0.5, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		t.Logf("%+v", r)
	}
	if r := rows[1]; r.TruthPairs != 23 || r.Recall < 0.99 || r.Precision < 0.99 {
		t.Errorf("at 0.8: %+v", r)
	}
	if r := rows[0]; r.TruthPairs < 90 || r.Recall < 0.95 {
		t.Errorf("at 0.5: %+v", r)
	}
}

func TestContainmentSample(t *testing.T) {
	raw, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]*neardup.Doc, len(raw))
	for i, d := range raw {
		docs[i] = &neardup.Doc{ID: d.ID, Text: d.Text}
	}
	// A trimmed copy: the first article without its last paragraph.
	paras := strings.Split(docs[0].Text, "\n\n")
	docs = append(docs, &neardup.Doc{ID: "trimmed", Text: strings.Join(paras[:len(paras)-1], "\n\n")})
	c, err := Containment(docs, 0.5, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", c)
	if c.TruthPairs == 0 || c.Recall < 0.95 || c.MaxError > 0.001 {
		t.Errorf("%+v", c)
	}
}

// TestContainQueriesOnCarriers: containment queries find the carriers of the sample's press releases (Jaccard
// under 0.5, out of the band keys' reach) with every reported score exact.
func TestContainQueriesOnCarriers(t *testing.T) {
	raw, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	docs := gen.Carriers(raw, 300, 7)
	r, err := ContainQueries(docs, 0.8, 0.5, 50)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.TruthPairs < 200 || r.Recall < 0.97 || r.Inexact != 0 || r.Reported < r.Found {
		t.Errorf("%+v", r)
	}
}

// TestWindowOnYear: without a window the weekly listings chain across weeks and the weather forecasts across
// the year; with one under a day no cluster spans two editions and every copy is found; with 36 hours the
// listings are parted too, while forecasts near-identical a day apart stay joined in pairs.
func TestWindowOnYear(t *testing.T) {
	raw, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	docs, eds := gen.Year(raw, 1)
	rows, err := Window(docs, eds, 0.8, []time.Duration{0, 36 * time.Hour, 20 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	get := func(series string, w time.Duration) WindowRow {
		for _, r := range rows {
			if r.Series == series && r.Window == w {
				return r
			}
		}
		t.Fatalf("no row %s %v", series, w)
		return WindowRow{}
	}
	for _, r := range rows {
		t.Log(r)
		if r.CopiesFound != r.Copies || r.Copies == 0 {
			t.Errorf("copies lost: %v", r)
		}
	}
	if r := get("listings", 0); r.Largest < 3 {
		t.Errorf("listings without a window: %v", r)
	}
	if r := get("weather", 0); r.Largest < 100 {
		t.Errorf("weather without a window: %v", r)
	}
	if r := get("listings", 36*time.Hour); r.Spanning != 0 {
		t.Errorf("listings with 36h: %v", r)
	}
	if r := get("weather", 36*time.Hour); r.Largest != 2 {
		t.Errorf("weather with 36h: %v", r)
	}
	if r := get("", 20*time.Hour); r.Spanning != 0 {
		t.Errorf("all with 20h: %v", r)
	}
}

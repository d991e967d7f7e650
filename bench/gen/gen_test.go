package gen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/neardup/neardup/internal/corpus"
)

func TestDeterministicAndMixed(t *testing.T) {
	base, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	a, b := New(base, Options{Seed: 3}), New(base, Options{Seed: 3})
	copies := 0
	for range 500 {
		x, of := a.Next()
		y, _ := b.Next()
		if x.ID != y.ID || x.Text != y.Text {
			t.Fatal("same seed, different articles")
		}
		if of != "" {
			copies++
		}
	}
	if copies < 50 || copies > 150 {
		t.Errorf("%d copies in 500, want about 100", copies)
	}
}

func TestCarriersHoldTheirShortArticle(t *testing.T) {
	base, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	a, b := Carriers(base, 50, 2), Carriers(base, 50, 2)
	if len(a) != len(b) || a[len(a)-1].Text != b[len(b)-1].Text {
		t.Fatal("same seed, different carriers")
	}
	carriers := 0
	for _, d := range a {
		if !strings.HasPrefix(d.ID, "carrier-") {
			continue
		}
		carriers++
		// Every paragraph of the carrier comes from a short or a long article; at least two from a short one.
		fromShort := 0
		for _, p := range strings.Split(d.Text, "\n\n") {
			for _, s := range a {
				if strings.HasPrefix(s.ID, "short-") && strings.Contains(s.Text, p) {
					fromShort++
					break
				}
			}
		}
		if fromShort < 1 {
			t.Errorf("%s holds no paragraph of a short article", d.ID)
		}
	}
	if carriers != 50 {
		t.Errorf("%d carriers, want 50", carriers)
	}
}

func TestYearEditions(t *testing.T) {
	base, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	docs, eds := Year(base, 1)
	if len(docs) != len(eds) {
		t.Fatal("labels and articles differ in number")
	}
	editions := map[Edition]bool{}
	for i, e := range eds {
		if !e.Copy {
			editions[e] = true
			continue
		}
		if !strings.HasPrefix(docs[i].ID, fmt.Sprintf("%s-%03d-copy-", e.Series, e.Day)) {
			t.Errorf("copy %s labelled %+v", docs[i].ID, e)
		}
	}
	if len(editions) != 3*365 {
		t.Errorf("%d editions, want 3 × 365", len(editions))
	}
}

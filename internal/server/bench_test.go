package server

import (
	"context"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/corpus"
)

// BenchmarkComparePage renders /compare of two 2,000-word articles (one a copy of the other with every tenth
// paragraph rewritten) server-side, and reports the p50 and p99 of the requests.
func BenchmarkComparePage(b *testing.B) {
	f, err := os.Open(corpus.Sample())
	if err != nil {
		b.Fatal(err)
	}
	var words []string
	input.ReadJSONL(f, "sample", func(d *neardup.Doc) error {
		if len(words) < 2000 {
			words = append(words, strings.Fields(d.Text)...)
		}
		return nil
	}, func(*input.InputError) {})
	f.Close()
	words = words[:2000]
	var pa, pb []string
	for i := 0; i < len(words); i += 50 {
		p := strings.Join(words[i:min(i+50, len(words))], " ")
		pa = append(pa, p)
		if (i/50)%10 == 3 {
			p = "A paragraph rewritten for the copy, with words of its own that the original does not have."
		}
		pb = append(pb, p)
	}
	ix, err := neardup.Open(b.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	docs := []*neardup.Doc{{ID: "a", Text: strings.Join(pa, "\n\n")}, {ID: "b", Text: strings.Join(pb, "\n\n")}}
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		b.Fatal(err)
	}
	h := New(ix, Options{})
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/compare?a=a&b=b", nil))
		lat = append(lat, time.Since(start))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<mark>") {
			b.Fatalf("compare: %d", rec.Code)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2].Seconds()*1e3, "p50-ms")
	b.ReportMetric(lat[len(lat)*99/100].Seconds()*1e3, "p99-ms")
}

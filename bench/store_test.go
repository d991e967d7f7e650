package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
)

// storeArticles is the size of the generated corpus the store benchmarks index: large enough for flushes and
// compactions to take part, small enough for CI's one iteration. bench/cmd/scale measures 100k to 1M.
const storeArticles = 50000

// generated returns storeArticles generated articles over the generator's base corpus (Reuters when ../shared
// is present, else the DOJ sample), the same for every call.
func generated(b *testing.B) []*neardup.Doc {
	b.Helper()
	base, err := corpus.Load(corpus.GeneratorBase())
	if err != nil {
		b.Fatal(err)
	}
	g := gen.New(base, gen.Options{Seed: 1})
	docs := make([]*neardup.Doc, storeArticles)
	for i := range docs {
		docs[i], _ = g.Next()
	}
	return docs
}

// BenchmarkIngest indexes the generated articles into a new index, from parsed articles to a closed, durable
// index (hashing on every core, pipelined Badger writes), and reports articles/s.
func BenchmarkIngest(b *testing.B) {
	docs := generated(b)
	var text int64
	for _, d := range docs {
		text += int64(len(d.Text))
	}
	b.SetBytes(text)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st, err := ix.AddDocs(context.Background(), docs, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		if st.Added != len(docs) {
			b.Fatalf("%d of %d articles added", st.Added, len(docs))
		}
	}
	b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkQuery queries random ids of the generated index (warm: after as many warm-up queries) at threshold
// 0.8, top 20, and reports the median and 99th percentile latency besides the mean (ns/op).
func BenchmarkQuery(b *testing.B) {
	docs := generated(b)
	ix, err := neardup.Open(b.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	query := func() time.Duration {
		id := docs[rng.IntN(len(docs))].ID
		t := time.Now()
		if _, err := ix.QueryID(context.Background(), id, 0.8, 20); err != nil {
			b.Fatal(fmt.Errorf("query %s: %w", id, err))
		}
		return time.Since(t)
	}
	for range 1000 {
		query()
	}
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		lat = append(lat, query())
	}
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2].Seconds(), "p50-sec/op")
	b.ReportMetric(lat[len(lat)*99/100].Seconds(), "p99-sec/op")
}

// BenchmarkAlignDoc asks the copied passages (Index.AlignDoc) of random generated articles, and their reuse
// matches (QueryOptions.Reuse at the default), of an index of the generated corpus built with passages (anchor
// window 8), and reports the median and 99th percentile latency of each.
func BenchmarkAlignDoc(b *testing.B) {
	docs := generated(b)
	ix, err := neardup.Open(b.TempDir(), &neardup.Options{Config: &neardup.Config{Passages: true}})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct {
		name string
		run  func(d *neardup.Doc) error
	}{
		{"passages", func(d *neardup.Doc) error { _, err := ix.PassagesDoc(context.Background(), d); return err }},
		{"reuse", func(d *neardup.Doc) error {
			_, err := ix.QueryDocWith(context.Background(), d, neardup.QueryOptions{Reuse: neardup.DefaultReuse})
			return err
		}},
	} {
		b.Run(q.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			var lat []time.Duration
			for b.Loop() {
				d := docs[rng.IntN(len(docs))]
				t := time.Now()
				if err := q.run(d); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			slices.Sort(lat)
			b.ReportMetric(lat[len(lat)/2].Seconds(), "p50-sec/op")
			b.ReportMetric(lat[len(lat)*99/100].Seconds(), "p99-sec/op")
		})
	}
}

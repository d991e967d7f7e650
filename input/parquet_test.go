package input_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/corpus"
)

// pqRow is a row of a test shard: the article's columns under names of a Hugging Face news dataset, a
// timestamp, a number and a nested list (left out).
type pqRow struct {
	DocID     string    `parquet:"doc_id"`
	Body      string    `parquet:"body,optional"`
	Title     string    `parquet:"title"`
	Published time.Time `parquet:"published,timestamp(millisecond)"`
	Words     int64     `parquet:"words"`
	Tags      []string  `parquet:"tags,list"`
}

// plainRow is an article under neardup's own field names.
type plainRow struct {
	ID    string `parquet:"id"`
	Text  string `parquet:"text"`
	Title string `parquet:"title"`
	Date  string `parquet:"date"`
	URL   string `parquet:"url"`
	Src   string `parquet:"source"`
}

func writeParquet[T any](t *testing.T, name string, rows []T, perGroup int) {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[T](&b, parquet.MaxRowsPerRowGroup(int64(perGroup)))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReadParquet: rows become articles by the columns the fields name; other flat columns are metadata
// (timestamps as RFC 3339), nested ones left out; a row without text is one rejection naming its row.
func TestReadParquet(t *testing.T) {
	name := filepath.Join(t.TempDir(), "shard.parquet")
	day := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	writeParquet(t, name, []pqRow{
		{DocID: "a", Body: "First article text.", Title: "A", Published: day, Words: 3, Tags: []string{"x"}},
		{DocID: "b", Body: "", Title: "B", Published: day},
		{DocID: "c", Body: "Third.", Title: "C", Published: day.Add(time.Hour), Words: 1},
	}, 2)
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	var docs []*input.Doc
	var bad []*input.InputError
	err = input.ReadParquet(f, fi.Size(), name, input.Fields{ID: "doc_id", Text: "body", Date: "published"},
		func(d *input.Doc) error { docs = append(docs, d); return nil }, func(e *input.InputError) { bad = append(bad, e) })
	if err != nil {
		t.Fatal(err)
	}
	// The second row's body is null (an optional column's empty value): one rejection, naming its row.
	if len(docs) != 2 || len(bad) != 1 || bad[0].Line != 2 || bad[0].Reason != `missing "body"` {
		t.Fatalf("%d docs, %d bad: %v", len(docs), len(bad), bad)
	}
	a := docs[0]
	if a.ID != "a" || a.Text != "First article text." || a.Title != "A" || a.Date != "2026-12-06T10:00:00Z" || string(a.Extra) != `{"words":3}` {
		t.Fatalf("first row: %+v %s", a, a.Extra)
	}
	if docs[1].ID != "c" || docs[1].Date != "2026-12-06T11:00:00Z" {
		t.Fatalf("third row: %+v", docs[1])
	}
	if err := input.ReadParquet(f, fi.Size(), name, input.Fields{}, func(*input.Doc) error { return nil }, func(*input.InputError) {}); err == nil || !strings.Contains(err.Error(), `no column "text"`) {
		t.Fatalf("default fields on this shard: %v", err)
	}
}

// TestParquetClustersAsJSONL: the DOJ sample as Parquet shards (row groups of 100) clusters byte for byte as the
// JSON Lines file does.
func TestParquetClustersAsJSONL(t *testing.T) {
	docs := sampleDocs(t)
	var rows []plainRow
	for _, d := range docs {
		rows = append(rows, plainRow{ID: d.ID, Text: d.Text, Title: d.Title, Date: d.Date, URL: d.URL, Src: d.Source})
	}
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "a.parquet"), rows[:300], 100)
	writeParquet(t, filepath.Join(dir, "b.parquet"), rows[300:], 100)
	var fromPQ []*input.Doc
	for _, n := range []string{"a.parquet", "b.parquet"} {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		if err := input.ReadParquet(f, fi.Size(), n, input.Fields{}, func(d *input.Doc) error {
			fromPQ = append(fromPQ, d)
			return nil
		}, func(e *input.InputError) { t.Error(e) }); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	clusters := func(docs []*input.Doc) string {
		ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if _, err := ix.Dedupe(context.Background(), 0.8, func(c neardup.Cluster) error {
			j, _ := json.Marshal(c)
			b.Write(j)
			b.WriteString("\n")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if a, b := clusters(docs), clusters(fromPQ); a != b || a == "" {
		t.Fatalf("clusters differ:\n%s\nParquet:\n%s", a, b)
	}
}

// sampleDocs are the articles of the DOJ sample.
func sampleDocs(t *testing.T) []*input.Doc {
	t.Helper()
	f, err := os.Open(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []*input.Doc
	if err := input.ReadJSONL(f, "sample", func(d *input.Doc) error { docs = append(docs, d); return nil }, func(e *input.InputError) { t.Error(e) }); err != nil {
		t.Fatal(err)
	}
	return docs
}

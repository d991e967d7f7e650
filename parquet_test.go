package neardup_test

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
	var docs []*neardup.Doc
	var bad []*neardup.InputError
	err = neardup.ReadParquet(f, fi.Size(), name, neardup.Fields{ID: "doc_id", Text: "body", Date: "published"},
		func(d *neardup.Doc) error { docs = append(docs, d); return nil }, func(e *neardup.InputError) { bad = append(bad, e) })
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
	if err := neardup.ReadParquet(f, fi.Size(), name, neardup.Fields{}, func(*neardup.Doc) error { return nil }, func(*neardup.InputError) {}); err == nil || !strings.Contains(err.Error(), `no column "text"`) {
		t.Fatalf("default fields on this shard: %v", err)
	}
}

// TestParquetClustersAsJSONL: the DOJ sample as Parquet shards (row groups of 100) clusters byte for byte as the
// JSON Lines file does.
func TestParquetClustersAsJSONL(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())
	var rows []plainRow
	for _, d := range docs {
		rows = append(rows, plainRow{ID: d.ID, Text: d.Text, Title: d.Title, Date: d.Date})
	}
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "a.parquet"), rows[:300], 100)
	writeParquet(t, filepath.Join(dir, "b.parquet"), rows[300:], 100)
	var fromPQ []*neardup.Doc
	for _, n := range []string{"a.parquet", "b.parquet"} {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		if err := neardup.ReadParquet(f, fi.Size(), n, neardup.Fields{}, func(d *neardup.Doc) error {
			fromPQ = append(fromPQ, d)
			return nil
		}, func(e *neardup.InputError) { t.Error(e) }); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	clusters := func(docs []*neardup.Doc) string {
		ix := buildIndex(t, docs, &neardup.Config{})
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

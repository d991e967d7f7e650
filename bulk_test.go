package neardup_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/store"
)

// TestBulkMatchesIncremental: an index built in one pass (Options.Bulk) answers every query, containment query
// and dedupe as the one built article by article, texts included, and takes later writes.
func TestBulkMatchesIncremental(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())
	// Replacements: a few ids again, with other texts, later in the input.
	for i := range 20 {
		d := *docs[i*7]
		d.Text = docs[i*7+1].Text
		docs = append(docs, &d)
	}
	ctx := context.Background()
	build := func(bulk bool) *neardup.Index {
		dir := filepath.Join(t.TempDir(), "ix")
		ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{Passages: true}, Bulk: bulk})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		st, err := ix.AddDocs(ctx, docs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if bulk {
			if ok, _ := store.Exists(dir); ok {
				t.Fatal("the bulk index is visible before Settle")
			}
		}
		if err := ix.Settle(); err != nil {
			t.Fatal(err)
		}
		if st.Added+st.Replaced+st.Unchanged != len(docs) {
			t.Fatalf("stats %+v for %d docs", st, len(docs))
		}
		if err := ix.Store().Verify(); err != nil {
			t.Fatal(err)
		}
		return ix
	}
	inc, bulk := build(false), build(true)
	clusters := func(ix *neardup.Index) []neardup.Cluster {
		var out []neardup.Cluster
		if _, err := ix.Dedupe(ctx, 0.5, func(c neardup.Cluster) error { out = append(out, c); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if a, b := clusters(inc), clusters(bulk); !reflect.DeepEqual(a, b) || len(a) == 0 {
		t.Errorf("dedupe: %d clusters incrementally, %d in bulk, or they differ", len(a), len(b))
	}
	ci, _ := inc.Store().Counts()
	cb, _ := bulk.Store().Counts()
	if ci != cb {
		t.Errorf("counts %+v incrementally, %+v in bulk", ci, cb)
	}
	for _, d := range docs[:100] {
		for _, o := range []neardup.QueryOptions{{Threshold: 0.5}, {Containment: 0.5}} {
			a, err1 := inc.QueryIDWith(ctx, d.ID, o)
			b, err2 := bulk.QueryIDWith(ctx, d.ID, o)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("query %s %+v: %v %v / %v %v", d.ID, o, a, err1, b, err2)
			}
		}
		a, _ := inc.Get(d.ID)
		b, err := bulk.Get(d.ID)
		if err != nil || a.Text != b.Text {
			t.Fatalf("text of %s differs: %v", d.ID, err)
		}
	}
	if _, err := bulk.AddDocs(ctx, []*neardup.Doc{{ID: "later", Text: docs[3].Text}}, nil); err != nil {
		t.Fatal(err)
	}
	if ms, _ := bulk.QueryID(ctx, "later", 0.9, 0); len(ms) == 0 {
		t.Error("a write after the bulk build is not found")
	}
}

// TestBulkCancelledLeavesNothing: a cancelled bulk build indexes nothing and leaves no index.
func TestBulkCancelledLeavesNothing(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}, Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan *neardup.Doc)
	go func() {
		for i, d := range docs {
			if i == 100 {
				cancel()
			}
			select {
			case ch <- d:
			case <-ctx.Done():
				return
			}
		}
	}()
	if _, err := ix.Add(ctx, ch, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("add: %v", err)
	}
	if err := ix.Settle(); !errors.Is(err, neardup.ErrBulkDiscarded) {
		t.Fatalf("settle: %v", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := store.Exists(dir); ok {
		t.Error("a cancelled bulk build left an index")
	}
}

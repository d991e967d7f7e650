package neardup_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/shingle"
)

// TestStoredText: an index keeps each article's text by default and gives it back exactly; an index built
// with NoText says so.
func TestStoredText(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())[:50]
	ix := buildIndex(t, docs, nil)
	if !ix.Params().Text {
		t.Fatal("a new index keeps no text")
	}
	for _, d := range docs {
		a, err := ix.Get(d.ID)
		if err != nil || a.Text != d.Text || a.Title != d.Title {
			t.Fatalf("%s: %v, text equal %v", d.ID, err, a != nil && a.Text == d.Text)
		}
	}
	bare := buildIndex(t, docs[:3], &neardup.Config{NoText: true})
	if a, err := bare.Get(docs[0].ID); !errors.Is(err, neardup.ErrNoText) || a == nil || a.Title != docs[0].Title {
		t.Fatalf("an index without texts: %v", err)
	}
}

// TestRebuildMatchesFresh: Reuters indexed, then rebuilt from its stored texts with 3-shingles, clusters exactly
// as Reuters indexed afresh with 3-shingles.
func TestRebuildMatchesFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes Reuters three times")
	}
	docs := loadDocs(t, corpus.Shared(t, "reuters21578.jsonl"))
	old := buildIndex(t, docs, nil)
	cfg := &neardup.Config{Shingle: shingle.Options{Size: 3}}
	rebuilt, err := neardup.Open(t.TempDir(), &neardup.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.Close()
	ch := make(chan *neardup.Doc)
	errc := make(chan error, 1)
	go func() {
		defer close(ch)
		errc <- old.Docs(context.Background(), func(d *neardup.Doc) error { ch <- d; return nil })
	}()
	if _, err := rebuilt.Add(context.Background(), ch, nil); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	fresh := buildIndex(t, docs, cfg)
	a, b := dedupe(t, rebuilt, 0.8), dedupe(t, fresh, 0.8)
	if len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Fatalf("rebuilt: %d clusters, fresh: %d; they differ", len(a), len(b))
	}
}

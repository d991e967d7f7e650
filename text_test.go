package neardup_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
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

// TestStoredTextGolden pins the stored form: a zstd frame written by this build (testdata/golden/text.zst)
// decodes to its text, so a change of codec that could not read stored indexes fails here.
func TestStoredTextGolden(t *testing.T) {
	dir := t.TempDir()
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	text := "LONDON (Reuters) - Oil prices rose on Monday after producers agreed to extend output cuts into next year, traders said, as stockpiles fell for a third week. Oil prices rose."
	if _, err := ix.AddDocs(context.Background(), []*neardup.Doc{{ID: "golden", Text: text}}, nil); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	golden := filepath.Join("testdata", "golden", "text.zst")
	if *update {
		raw, err := neardup.StoredText(dir, "golden")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	got, err := neardup.DecodeText(raw)
	if err != nil || got != text {
		t.Fatalf("golden stored text decodes to %q (%v)", got, err)
	}
}

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/neardup/neardup"
)

// TestFurnitureOnlyPagesIndexed: crawled pages left without text (a site's consent wall served for every URL)
// are indexed as empty articles, not rejected as exact copies given without their text, though they carry a
// WARC payload digest.
func TestFurnitureOnlyPagesIndexed(t *testing.T) {
	var docs []*neardup.Doc
	for i := range 6 {
		docs = append(docs, &neardup.Doc{
			ID:         fmt.Sprintf("https://www.example.com/story/%d", i),
			Text:       "We use cookies to improve your experience.\n\nAccept all cookies to continue reading this site.",
			Extra:      []byte(`{"site":"example.com"}`),
			ContentKey: fmt.Sprintf("sha1:PAGE%d", i),
		})
	}
	stripFurniture(docs, nil, nil)
	ix, err := neardup.Open(filepath.Join(t.TempDir(), "db"), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var rejected []neardup.Rejection
	st, err := ix.AddDocs(context.Background(), docs, &neardup.AddOptions{Reject: func(r neardup.Rejection) { rejected = append(rejected, r) }})
	if err != nil || st.Added != 6 || len(rejected) != 0 {
		t.Fatalf("added %d, rejected %v, err %v", st.Added, rejected, err)
	}
	for _, d := range docs {
		if d.Text != "" {
			t.Fatalf("%s kept %q", d.ID, d.Text)
		}
	}
}

package neardup_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
)

// TestDedupeLargeBuckets: copies of one story in buckets larger than those whose pairs are gathered and sorted
// (verified as the buckets are read) and copies of another in small buckets (gathered, sorted) make one cluster
// each, with every copy and nothing else.
func TestDedupeLargeBuckets(t *testing.T) {
	sample := loadDocs(t, corpus.Sample())
	docs := slices.Clone(sample[2:40])
	copies := func(d *neardup.Doc, n int) []string {
		ids := []string{d.ID}
		words := strings.Fields(d.Text)
		for i := range n {
			w := slices.Clone(words)
			w[(i*7)%len(w)] = fmt.Sprintf("changed%d", i) // one word in a few hundred
			id := fmt.Sprintf("%s-copy%d", d.ID, i)
			docs = append(docs, &neardup.Doc{ID: id, Title: d.Title, Text: strings.Join(w, " ")})
			ids = append(ids, id)
		}
		docs = append(docs, d)
		slices.Sort(ids)
		return ids
	}
	big, small := copies(sample[0], 45), copies(sample[1], 4)
	ix := buildIndex(t, docs, nil)
	var got [][]string
	for _, c := range dedupe(t, ix, 0.8) {
		var ids []string
		for _, m := range c.Members {
			ids = append(ids, m.ID)
		}
		slices.Sort(ids)
		got = append(got, ids)
	}
	found := 0
	for _, g := range got {
		switch {
		case slices.Equal(g, big), slices.Equal(g, small):
			found++
		case slices.ContainsFunc(g, func(id string) bool { return strings.Contains(id, "-copy") }):
			t.Errorf("copies in a cluster of their own: %v", g)
		}
	}
	if found != 2 {
		t.Fatalf("%d of the two clusters of copies (%d and %d articles) found; clusters: %v", found, len(big), len(small), got)
	}
}

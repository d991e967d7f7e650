package store_test

import (
	"fmt"
	"log"
	"os"

	"github.com/neardup/neardup/store"
)

// An index of two articles that share two of their three band keys: the query by the first article's bands and
// set finds the second, with its exact Jaccard similarity.
func Example() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	params := store.Params{ShingleUnit: "words", ShingleSize: 5, Algorithm: "fss", K: 16, Seed: 1, Threshold: 0.5, Bands: 3, Rows: 5}
	s, err := store.Open(dir, &store.Options{Params: params})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	b, err := s.NewBatch()
	if err != nil {
		log.Fatal(err)
	}
	defer b.Discard()
	for _, a := range []*store.Article{
		{ID: "wire", Set: store.Set{1, 2, 3, 4}, Full: true, Size: 4, Bands: []uint64{10, 11, 12}, Digest: 1},
		{ID: "copy", Set: store.Set{1, 2, 3, 5}, Full: true, Size: 4, Bands: []uint64{10, 11, 13}, Digest: 2},
	} {
		if _, err := b.Put(a); err != nil {
			log.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		log.Fatal(err)
	}
	ms, err := s.Query(store.Query{Bands: []uint64{10, 11, 12}, Set: store.Set{1, 2, 3, 4}, Full: true, Exclude: "wire", Threshold: 0.5})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range ms {
		fmt.Printf("%s jaccard %.2f containment %.2f\n", m.Article.ID, m.Jaccard, m.Containment)
	}
	c, err := s.Counts()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d articles, %d band postings\n", c.Articles, c.Bands)
	// Output:
	// copy jaccard 0.60 containment 0.75
	// 2 articles, 6 band postings
}

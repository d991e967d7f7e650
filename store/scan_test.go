package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestScanBucketsParallel: scanned in parts, the band buckets are the buckets of one scan, each once, whole.
func TestScanBucketsParallel(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	rng := rand.New(rand.NewPCG(3, 4))
	b, _ := s.NewBatch()
	keys := []uint64{0, 1 << 48, 1<<63 - 1, 1 << 63, ^uint64(0)} // at the parts' edges
	for range 200 {
		keys = append(keys, rng.Uint64())
	}
	for i := range 2000 {
		k := rng.IntN(len(keys))
		a := article(fmt.Sprintf("a%d", i), Set{1}, keys[k], keys[(k+1+rng.IntN(len(keys)-1))%len(keys)])
		if _, err := b.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := s.ScanBuckets(func(docs []uint64) error { want = append(want, fmt.Sprint(docs)); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	for _, parts := range []int{2, 7} {
		got := make([][]string, parts)
		err := s.ScanBucketsParallel(parts, func(p int, docs []uint64) error {
			got[p] = append(got[p], fmt.Sprint(docs))
			return nil
		})
		all := slices.Concat(got...)
		slices.Sort(all)
		if err != nil || !slices.Equal(all, want) {
			t.Fatalf("%d parts: %d buckets against %d (%v)", parts, len(all), len(want), err)
		}
	}
	if len(want) < 100 {
		t.Fatalf("only %d buckets", len(want))
	}
}

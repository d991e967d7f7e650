package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDocFilter: every docnum added is held, across the layers the filter grows by; docnums never added are
// held rarely (the cost of a false positive is one read of a record that is not there).
func TestDocFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	f := newDocFilter(1000) // grows: 64k, 128k, 256k, 512k, 1M
	var added []uint64
	for range 1_500_000 {
		num := rng.Uint64()
		f.add(num)
		added = append(added, num)
	}
	for _, num := range added {
		if !f.has(num) {
			t.Fatalf("docnum %x added but not held", num)
		}
	}
	fp := 0
	const absent = 1_000_000
	for range absent {
		if f.has(rng.Uint64()) {
			fp++
		}
	}
	if rate := float64(fp) / absent; rate > 0.01 {
		t.Errorf("false positives %.4f over %d layers", rate, len(f.layers))
	}
	if per := float64(f.bytes()) / float64(len(added)); per > 6 {
		t.Errorf("%.1f bytes a docnum", per)
	}
	t.Logf("%d layers, %.2f bytes a docnum, false positives %.5f", len(f.layers), float64(f.bytes())/float64(len(added)), float64(fp)/absent)

	sized := newDocFilter(len(added))
	for _, num := range added {
		sized.add(num)
	}
	if len(sized.layers) != 1 {
		t.Errorf("a filter sized for its docnums grew to %d layers", len(sized.layers))
	}
}

// BenchmarkDocFilter: loading the docnums of a 4M-article index as loadKnown does (ascending, as the key scan
// reads them, into a filter sized for twice as many), then testing random docnums as Puts of new ids do.
func BenchmarkDocFilter(b *testing.B) {
	const n = 4_000_000
	rng := rand.New(rand.NewPCG(9, 10))
	nums := make([]uint64, n)
	for i := range nums {
		nums[i] = rng.Uint64()
	}
	slices.Sort(nums)
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			f := newDocFilter(2 * n)
			for _, num := range nums {
				f.add(num)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/docnum")
	})
	f := newDocFilter(2 * n)
	for _, num := range nums {
		f.add(num)
	}
	b.Run("has", func(b *testing.B) {
		held := 0
		for b.Loop() {
			if f.has(rng.Uint64()) {
				held++
			}
		}
		if held > b.N/50 {
			b.Errorf("%d of %d random docnums held", held, b.N)
		}
	})
}

// TestKnownAfterReopen: the filter loaded from an index (both halves of the docnum space, read apart) holds
// every docnum in it: each id written again is a replacement, not a second article.
func TestKnownAfterReopen(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	const n = 3000
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	halves := [2]int{}
	for i := range n {
		id := fmt.Sprintf("id-%d", i)
		halves[DocNum(id)>>63]++
		if _, err := b.Put(article(id, Set{uint32(i)}, uint64(i), 1, 2, 3)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if halves[0] == 0 || halves[1] == 0 {
		t.Fatalf("docnums in one half only: %v", halves)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir, nil)
	b, err = s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Discard()
	for i := range n {
		id := fmt.Sprintf("id-%d", i)
		if r, err := b.Put(article(id, Set{uint32(i), uint32(n + i)}, uint64(i), 4, 5, 6)); err != nil || r != Replaced {
			t.Fatalf("%s written again: %v %v", id, r, err)
		}
	}
	if r, err := b.Put(article("new", Set{9}, 9, 9, 9, 9)); err != nil || r != Added {
		t.Fatalf("a new id: %v %v", r, err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Counts(); err != nil || c.Articles != n+1 {
		t.Errorf("counts %+v %v, want %d articles", c, err, n+1)
	}
}

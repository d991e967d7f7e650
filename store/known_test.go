package store

import (
	"math/rand/v2"
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

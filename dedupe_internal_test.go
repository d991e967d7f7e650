package neardup

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// TestEachBucket: every bucket a scan streams from its parts (each on a goroutine, in a slice it reuses) reaches
// verify once, whole; an error of verify or of the scan, or a cancelled context, is returned and stops the run.
func TestEachBucket(t *testing.T) {
	const n, parts = 10000, 3
	scan := func(fn func(int, []uint64) error) error {
		errs := make([]error, parts)
		var wg sync.WaitGroup
		for p := range parts {
			wg.Go(func() {
				buf := make([]uint64, 3)
				for i := p; i < n; i += parts {
					buf[0], buf[1], buf[2] = uint64(i), uint64(i)+1, uint64(i)+2
					if errs[p] = fn(p, buf); errs[p] != nil {
						return
					}
				}
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	var mu sync.Mutex
	got := map[uint64]int{}
	err := eachBucket(context.Background(), parts, scan, func(docs []uint64) error {
		if docs[1] != docs[0]+1 || docs[2] != docs[0]+2 {
			t.Errorf("bucket %v changed under the worker", docs)
		}
		mu.Lock()
		got[docs[0]]++
		mu.Unlock()
		return nil
	})
	if err != nil || len(got) != n {
		t.Fatalf("%d buckets verified of %d, err %v", len(got), n, err)
	}
	for k, c := range got {
		if c != 1 {
			t.Fatalf("bucket %d verified %d times", k, c)
		}
	}

	boom := errors.New("boom")
	var calls sync.Map
	err = eachBucket(context.Background(), parts, scan, func(docs []uint64) error {
		calls.Store(docs[0], true)
		if docs[0] == 300 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("verify's error: got %v", err)
	}
	seen := 0
	calls.Range(func(any, any) bool { seen++; return true })
	if seen == n {
		t.Errorf("every bucket was verified after the failure")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := eachBucket(ctx, parts, scan, func([]uint64) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: got %v", err)
	}
	scanErr := errors.New("scan")
	if err := eachBucket(context.Background(), 1, func(func(int, []uint64) error) error { return scanErr }, func([]uint64) error { return nil }); !errors.Is(err, scanErr) {
		t.Fatalf("the scan's error: got %v", err)
	}
}

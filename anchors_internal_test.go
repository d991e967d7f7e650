package neardup

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWinnowGuarantee: every window of w consecutive hashes holds a selected value, the selection is sorted
// without repeats, and its density is near 2 / (w + 1).
func TestWinnowGuarantee(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, w := range []int{1, 4, 40} {
		for _, n := range []int{1, 3, 39, 40, 41, 500, 5000} {
			h := make([]uint64, n)
			for i := range h {
				h[i] = rng.Uint64()
				if rng.IntN(10) == 0 && i > 0 {
					h[i] = h[i-1] // repeats: ties take the rightmost
				}
			}
			got, _ := winnow(nil, nil, h, w)
			if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Fatalf("w %d n %d: not sorted without repeats", w, n)
			}
			for i := 0; i+w <= n || i == 0; i++ {
				end := min(n, i+w)
				hit := false
				for _, x := range h[i:end] {
					if _, ok := slices.BinarySearch(got, uint32(x>>32)); ok {
						hit = true
						break
					}
				}
				if !hit {
					t.Fatalf("w %d n %d: window at %d holds no anchor", w, n, i)
				}
				if end == n {
					break
				}
			}
			if n == 5000 && w == 40 {
				if d := float64(len(got)) / float64(n); d < 0.035 || d > 0.06 {
					t.Errorf("density %.4f, want about %.4f", d, 2.0/41)
				}
			}
		}
	}
	if got, _ := winnow(nil, nil, nil, 40); len(got) != 0 {
		t.Errorf("no hashes gave anchors %v", got)
	}
}

// TestWinnowSharedRun: a run of w hashes shared by two sequences shares an anchor, wherever it sits.
func TestWinnowSharedRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const w = 40
	for range 200 {
		run := make([]uint64, w+rng.IntN(20))
		for i := range run {
			run[i] = rng.Uint64()
		}
		noise := func(n int) []uint64 {
			out := make([]uint64, n)
			for i := range out {
				out[i] = rng.Uint64()
			}
			return out
		}
		a := slices.Concat(noise(rng.IntN(300)), run, noise(rng.IntN(300)))
		b := slices.Concat(noise(rng.IntN(30)), run)
		x, _ := winnow(nil, nil, a, w)
		y, _ := winnow(nil, nil, b, w)
		shared := false
		for _, v := range y {
			if _, ok := slices.BinarySearch(x, v); ok {
				shared = true
			}
		}
		if !shared {
			t.Fatal("a shared run of w hashes shares no anchor")
		}
	}
}

// winnowDeque is winnowing as first written: a deque of the positions that may yet be a window's minimum, the
// rightmost of equals, each position once. winnow must give the same anchors.
func winnowDeque(hashes []uint64, w int) []uint32 {
	n := len(hashes)
	if n == 0 || w <= 0 {
		return nil
	}
	v := func(i int32) uint32 { return uint32(hashes[i] >> 32) }
	var dst []uint32
	if n <= w {
		best := int32(0)
		for i := int32(1); i < int32(n); i++ {
			if v(i) <= v(best) {
				best = i
			}
		}
		return append(dst, v(best))
	}
	var q []int32
	head, last := 0, int32(-1)
	for i := int32(0); i < int32(n); i++ {
		for len(q) > head && v(q[len(q)-1]) >= v(i) {
			q = q[:len(q)-1]
		}
		q = append(q, i)
		if q[head] <= i-int32(w) {
			head++
		}
		if i >= int32(w-1) && q[head] != last {
			last = q[head]
			dst = append(dst, v(last))
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// TestWinnowMatchesDeque: winnow gives exactly the anchors of the deque (the stored anchors of every index
// built before depend on it), for windows of 1 to 64 over uniform values, values with runs of repeats, values
// from a small range (many ties), and sorted and backwards ones.
func TestWinnowMatchesDeque(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, w := range []int{1, 2, 3, 7, 40, 64} {
		for _, n := range []int{1, 2, w - 1, w, w + 1, 2 * w, 2*w + 1, 137, 1000} {
			if n < 1 {
				continue
			}
			for kind := range 5 {
				h := make([]uint64, n)
				for i := range h {
					switch kind {
					case 0:
						h[i] = rng.Uint64()
					case 1:
						h[i] = rng.Uint64()
						if i > 0 && rng.IntN(3) == 0 {
							h[i] = h[i-1]
						}
					case 2:
						h[i] = uint64(rng.IntN(5)) << 32
					case 3, 4:
						h[i] = uint64(i) << 32
					}
				}
				if kind == 4 {
					slices.Reverse(h)
				}
				got, _ := winnow(nil, nil, h, w)
				if want := winnowDeque(h, w); !slices.Equal(got, want) {
					t.Fatalf("w %d n %d kind %d: winnow %v, the deque %v", w, n, kind, got, want)
				}
			}
		}
	}
}

func TestWinnowAllocs(t *testing.T) {
	h := make([]uint64, 2000)
	for i := range h {
		h[i] = uint64(i) * 0x9E3779B97F4A7C15
	}
	dst, q := winnow(nil, nil, h, 40)
	if n := testing.AllocsPerRun(100, func() { dst, q = winnow(dst[:0], q, h, 40) }); n != 0 {
		t.Errorf("%.0f allocations with warm buffers, want 0", n)
	}
}

// BenchmarkWinnow: the anchors of an article's 150 shingles and a long article's 3,000, window 40, warm buffers.
func BenchmarkWinnow(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{150, 3000} {
		h := make([]uint64, n)
		for i := range h {
			h[i] = rng.Uint64()
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dst, scratch := winnow(nil, nil, h, 40)
			b.ReportAllocs()
			for b.Loop() {
				dst, scratch = winnow(dst[:0], scratch, h, 40)
			}
		})
	}
}

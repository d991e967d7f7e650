package minhash

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"testing"
)

// pairWithJaccard returns two sets of n elements each sharing m elements, and their exact Jaccard.
func pairWithJaccard(rng *rand.Rand, n int, j float64) (a, b []uint64, exact float64) {
	m := int(math.Round(2 * float64(n) * j / (1 + j)))
	m = max(1, min(m, n))
	seen := make(map[uint64]bool, 2*n)
	draw := func() uint64 {
		for {
			x := rng.Uint64()
			if !seen[x] {
				seen[x] = true
				return x
			}
		}
	}
	for range m {
		x := draw()
		a = append(a, x)
		b = append(b, x)
	}
	for range n - m {
		a = append(a, draw())
		b = append(b, draw())
	}
	return a, b, float64(m) / float64(2*n-m)
}

// TestEstimatorAccuracy checks the Jaccard estimate against the exact value over seeded random set pairs: mean
// error within ±0.01 and RMSE <= 1.2·sqrt(J(1−J)/k), the standard error of k-permutation MinHash.
func TestEstimatorAccuracy(t *testing.T) {
	const k, trials = DefaultK, 400
	sizes := []int{10, 50, 200, 1000, 20000}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, n := range sizes {
		for _, j := range []float64{0.05, 0.2, 0.5, 0.8, 0.95} {
			rng := rand.New(rand.NewPCG(uint64(n), math.Float64bits(j)))
			var sumErr, sumSq, bound float64
			var sa, sb Signature
			for trial := range trials {
				h, _ := New(k, uint64(trial)*7919+1)
				a, b, exact := pairWithJaccard(rng, n, j)
				sa = h.Sum(sa[:0], a)
				sb = h.Sum(sb[:0], b)
				e := Jaccard(sa, sb) - exact
				sumErr += e
				sumSq += e * e
				bound += exact * (1 - exact) / k
			}
			mean := sumErr / trials
			rmse := math.Sqrt(sumSq / trials)
			limit := 1.2 * math.Sqrt(bound/trials)
			if math.Abs(mean) > 0.01 || rmse > limit {
				t.Errorf("n=%d J=%.2f: mean error %+.4f (limit ±0.01), RMSE %.4f (limit %.4f)", n, j, mean, rmse, limit)
			}
		}
	}
}

func TestContainment(t *testing.T) {
	h, _ := New(256, 1)
	var a, b []uint64
	for i := range 1000 {
		b = append(b, uint64(i)*0x9e3779b97f4a7c15)
		if i < 300 {
			a = append(a, uint64(i)*0x9e3779b97f4a7c15)
		}
	}
	// A is wholly inside B: J = 0.3, containment of A in B = 1, of B in A = 0.3.
	sa, sb := h.Sum(nil, a), h.Sum(nil, b)
	if c := Containment(sa, sb, len(a), len(b)); c < 0.85 {
		t.Errorf("containment of A in B = %.3f, want about 1", c)
	}
	if c := Containment(sb, sa, len(b), len(a)); math.Abs(c-0.3) > 0.08 {
		t.Errorf("containment of B in A = %.3f, want about 0.3", c)
	}
	if c := ContainmentFromJaccard(0.5, 100, 200); math.Abs(c-1) > 1e-9 {
		t.Errorf("ContainmentFromJaccard(0.5, 100, 200) = %v, want 1", c)
	}
}

func TestEmptyAndIdentical(t *testing.T) {
	h, _ := New(64, 9)
	empty := h.Sum(nil, nil)
	if !empty.IsEmpty() || len(empty) != 64 {
		t.Fatal("empty set signature")
	}
	one := h.Sum(nil, []uint64{42})
	if one.IsEmpty() {
		t.Fatal("a one-element set has an empty signature")
	}
	for i, v := range one {
		if v == Empty {
			t.Fatalf("slot %d of a one-element set is unfilled", i)
		}
	}
	if Jaccard(empty, empty) != 0 || Jaccard(one, empty) != 0 {
		t.Error("empty sets must be similar to nothing")
	}
	if Jaccard(one, h.Sum(nil, []uint64{42, 42, 42})) != 1 {
		t.Error("repeated elements change the signature")
	}
	if _, err := New(8, 0); err == nil {
		t.Error("k=8 accepted")
	}
	if _, err := New(2048, 0); err == nil {
		t.Error("k=2048 accepted")
	}
}

func TestDeterministicAndOrderFree(t *testing.T) {
	a := []uint64{5, 1, 9, 33, 1 << 60, 7}
	b := []uint64{7, 1 << 60, 33, 9, 1, 5}
	h1, _ := New(128, 3)
	h2, _ := New(128, 3)
	if Jaccard(h1.Sum(nil, a), h2.Sum(nil, b)) != 1 {
		t.Error("same set, same seed, different signature")
	}
	h3, _ := New(128, 4)
	if Jaccard(h1.Sum(nil, a), h3.Sum(nil, a)) > 0.2 {
		t.Error("different seeds agree")
	}
}

// TestGolden pins signatures and their encoding: a change here invalidates every stored index.
func TestGolden(t *testing.T) {
	h, _ := New(16, 42)
	set := make([]uint64, 100)
	for i := range set {
		set[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	sig := h.Sum(nil, set)
	want := Signature{goldenSig[0], goldenSig[1], goldenSig[2], goldenSig[3]}
	for i, v := range want {
		if sig[i] != v {
			t.Errorf("slot %d = %#x, want %#x", i, sig[i], v)
		}
	}
	enc := h.AppendEncoded(nil, sig)
	sum := sha256.Sum256(enc)
	if got := hex.EncodeToString(sum[:8]); got != goldenEncoded {
		t.Errorf("encoding digest %s, want %s", got, goldenEncoded)
	}
	dec, m, err := Decode(nil, enc)
	if err != nil || m != h.Meta() || Jaccard(dec, sig) != 1 {
		t.Errorf("round trip: %v %+v", err, m)
	}
	p := Params{Bands: 4, Rows: 4}
	keys := p.AppendBandKeys(nil, sig)
	if keys[0] != goldenBand {
		t.Errorf("band key 0 = %#x, want %#x", keys[0], goldenBand)
	}
}

// definition computes the signature straight from the definition in Sum's comment: every round i < 2k, each
// shingle's value (i·2^32 + r_i(x)) sent to its slot (round i < k) or to slot i-k, each slot the smallest.
func definition(h *Hasher, shingles []uint64) Signature {
	k := h.K()
	sig := make(Signature, k)
	for j := range sig {
		sig[j] = Empty
	}
	for i := range 2 * k {
		for _, x := range shingles {
			b, r := slot(x^h.keys[i], k)
			if i >= k {
				b = i - k
			}
			sig[b] = min(sig[b], uint64(i)<<32|r)
		}
	}
	return sig
}

// TestSumMatchesDefinition: the hot loops (a shift for k a power of two, a multiplication otherwise) and the early
// stop give the signature of the definition, for sets smaller and larger than k ln k.
func TestSumMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{16, 64, 100, 128, 200, 256, 1024} {
		h, _ := New(k, uint64(k))
		for _, n := range []int{1, 3, 17, 150, 2000} {
			set := make([]uint64, n)
			for i := range set {
				set[i] = rng.Uint64()
			}
			got, want := h.Sum(nil, set), definition(h, set)
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("k=%d n=%d: slot %d = %#x, want %#x", k, n, j, got[j], want[j])
				}
			}
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	h, _ := New(16, 1)
	good := h.AppendEncoded(nil, h.Sum(nil, []uint64{1, 2, 3}))
	bad := map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XXXX"), good[4:]...),
		"version":   append(append([]byte{}, good[:4]...), append([]byte{9}, good[5:]...)...),
		"truncated": good[:len(good)-1],
		"algorithm": append(append([]byte{}, good[:5]...), append([]byte{7}, good[6:]...)...),
	}
	for name, b := range bad {
		if _, _, err := Decode(nil, b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func FuzzDecode(f *testing.F) {
	h, _ := New(16, 1)
	f.Add(h.AppendEncoded(nil, h.Sum(nil, []uint64{1, 2, 3})))
	f.Add([]byte("NDMH\x01\x01\x00\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, m, err := Decode(nil, b)
		if err != nil {
			return
		}
		h, err := New(m.K, m.Seed)
		if err != nil {
			t.Fatalf("decoded k %d that New rejects", m.K)
		}
		if again := h.AppendEncoded(nil, sig); string(again) != string(b) {
			t.Fatal("re-encoding differs")
		}
	})
}

func TestAllocs(t *testing.T) {
	h, _ := New(128, 1)
	set := make([]uint64, 500)
	for i := range set {
		set[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	sig := make(Signature, 0, 128)
	keys := make([]uint64, 0, 64)
	p := Params{Bands: 17, Rows: 7}
	if n := testing.AllocsPerRun(50, func() {
		sig = h.Sum(sig[:0], set)
		keys = p.AppendBandKeys(keys[:0], sig)
	}); n != 0 {
		t.Errorf("Sum + AppendBandKeys allocate %.1f times", n)
	}
}

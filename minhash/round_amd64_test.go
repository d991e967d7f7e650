//go:build amd64 && !purego

package minhash

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/shingle"
)

// TestRoundsAssembly: the assembly rounds leave the signature and the count the Go rounds leave, for every
// power-of-two k and sets smaller and larger than k, and Sum with either gives the same signatures.
func TestRoundsAssembly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for k := MinK; k <= MaxK; k *= 2 {
		h, _ := New(k, rng.Uint64())
		shift := uint(64)
		for 1<<(64-shift) < k {
			shift--
		}
		for _, n := range []int{1, 2, 7, 40, 300, 3000} {
			set := make([]uint64, n)
			for i := range set {
				set[i] = rng.Uint64()
			}
			set[n-1] = set[0] // a repeated shingle
			sigGo, sigAsm := slices.Clone(empties[:k]), slices.Clone(empties[:k])
			fGo := fullRoundsGo(sigGo, set, h.keys, shift)
			fAsm := fullRounds(sigAsm, set, h.keys, shift)
			if fGo != fAsm || !slices.Equal(sigGo, sigAsm) {
				t.Fatalf("k=%d n=%d: asm filled %d, go %d; signatures equal %v", k, n, fAsm, fGo,
					slices.Equal(sigGo, sigAsm))
			}
			if got, want := h.sum(nil, set, true), h.sum(nil, set, false); !slices.Equal(got, want) {
				t.Fatalf("k=%d n=%d: Sum with the assembly rounds differs from Sum with the Go rounds", k, n)
			}
		}
	}
}

// BenchmarkSumInTurns times Sum with the assembly rounds and with the Go rounds (as Sum was before them), in turns
// over chunks of 256 articles' shingle sets (word 5-shingles of the corpus named by NEARDUP_BENCH_CORPUS), k =
// 128, and reports go/asm, the ratio of their times, which holds on a machine whose speed drifts while it runs.
//
//	go test ./minhash -run '^$' -bench SumInTurns -cpu 1 -count 6 -benchtime 5x
func BenchmarkSumInTurns(b *testing.B) {
	docs := corpus.Bench(b)
	sh, _ := shingle.New(shingle.Options{})
	sets := make([][]uint64, len(docs))
	for i, d := range docs {
		sets[i] = sh.Hashes(nil, []byte(d.Text))
	}
	h, _ := New(DefaultK, 1)
	sig := make(Signature, 0, DefaultK)
	rounds := func(asm bool) func(lo, hi int) {
		return func(lo, hi int) {
			for _, set := range sets[lo:hi] {
				sig = h.sum(sig[:0], set, asm)
			}
		}
	}
	spent := corpus.InTurns(b, len(sets), rounds(true), rounds(false))
	b.ReportMetric(float64(spent[1])/float64(spent[0]), "go/asm")
}

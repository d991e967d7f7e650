package bench

import (
	"fmt"
	"testing"

	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/shingle"
)

var sink minhash.Signature

// BenchmarkTextToSignature measures text → normalised tokens → word 5-shingles → signature on one core, over the
// corpus named by NEARDUP_BENCH_CORPUS.
func BenchmarkTextToSignature(b *testing.B) {
	docs := corpus.Bench(b)
	ts, total := corpus.Texts(docs)
	for _, k := range []int{64, 128, 256} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			s, _ := shingle.New(shingle.Options{})
			h, _ := minhash.New(k, 1)
			hashes := make([]uint64, 0, 1<<16)
			sig := make(minhash.Signature, 0, k)
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, t := range ts {
					hashes = s.Hashes(hashes[:0], t)
					sig = h.Sum(sig[:0], hashes)
				}
			}
			sink = sig
		})
	}
}

// BenchmarkShinglesToSignature measures the signature alone, from precomputed shingle hashes; SetBytes counts the
// text the shingles came from, so the MB/s compare with BenchmarkTextToSignature.
func BenchmarkShinglesToSignature(b *testing.B) {
	docs := corpus.Bench(b)
	ts, total := corpus.Texts(docs)
	s, _ := shingle.New(shingle.Options{})
	sets := make([][]uint64, len(ts))
	for i, t := range ts {
		sets[i] = s.Hashes(nil, t)
	}
	for _, k := range []int{64, 128, 256} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			h, _ := minhash.New(k, 1)
			sig := make(minhash.Signature, 0, k)
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, set := range sets {
					sig = h.Sum(sig[:0], set)
				}
			}
			sink = sig
		})
	}
}

package shingle

import (
	"testing"
	"time"

	"github.com/neardup/neardup/internal/corpus"
)

// BenchmarkFastWordsInTurns times tokens + word 5-shingle hashes with fastWords and with scan's own paths (the
// Tokenizer before fastWords), in turns over chunks of 256 articles of the corpus named by NEARDUP_BENCH_CORPUS,
// and reports slow/fast: the ratio of their times, which holds on a machine whose speed drifts while it runs.
//
//	go test ./shingle -run '^$' -bench FastWordsInTurns -cpu 1 -count 6 -benchtime 5x
func BenchmarkFastWordsInTurns(b *testing.B) {
	docs := corpus.Bench(b)
	texts := make([][]byte, len(docs))
	for i, d := range docs {
		texts[i] = []byte(d.Text)
	}
	fast, slow := NewTokenizer(), NewTokenizer()
	slow.slow = true
	var tf, ts time.Duration
	dst := make([]Token, 0, 1<<16)
	var h []uint64
	turn := 0
	for b.Loop() {
		for lo := 0; lo < len(texts); lo += 256 {
			hi := min(lo+256, len(texts))
			for j := range 2 {
				tk := fast
				if (turn+j)%2 == 1 {
					tk = slow
				}
				st := time.Now()
				for _, t := range texts[lo:hi] {
					dst = tk.Tokens(dst[:0], t)
					h = AppendHashes(h[:0], dst, 5)
				}
				if tk == fast {
					tf += time.Since(st)
				} else {
					ts += time.Since(st)
				}
			}
			turn++
		}
	}
	b.ReportMetric(float64(ts)/float64(tf), "slow/fast")
}

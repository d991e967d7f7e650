package bench

import (
	"fmt"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/neardup/neardup/internal/corpus"
)

// BenchmarkTextCompression compares the stored-text layouts: each article its own zstd frame (index formats 2
// and 3) and frames of consecutive articles in blocks of 8, 32, 64 (format 4, store/text.go) and 128 KB, over
// the corpus named by NEARDUP_BENCH_CORPUS, on one core: MB/s of text and the ratio (compressed / raw, with 16
// bytes an article for the record's reference and the block's member list in the block rows).
func BenchmarkTextCompression(b *testing.B) {
	ts, total := corpus.Texts(corpus.Bench(b))
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 1<<20)
	b.Run("article", func(b *testing.B) {
		b.SetBytes(total)
		var out int
		for b.Loop() {
			out = 0
			for _, t := range ts {
				buf = enc.EncodeAll(t, buf[:0])
				out += len(buf)
			}
		}
		b.ReportMetric(float64(out)/float64(total), "ratio")
	})
	for _, size := range []int{8 << 10, 32 << 10, 64 << 10, 128 << 10} {
		b.Run(fmt.Sprintf("block=%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(total)
			var out int
			var blk []byte
			for b.Loop() {
				out, blk = 0, blk[:0]
				for i, t := range ts {
					blk = append(blk, t...)
					if len(blk) >= size || i == len(ts)-1 {
						buf = enc.EncodeAll(blk, buf[:0])
						out += len(buf)
						blk = blk[:0]
					}
				}
				out += 16 * len(ts)
			}
			b.ReportMetric(float64(out)/float64(total), "ratio")
		})
	}
}

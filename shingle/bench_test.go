package shingle_test

import (
	"strings"
	"testing"

	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/shingle"
)

var sink []uint64

func sizes() []struct {
	name string
	text []byte
} {
	para := "WASHINGTON - The Justice Department said on Monday that Acme Corp. agreed to pay $15.5 million to settle " +
		"allegations that it overbilled the U.S. Army between 2000 and 2005, officials said.\n\n"
	return []struct {
		name string
		text []byte
	}{
		{"tweet", []byte(para[:140])},
		{"article", []byte(strings.Repeat(para, 20))},
		{"1MB", []byte(strings.Repeat(para, 1<<20/len(para)))},
		{"unicode-article", []byte(strings.Repeat("Russia\u2019s Präsident sagte am Montag, die Straße sei gesperrt — “vorerst”. 北京新闻报道。\n\n", 20))},
	}
}

func BenchmarkHashes(b *testing.B) {
	for _, sz := range sizes() {
		b.Run(sz.name, func(b *testing.B) {
			s, _ := shingle.New(shingle.Options{})
			b.SetBytes(int64(len(sz.text)))
			b.ReportAllocs()
			dst := make([]uint64, 0, 1<<18)
			for b.Loop() {
				dst = s.Hashes(dst[:0], sz.text)
			}
			sink = dst
		})
	}
}

// BenchmarkCorpus runs normalise + tokenise + shingle-hash over the corpus named by NEARDUP_BENCH_CORPUS.
func BenchmarkCorpus(b *testing.B) {
	texts, total := corpus.Texts(corpus.Bench(b))
	s, _ := shingle.New(shingle.Options{})
	dst := make([]uint64, 0, 1<<16)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			dst = s.Hashes(dst[:0], t)
		}
	}
	sink = dst
}

// BenchmarkAppendHashes measures the shingle hashes alone, from the tokens of the corpus named by
// NEARDUP_BENCH_CORPUS made beforehand; SetBytes counts the text, so the MB/s compare with BenchmarkCorpus.
func BenchmarkAppendHashes(b *testing.B) {
	docs := corpus.Bench(b)
	tok := shingle.NewTokenizer()
	units := make([][]shingle.Token, len(docs))
	var total int64
	for i, d := range docs {
		units[i] = tok.Tokens(nil, []byte(d.Text))
		total += int64(len(d.Text))
	}
	dst := make([]uint64, 0, 1<<16)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range units {
			dst = shingle.AppendHashes(dst[:0], u, shingle.DefaultSize)
		}
	}
	sink = dst
}

package shingle

import (
	"encoding/binary"
	"math/bits"
	"testing"
	"unicode/utf8"

	"github.com/neardup/neardup/internal/corpus"
)

// BenchmarkTokenHashInTurns measures what the token hash cache costs, and so what a token hash computed from the
// lower-cased bytes themselves would gain: a change of every token hash, and so of every index's format, which
// neardup has not made. fastWordsMixed is fastWords with the cache probe replaced by a multiply-xorshift mix of
// the packed bytes (the same hand-overs; the tokens are the same but for their hashes). The two run in turns over
// chunks of 256 articles, with the hand-overs skipped alike (not tokenised), then the word 5-shingle hashes; it
// reports cached/mixed, the ratio of their times.
//
//	NEARDUP_BENCH_CORPUS=../shared/data/reuters21578.jsonl \
//	go test ./shingle -run '^$' -bench TokenHashInTurns -cpu 1 -count 6 -benchtime 5x
func BenchmarkTokenHashInTurns(b *testing.B) {
	texts, _ := corpus.Texts(corpus.Bench(b))
	tk := NewTokenizer()
	dst := make([]Token, 0, 1<<16)
	var h []uint64
	words := func(mixed bool) func(lo, hi int) {
		return func(lo, hi int) {
			for _, t := range texts[lo:hi] {
				dst = plainWords(tk, dst[:0], t, mixed)
				h = AppendHashes(h[:0], dst, 5)
			}
		}
	}
	spent := corpus.InTurns(b, len(texts), words(false), words(true))
	b.ReportMetric(float64(spent[0])/float64(spent[1]), "cached/mixed")
}

// plainWords tokenises text with fastWords, or fastWordsMixed, skipping what they hand over to scan.
func plainWords(t *Tokenizer, dst []Token, text []byte, mixed bool) []Token {
	i := 0
	for i < len(text) {
		if mixed {
			i, dst = fastWordsMixed(text, i, dst)
		} else {
			i, dst = fastWords(text, i, dst, t.cache, t.cache2)
		}
		if i >= len(text) {
			break
		}
		for i < len(text) && lowerWord[text[i]] != 0 {
			i++
		}
		i++
	}
	return dst
}

func mix64(x uint64) uint64 {
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 32
	x *= 0x94d049bb133111eb
	return x ^ x>>29
}

// fastWordsMixed is fastWords with the token hash mixed from the packed bytes instead of looked up.
func fastWordsMixed(text []byte, i int, units []Token) (int, []Token) {
	for i+16 <= len(text) {
		c := text[i]
		if lowerWord[c] == 0 {
			if c >= utf8.RuneSelf || c == '&' {
				return i, units
			}
			i++
			continue
		}
		start := i
		w := binary.LittleEndian.Uint64(text[start:])
		m := alnumMask(w)
		var hash uint64
		if stop := ^m & hiBits; stop != 0 {
			l := bits.TrailingZeros64(stop) >> 3
			i = start + l
			if mayJoin[joinIndex(text, i)] {
				return start, units
			}
			hash = mix64(lower8(w, m) & shortMask[l])
		} else {
			w1 := binary.LittleEndian.Uint64(text[start+8:])
			m1 := alnumMask(w1)
			stop1 := ^m1 & hiBits
			if stop1 == 0 {
				return start, units
			}
			l := 8 + bits.TrailingZeros64(stop1)>>3
			i = start + l
			if mayJoin[joinIndex(text, i)] {
				return start, units
			}
			hash = mix64(lower8(w, m) ^ mix64(lower8(w1, m1)&shortMask[l-8]))
		}
		units = append(units, Token{Start: uint32(start), End: uint32(i), Hash: hash})
		i++
	}
	return i, units
}

// TestFastWordsMixedSpans: the benchmark's two sides make the same tokens but for their hashes.
func TestFastWordsMixedSpans(t *testing.T) {
	docs, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	tk := NewTokenizer()
	var x, y []Token
	for _, d := range docs {
		x = plainWords(tk, x[:0], []byte(d.Text), false)
		y = plainWords(tk, y[:0], []byte(d.Text), true)
		if len(x) != len(y) {
			t.Fatalf("%s: %d tokens cached, %d mixed", d.ID, len(x), len(y))
		}
		for i := range x {
			if x[i].Start != y[i].Start || x[i].End != y[i].End {
				t.Fatalf("%s: token %d spans %d-%d cached, %d-%d mixed", d.ID, i, x[i].Start, x[i].End, y[i].Start, y[i].End)
			}
		}
	}
}

package shingle

import (
	"encoding/binary"
	"math/bits"
	"testing"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"github.com/neardup/neardup/internal/corpus"
)

// BenchmarkFastWordsInTurns times tokens + word 5-shingle hashes with the Tokenizer as built and with scan as it
// was before fastWords (scanBefore, a copy), in turns over chunks of 256 articles of the corpus named by
// NEARDUP_BENCH_CORPUS, and reports slow/fast: the ratio of their times, which holds on a machine whose speed
// drifts while it runs.
//
//	go test ./shingle -run '^$' -bench FastWordsInTurns -cpu 1 -count 6 -benchtime 5x
func BenchmarkFastWordsInTurns(b *testing.B) {
	texts, _ := corpus.Texts(corpus.Bench(b))
	fast, slow := NewTokenizer(), NewTokenizer()
	dst := make([]Token, 0, 1<<16)
	var h []uint64
	spent := corpus.InTurns(b, len(texts),
		func(lo, hi int) {
			for _, t := range texts[lo:hi] {
				dst = slow.tokensBefore(dst[:0], t)
				h = AppendHashes(h[:0], dst, 5)
			}
		},
		func(lo, hi int) {
			for _, t := range texts[lo:hi] {
				dst = fast.Tokens(dst[:0], t)
				h = AppendHashes(h[:0], dst, 5)
			}
		})
	b.ReportMetric(float64(spent[0])/float64(spent[1]), "slow/fast")
}

// tokensBefore is Tokens with scan as it was before fastWords (scanBefore), the baseline of
// BenchmarkFastWordsInTurns.
func (t *Tokenizer) tokensBefore(dst []Token, text []byte) []Token {
	t.chars = false
	t.units = dst
	t.scanBefore(text)
	dst, t.units = t.units, nil
	return dst
}

// scanBefore is scan before fastWords, word for word.
func (t *Tokenizer) scanBefore(text []byte) {
	if len(text) > MaxText {
		text = text[:MaxText]
	}
	n := len(text)
	i := 0
	raw := t.raw[:0]
	units := t.units
	for i < n {
		c := text[i]
		if c < utf8.RuneSelf && c != '&' {
			if lowerWord[c] == 0 {
				i++
				continue
			}
			// ASCII fast path: find the run of ASCII letters and digits, then lower-case it. Most words are shorter
			// than 8 bytes: one load classifies the word and the byte after it, and the same mask lower-cases it.
			start := i
			short := start+8 <= n && !t.chars
			var w, m uint64
			if short {
				w = binary.LittleEndian.Uint64(text[start:])
				m = alnumMask(w)
				if stop := ^m & hiBits; stop != 0 {
					i = start + bits.TrailingZeros64(stop)>>3
				} else {
					i = runEnd(text, start+8)
				}
			} else {
				i = runEnd(text, i+1)
			}
			if i < n && mayJoin[joinIndex(text, i)] && t.mayContinue(text, i) {
				// The token goes on past the run (a join, an entity, a non-ASCII letter): take the general path.
				t.raw, t.units = raw, units
				i = t.word(text, start)
				raw, units = t.raw, t.units
				continue
			}
			if l := i - start; l <= 8 && short {
				// A short word: look its hash up by its lower-cased bytes, packed into a uint64.
				key := lower8(w, m) & shortMask[l]
				e := &t.cache[(key*0x9e3779b97f4a7c15)>>(64-cacheBits)]
				if e.key != key {
					raw = raw[:8]
					binary.LittleEndian.PutUint64(raw, key)
					e.key, e.hash = key, xxhash.Sum64(raw[:l])
				}
				units = append(units, Token{Start: uint32(start), End: uint32(i), Hash: e.hash})
				continue
			}
			if l := i - start; l <= 16 && start+16 <= n && !t.chars {
				// A word of 9 to 16 bytes: the same, with two words for a key.
				w0 := binary.LittleEndian.Uint64(text[start:])
				w1 := binary.LittleEndian.Uint64(text[start+8:])
				k0 := lower8(w0, alnumMask(w0))
				k1 := lower8(w1, alnumMask(w1)) & shortMask[l-8]
				e := &t.cache2[((k0^k1*0xc2b2ae3d27d4eb4f)*0x9e3779b97f4a7c15)>>(64-cacheBits)]
				if e.k0 != k0 || e.k1 != k1 {
					raw = raw[:16]
					binary.LittleEndian.PutUint64(raw, k0)
					binary.LittleEndian.PutUint64(raw[8:], k1)
					e.k0, e.k1, e.hash = k0, k1, xxhash.Sum64(raw[:l])
				}
				units = append(units, Token{Start: uint32(start), End: uint32(i), Hash: e.hash})
				continue
			}
			raw = lowerInto(raw, text[start:i])
			if t.chars {
				t.units = units
				t.emit(start, i, raw)
				units = t.units
				continue
			}
			units = append(units, Token{Start: uint32(start), End: uint32(i), Hash: t.hashToken(raw)})
			continue
		}
		_, size, cl := charAt(text, i)
		switch cl {
		case word:
			t.raw, t.units = raw, units
			i = t.word(text, i)
			raw, units = t.raw, t.units
		case spaceless:
			t.raw, t.units = raw, units
			i = t.spaceless(text, i)
			raw, units = t.raw, t.units
		default:
			i += size
		}
	}
	t.raw, t.units = raw, units
}

package shingle

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/text/cases"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// MaxText is the longest input, in bytes, that is tokenised; bytes past it are ignored. Spans are 32-bit.
const MaxText = 1<<32 - 1

// Token is one word (or, for scripts written without spaces, one character) of the input.
type Token struct {
	// Start and End are byte offsets into the original input, end exclusive. They cover the token's first and
	// last character as written, entity references included ("caf&eacute;" spans all 11 bytes).
	Start, End uint32
	// Hash is the xxhash64 (seed 0) of the token's normalised UTF-8 form.
	Hash uint64
}

// Tokenizer splits text into normalised tokens. Its zero value is not ready; use [NewTokenizer]. A Tokenizer
// reuses its buffers between calls and is not safe for concurrent use.
type Tokenizer struct {
	raw    []byte // the current token, entities decoded, apostrophes made ASCII, ASCII lower-cased
	norm   []byte // the current token after Unicode normalisation
	tmp    []byte
	fold   transform.Transformer
	chars  bool    // emit one unit per normalised character instead of one per token
	units  []Token // output buffer of Tokens / character units
	prev   uint32  // end of the previous token, for character mode separators
	cache  *[cacheSize]cacheEntry
	cache2 *[cacheSize]cacheEntry2
	// cacheU holds the token hashes of normalised words of at most 16 bytes (allocated on the first one): the
	// normalisation is most of the cost of text with accents or ideographs, and its result depends on the raw
	// bytes alone.
	cacheU *[cacheUSize]cacheEntryU
	// wantText: tokenText reads the normalised form from norm, which a cached word leaves as it was.
	wantText bool
	// slow turns fastWords off, so that tests can compare it with scan's own paths.
	slow bool
}

// cacheEntryU is a word's raw bytes (k0, k1, and in key their number and whether spaceless characters are
// kept), and the hash of its normalised form, unless key says it normalises to nothing.
type cacheEntryU struct {
	k0, k1 uint64
	hash   uint64
	key    uint32 // the raw length | uSpaceless | uFilled, and uNone
}

const (
	uSpaceless = 1 << 8  // the word is a spaceless character, kept as such (emitNormalised's keepSpaceless)
	uNone      = 1 << 9  // the word normalises to nothing: no token
	uFilled    = 1 << 10 // the entry holds a word

	cacheUBits = 12
	cacheUSize = 1 << cacheUBits
)

type cacheEntry2 struct{ k0, k1, hash uint64 }

// mayJoin marks the bytes at which an ASCII word run may go on: non-ASCII bytes, '&' and the apostrophe after
// any run (mayJoin[c]), and also the number joiners after a run that ends with a digit (mayJoin[256+c]). Indexing
// by the last byte's kind keeps the common case, a word followed by '.' or ',', off the slow path.
var mayJoin = func() (t [512]bool) {
	for c := 0x80; c < 256; c++ {
		t[c], t[256+c] = true, true
	}
	for _, c := range "&'" {
		t[c], t[256+c] = true, true
	}
	for _, c := range ".,/" {
		t[256+c] = true
	}
	return t
}()

// joinIndex returns the index into mayJoin for the byte at text[i], which ends an ASCII run of letters and digits.
func joinIndex(text []byte, i int) int {
	d := 0
	if text[i-1] <= '9' {
		d = 256
	}
	return d | int(text[i])
}

// The token hash cache: news text repeats a few thousand short words endlessly, and looking up the hash of a
// token of at most 8 bytes (packed into a uint64) is several times cheaper than computing it. The cache changes
// no result: it holds exactly xxhash64 of the token.
const (
	cacheBits = 14
	cacheSize = 1 << cacheBits
)

type cacheEntry struct{ key, hash uint64 }

// shortMask[n] keeps the low n bytes of a little-endian uint64.
var shortMask = [9]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff, 0xffffffffffffffff}

// hashToken returns xxhash64 of raw, through the cache for tokens of at most 8 bytes. raw must have a capacity
// of at least 8.
func (t *Tokenizer) hashToken(raw []byte) uint64 {
	if len(raw) > 8 {
		return xxhash.Sum64(raw)
	}
	key := binary.LittleEndian.Uint64(raw[:8:cap(raw)]) & shortMask[len(raw)]
	e := shortEntry(t.cache, key)
	if e.key != key {
		fillShort(e, key)
	}
	return e.hash
}

// shortEntry is the cache entry of a token of at most 8 bytes packed into key (little-endian, zero above them: a
// token holds no zero byte, so key gives its length). The entry holds the token's xxhash64 when its key is key;
// fillShort fills it otherwise. Callers test the key themselves, so that the probe is inlined into the hot loops
// and only a miss costs a call.
func shortEntry(cache *[cacheSize]cacheEntry, key uint64) *cacheEntry {
	return &cache[(key*0x9e3779b97f4a7c15)>>(64-cacheBits)]
}

// midEntry is shortEntry for a token of 9 to 16 bytes packed into k0 and k1, in cache2; fillMid fills it.
func midEntry(cache2 *[cacheSize]cacheEntry2, k0, k1 uint64) *cacheEntry2 {
	return &cache2[((k0^k1*0xc2b2ae3d27d4eb4f)*0x9e3779b97f4a7c15)>>(64-cacheBits)]
}

// fillShort and fillMid fill a cache entry on a miss.
func fillShort(e *cacheEntry, key uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], key)
	e.key, e.hash = key, xxhash.Sum64(b[:(bits.Len64(key)+7)/8])
}

func fillMid(e *cacheEntry2, k0, k1 uint64) {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:], k0)
	binary.LittleEndian.PutUint64(b[8:], k1)
	e.k0, e.k1, e.hash = k0, k1, xxhash.Sum64(b[:8+(bits.Len64(k1)+7)/8])
}

// NewTokenizer returns a Tokenizer.
func NewTokenizer() *Tokenizer {
	return &Tokenizer{
		raw:    make([]byte, 0, 64),
		norm:   make([]byte, 0, 64),
		tmp:    make([]byte, 0, 64),
		fold:   cases.Fold(),
		cache:  new([cacheSize]cacheEntry),
		cache2: new([cacheSize]cacheEntry2),
	}
}

// charAt decodes the character at text[i]: an HTML character reference, an ASCII byte, a UTF-8 sequence, or an
// invalid byte (size 1, a separator).
func charAt(text []byte, i int) (r rune, size int, c class) {
	b := text[i]
	if b < utf8.RuneSelf {
		if b == '&' {
			if r, n := decodeEntity(text[i:]); n > 0 {
				return r, n, runeClass(r)
			}
		}
		return rune(b), 1, asciiClass[b]
	}
	r, size = utf8.DecodeRune(text[i:])
	if r == utf8.RuneError {
		return r, size, sep
	}
	return r, size, runeClass(r)
}

// Tokens appends the tokens of text to dst and returns the extended slice.
func (t *Tokenizer) Tokens(dst []Token, text []byte) []Token {
	t.chars = false
	t.units = dst
	t.scan(text)
	dst, t.units = t.units, nil
	return dst
}

// charUnits appends one unit per normalised character to dst, with a space unit between tokens.
func (t *Tokenizer) charUnits(dst []Token, text []byte) []Token {
	t.chars = true
	t.units = dst
	t.prev = 0
	t.scan(text)
	dst, t.units = t.units, nil
	return dst
}

func (t *Tokenizer) scan(text []byte) {
	if len(text) > MaxText {
		text = text[:MaxText]
	}
	n := len(text)
	i := 0
	raw := t.raw[:0]
	units := t.units
	for i < n {
		if !t.chars && !t.slow {
			if i, units = fastWords(text, i, units, t.cache, t.cache2); i >= n {
				break
			}
		}
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
				e := shortEntry(t.cache, key)
				if e.key != key {
					fillShort(e, key)
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
				e := midEntry(t.cache2, k0, k1)
				if e.k0 != k0 || e.k1 != k1 {
					fillMid(e, k0, k1)
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

// fastWords tokenises text from i as scan does, for as long as it meets only ASCII separators and ASCII words of at
// most 16 bytes that go on neither into a join nor into an entity or a non-ASCII letter (most news text): a loop
// with few live values, which the compiler keeps in registers where scan's many paths make it move them through
// memory. It returns where it stopped, at a byte it leaves to scan, and units with the tokens appended.
func fastWords(text []byte, i int, units []Token, cache *[cacheSize]cacheEntry, cache2 *[cacheSize]cacheEntry2) (
	int, []Token) {
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
			key := lower8(w, m) & shortMask[l]
			e := shortEntry(cache, key)
			if e.key != key {
				fillShort(e, key)
			}
			hash = e.hash
		} else {
			w1 := binary.LittleEndian.Uint64(text[start+8:])
			m1 := alnumMask(w1)
			stop1 := ^m1 & hiBits
			if stop1 == 0 {
				return start, units // 16 bytes or more
			}
			l := 8 + bits.TrailingZeros64(stop1)>>3
			i = start + l
			if mayJoin[joinIndex(text, i)] {
				return start, units
			}
			k0 := lower8(w, m)
			if l == 8 {
				e := shortEntry(cache, k0)
				if e.key != k0 {
					fillShort(e, k0)
				}
				hash = e.hash
			} else {
				k1 := lower8(w1, m1) & shortMask[l-8]
				e := midEntry(cache2, k0, k1)
				if e.k0 != k0 || e.k1 != k1 {
					fillMid(e, k0, k1)
				}
				hash = e.hash
			}
		}
		units = append(units, Token{Start: uint32(start), End: uint32(i), Hash: hash})
		i++ // text[i] ends the word and joins nothing: an ASCII separator other than '&', which scan skips
	}
	return i, units
}

// mayContinue reports whether the ASCII word run ending before text[i] might continue past it: text[i] is
// non-ASCII or '&' (a letter or an entity may follow), or a joiner that joins here.
func (t *Tokenizer) mayContinue(text []byte, i int) bool {
	c := text[i]
	if c >= utf8.RuneSelf || c == '&' {
		return true
	}
	switch asciiClass[c] {
	case apos:
		return i+1 < len(text) && (lowerWord[text[i+1]] != 0 || text[i+1] >= utf8.RuneSelf || text[i+1] == '&')
	case numJoin:
		return text[i-1] <= '9' && i+1 < len(text) && (text[i+1] >= '0' && text[i+1] <= '9' || text[i+1] == '&')
	}
	return false
}

// word reads the word token starting at text[i] and returns the offset after it.
func (t *Tokenizer) word(text []byte, i int) int {
	n := len(text)
	start, end := i, i
	raw := t.raw[:0]
	ascii := true
	prevDigit := false
	for i < n {
		c := text[i]
		if c < utf8.RuneSelf && asciiClass[c] == word {
			raw = append(raw, asciiLower[c])
			i++
			end = i
			prevDigit = c <= '9'
			continue
		}
		r, size, cl := charAt(text, i)
		if cl == word {
			if r < utf8.RuneSelf {
				raw = append(raw, asciiLower[r]) // an entity such as &#70;
			} else {
				raw = utf8.AppendRune(raw, r)
				ascii = false
			}
			i += size
			end = i
			prevDigit = isDigit(r)
			continue
		}
		if cl == ignore {
			i += size
			continue
		}
		if (cl == apos || cl == numJoin) && i+size < n {
			r2, _, cl2 := charAt(text, i+size)
			if cl2 == word && (cl == apos || prevDigit && isDigit(r2)) {
				if cl == apos {
					raw = append(raw, '\'')
				} else {
					raw = utf8.AppendRune(raw, r)
				}
				i += size
				continue
			}
		}
		break
	}
	t.raw = raw
	if ascii {
		t.emit(start, end, raw)
	} else {
		t.emitNormalised(start, end, raw, false)
	}
	return end
}

// spaceless reads one character of a script written without spaces, with its combining marks.
func (t *Tokenizer) spaceless(text []byte, i int) int {
	start := i
	r, size, _ := charAt(text, i)
	raw := utf8.AppendRune(t.raw[:0], r)
	i += size
	end := i
	for i < len(text) {
		r, size, cl := charAt(text, i)
		if cl == ignore {
			i += size
			continue
		}
		if !unicode.IsMark(r) {
			break
		}
		raw = utf8.AppendRune(raw, r)
		i += size
		end = i
	}
	t.raw = raw
	t.emitNormalised(start, end, raw, true)
	return end
}

// emitNormalised applies NFKC, full case folding and NFKC again (the NFKC_Casefold closure), then keeps only the
// characters a token may hold, so that normalising a normalised text changes nothing.
func (t *Tokenizer) emitNormalised(start, end int, raw []byte, keepSpaceless bool) {
	if t.chars || t.wantText || len(raw) > 16 {
		t.normalise(start, end, raw, keepSpaceless)
		return
	}
	var b [16]byte
	copy(b[:], raw)
	k0, k1 := binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	key := uint32(len(raw)) | uFilled
	if keepSpaceless {
		key |= uSpaceless
	}
	if t.cacheU == nil {
		t.cacheU = new([cacheUSize]cacheEntryU)
	}
	e := &t.cacheU[((k0^k1*0xc2b2ae3d27d4eb4f^uint64(key))*0x9e3779b97f4a7c15)>>(64-cacheUBits)]
	if e.k0 != k0 || e.k1 != k1 || e.key&^uNone != key {
		n := len(t.units)
		t.normalise(start, end, raw, keepSpaceless)
		e.k0, e.k1, e.key = k0, k1, key
		if len(t.units) > n {
			e.hash = t.units[n].Hash
		} else {
			e.key |= uNone
		}
		return
	}
	if e.key&uNone == 0 {
		t.units = append(t.units, Token{Start: uint32(start), End: uint32(end), Hash: e.hash})
	}
}

// normalise is emitNormalised without the cache.
func (t *Tokenizer) normalise(start, end int, raw []byte, keepSpaceless bool) {
	t.tmp = norm.NFKC.Append(t.tmp[:0], raw...)
	folded, _, err := transform.Append(t.fold, t.norm[:0], t.tmp)
	if err != nil {
		folded = append(t.norm[:0], t.tmp...)
	}
	t.norm = folded
	t.tmp = norm.NFKC.Append(t.tmp[:0], folded...)
	out := t.norm[:0]
	src := t.tmp
	for j := 0; j < len(src); {
		r, size := utf8.DecodeRune(src[j:])
		cl := runeClass(r)
		switch {
		case cl == word || cl == spaceless && keepSpaceless:
			// Full case folding maps a few scripts (Cherokee) to upper case and back; a last per-character
			// lower-casing makes the result a fixed point.
			if l := unicode.ToLower(r); l != r {
				out = utf8.AppendRune(out, l)
			} else {
				out = append(out, src[j:j+size]...)
			}
		case (cl == apos || cl == numJoin) && len(out) > 0 && j+size < len(src):
			r2, _ := utf8.DecodeRune(src[j+size:])
			cl2 := runeClass(r2)
			prev, _ := utf8.DecodeLastRune(out)
			if cl2 == word && (cl == apos || isDigit(prev) && isDigit(r2)) {
				if cl == apos {
					out = append(out, '\'')
				} else {
					out = append(out, src[j:j+size]...)
				}
			}
		}
		j += size
	}
	t.norm = out
	if len(out) > 0 {
		t.emit(start, end, out)
	}
}

// sepUnit is the character-mode unit between two tokens: a space.
var sepUnit = xxhash.Sum64String(" ")

func (t *Tokenizer) emit(start, end int, s []byte) {
	if !t.chars {
		t.units = append(t.units, Token{Start: uint32(start), End: uint32(end), Hash: xxhash.Sum64(s)})
		return
	}
	if len(t.units) > 0 {
		t.units = append(t.units, Token{Start: t.prev, End: uint32(start), Hash: sepUnit})
	}
	t.prev = uint32(end)
	// Characters map one to one onto source bytes only for a plain ASCII token; otherwise each character's span
	// is the whole token's.
	exact := end-start == len(s)
	for j := 0; j < len(s); {
		_, size := utf8.DecodeRune(s[j:])
		u := Token{Start: uint32(start), End: uint32(end), Hash: xxhash.Sum64(s[j : j+size])}
		if exact {
			u.Start, u.End = uint32(start+j), uint32(start+j+size)
		}
		t.units = append(t.units, u)
		j += size
	}
}

// Normalize appends to dst the normalised form of text that shingles are built from: its tokens, normalised, one
// space apart. Normalize(Normalize(x)) == Normalize(x).
func (t *Tokenizer) Normalize(dst, text []byte) []byte {
	toks := t.Tokens(nil, text)
	for k, tok := range toks {
		if k > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, t.tokenText(text[tok.Start:tok.End])...)
	}
	return dst
}

// tokenText returns the normalised form of the single token in b.
func (t *Tokenizer) tokenText(b []byte) []byte {
	var out []byte
	save := t.units
	t.units = nil
	t.chars = false
	t.wantText = true
	defer func() { t.wantText = false }()
	// Re-scan the token alone; raw/norm hold its text afterwards.
	r, _, cl := charAt(b, 0)
	_ = r
	if cl == spaceless {
		t.spaceless(b, 0)
		out = append(out, t.norm...)
	} else {
		t.word(b, 0)
		if isASCII(t.raw) {
			out = append(out, t.raw...)
		} else {
			out = append(out, t.norm...)
		}
	}
	t.units = save
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

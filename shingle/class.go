package shingle

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// class is what a character means to the tokenizer.
type class uint8

const (
	sep       class = iota // separates tokens: space, punctuation, symbols, controls, invalid bytes
	word                   // letter, digit or mark: part of a word token
	spaceless              // a character of a script written without spaces: a token of its own
	ignore                 // zero-width and format characters: dropped, they neither join nor split
	apos                   // apostrophe: joins two word characters ("Russia's")
	numJoin                // '.', ',' and '/': join two digits ("3.5", "1,000", "1/4")
)

// asciiClass classifies every ASCII byte; the fast path never leaves this table.
var asciiClass = func() (t [utf8.RuneSelf]class) {
	for c := '0'; c <= '9'; c++ {
		t[c] = word
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = word
		t[c-'a'+'A'] = word
	}
	t['\''] = apos
	t['.'] = numJoin
	t[','] = numJoin
	t['/'] = numJoin
	return t
}()

// lowerWord maps an ASCII letter or digit to its lower-case form and every other byte to 0.
var lowerWord = func() (t [256]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = byte(c)
		t[c-'a'+'A'] = byte(c)
	}
	return t
}()

// asciiLower maps an ASCII byte to its lower-case form.
var asciiLower = func() (t [utf8.RuneSelf]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = byte(c - 'A' + 'a')
	}
	return t
}()

// spacelessScripts are tokenised one character per token, so shingles over them are character n-grams.
var spacelessScripts = []*unicode.RangeTable{
	unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar,
}

// runeClass classifies a non-ASCII rune as classify does: from a table for the Basic Multilingual Plane, built
// from classify on first use (the range-table searches of classify took a third of the time of text with
// accents or ideographs), and by classify beyond it.
func runeClass(r rune) class {
	if uint32(r) < 1<<16 {
		return bmpClasses()[r]
	}
	return classify(r)
}

// bmpClasses returns classify of every rune of the Basic Multilingual Plane, computed once (64 KB, about 2 ms).
var bmpClasses = sync.OnceValue(func() *[1 << 16]class {
	t := new([1 << 16]class)
	for r := range t {
		t[r] = classify(rune(r))
	}
	return t
})

// classify classifies a non-ASCII rune. Typographic apostrophes map to the ASCII apostrophe; typographic quotes,
// dashes and ellipses are punctuation and therefore separators, exactly like their ASCII counterparts.
func classify(r rune) class {
	switch r {
	case '\u2019', '\u2018', '\u02bc', '\uff07':
		return apos
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return ignore
	case utf8.RuneError:
		return sep
	}
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	if unicode.IsMark(r) {
		return word
	}
	if unicode.IsLetter(r) || unicode.IsNumber(r) {
		for _, t := range spacelessScripts {
			if unicode.Is(t, r) {
				return spaceless
			}
		}
		return word
	}
	if unicode.Is(unicode.Cf, r) {
		return ignore
	}
	return sep
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

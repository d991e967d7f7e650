package shingle

import (
	"encoding/binary"
	"math/bits"
)

// SWAR ("SIMD within a register") helpers for the ASCII fast path: they classify and lower-case eight bytes at a
// time, so that finding the end of a word costs no branch per byte. Real text has unpredictable word lengths; a
// byte loop mispredicts its exit branch about once per word.
const (
	hiBits  = 0x8080808080808080
	loBits7 = 0x7f7f7f7f7f7f7f7f
	ones    = 0x0101010101010101
)

// alnumMask returns 0x80 in each byte of w that is an ASCII letter or digit, 0 elsewhere. No addition carries
// across bytes: every operand byte is at most 0x7f plus at most 0x50.
func alnumMask(w uint64) uint64 {
	ascii := ^w & hiBits
	l := (w | 0x2020202020202020) & loBits7 // upper case folded onto lower case
	letter := (l + ones*(0x80-'a')) &^ (l + ones*(0x80-'z'-1)) & hiBits
	d := w & loBits7
	digit := (d + ones*(0x80-'0')) &^ (d + ones*(0x80-'9'-1)) & hiBits
	return (letter | digit) & ascii
}

// lower8 lower-cases the ASCII letters among the alnum bytes of w (mask from alnumMask); digits already carry
// the 0x20 bit.
func lower8(w, mask uint64) uint64 { return w | mask>>2 }

// runEnd returns the end of the run of ASCII letters and digits that starts at text[i].
func runEnd(text []byte, i int) int {
	for i+8 <= len(text) {
		m := ^alnumMask(binary.LittleEndian.Uint64(text[i:])) & hiBits
		if m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(text) && lowerWord[text[i]] != 0 {
		i++
	}
	return i
}

// lowerInto writes the lower-cased ASCII word tok into raw, which it grows as needed, and returns it.
func lowerInto(raw, tok []byte) []byte {
	if cap(raw) < len(tok)+8 {
		raw = make([]byte, 0, 2*len(tok)+8)
	}
	raw = raw[:len(tok)]
	k := 0
	for ; k+8 <= len(tok); k += 8 {
		w := binary.LittleEndian.Uint64(tok[k:])
		binary.LittleEndian.PutUint64(raw[k:k+8:cap(raw)], lower8(w, alnumMask(w)))
	}
	for ; k < len(tok); k++ {
		raw[k] = lowerWord[tok[k]]
	}
	return raw
}

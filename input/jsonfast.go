package input

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// parseDocFast parses the common shape of a JSON Lines article, one object whose keys are all distinct and
// written without escapes, with its id and text as strings, without building a map of raw values: about six
// times as fast as ParseDoc's general path (BenchmarkParseDoc). It reports false for anything else (a numeric
// id, a repeated key, an escape in a key, invalid UTF-8, a missing or too long field, more than maxFastExtra
// other fields, a syntax error), and the general path, whose results it never differs from (FuzzParseDocFast),
// then decides.
func parseDocFast(line []byte) (*Doc, bool) {
	if !utf8.Valid(line) {
		return nil, false
	}
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return nil, false
	}
	i = skipSpace(line, i+1)
	d := &Doc{}
	var seen uint8 // the fields of Doc seen, by their bits (docField)
	var extra []rawField
	if i < len(line) && line[i] == '}' {
		return nil, false // no id
	}
	for {
		if i >= len(line) || line[i] != '"' {
			return nil, false
		}
		kEnd, kEsc, ok := stringEnd(line, i)
		if !ok || kEsc {
			return nil, false
		}
		key := line[i+1 : kEnd-1]
		i = skipSpace(line, kEnd)
		if i >= len(line) || line[i] != ':' {
			return nil, false
		}
		i = skipSpace(line, i+1)
		vEnd, str, vEsc, ok := valueEnd(line, i)
		if !ok {
			return nil, false
		}
		raw := line[i:vEnd]
		dst, bit := docField(d, string(key))
		if seen&bit != 0 {
			return nil, false
		}
		seen |= bit
		switch {
		case dst != nil && str:
			if vEsc {
				if *dst, ok = jsonString(raw); !ok {
					return nil, false
				}
			} else {
				*dst = string(raw[1 : len(raw)-1])
			}
		case bit == fieldID || bit == fieldText:
			return nil, false // a numeric id, or a text that is not a string
		default:
			// Kept in Extra, a known field that is not a string too, as the general path does. Repeats are
			// looked for pair by pair: past maxFastExtra fields the general path, with its map, takes the line.
			if len(extra) == maxFastExtra {
				return nil, false
			}
			for _, f := range extra {
				if string(f.key) == string(key) {
					return nil, false
				}
			}
			if str && vEsc {
				if _, ok := jsonString(raw); !ok {
					return nil, false
				}
			}
			extra = append(extra, rawField{key, raw})
		}
		i = skipSpace(line, vEnd)
		if i >= len(line) {
			return nil, false
		}
		if line[i] == '}' {
			break
		}
		if line[i] != ',' {
			return nil, false
		}
		i = skipSpace(line, i+1)
	}
	if skipSpace(line, i+1) != len(line) || seen&(fieldID|fieldText) != fieldID|fieldText ||
		strings.TrimSpace(d.ID) == "" || len(d.ID) > MaxIDBytes || len(d.Text) > MaxArticleBytes {
		return nil, false
	}
	d.Extra = extraObject(extra) // as the general path writes them
	return d, true
}

// maxFastExtra is the most other fields parseDocFast takes.
const maxFastExtra = 64

// valueEnd returns the index after the JSON value that starts at b[i], whether it is a string, and whether that
// string holds an escape. Numbers, literals, arrays and objects are delimited here and checked by json.Valid.
func valueEnd(b []byte, i int) (end int, str, esc, ok bool) {
	if i >= len(b) {
		return 0, false, false, false
	}
	switch c := b[i]; {
	case c == '"':
		end, esc, ok = stringEnd(b, i)
		return end, true, esc, ok
	case c == '[' || c == '{':
		depth := 0
		for j := i; j < len(b); {
			switch b[j] {
			case '"':
				e, _, ok := stringEnd(b, j)
				if !ok {
					return 0, false, false, false
				}
				j = e
				continue
			case '[', '{':
				depth++
			case ']', '}':
				if depth--; depth == 0 {
					return j + 1, false, false, json.Valid(b[i : j+1])
				}
			}
			j++
		}
		return 0, false, false, false
	default:
		j := i
		for j < len(b) && literalByte(b[j]) {
			j++
		}
		return j, false, false, j > i && json.Valid(b[i:j])
	}
}

// literalByte reports whether c may be part of a number or of true, false or null: what valueEnd delimits
// before json.Valid checks it.
func literalByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// skipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the closing quote of the JSON string that opens at b[i], and whether it holds
// an escape. It reports false for a string left open or holding a control character, which JSON forbids; the
// escapes themselves are checked by jsonString.
func stringEnd(b []byte, i int) (end int, esc, ok bool) {
	i++
	for {
		// Eight bytes at a time up to the first quote, backslash or control character.
		for i+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[i:])
			if m := stringStops(w); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			return 0, false, false
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, esc, true
		case c == '\\':
			if i+1 >= len(b) {
				return 0, false, false
			}
			esc = true
			i += 2
		case c < 0x20:
			return 0, false, false
		default:
			i++
		}
	}
}

// stringStops returns 0x80 in the bytes of w that are a quote, a backslash or a control character (below 0x20),
// and may also mark a byte after such a byte (a borrow), never one before: the first mark is exact.
func stringStops(w uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := w ^ (lo * '"')
	s := w ^ (lo * '\\')
	return ((q-lo)&^q | (s-lo)&^s | (w-lo*0x20)&^w) & hi
}

package shingle

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func FuzzTokens(f *testing.F) {
	for _, s := range []string{
		"", "Russia\u2019s U.S. 6-1/4 1,000", "caf&eacute; &#8217; &#x110000; &#0; &amp", "\xff\xfe\xc2",
		"北京新闻 ข่าว", "\ufb01 \u2488 \u00bd ß İ", "a\u00ad\u200bb", "&#12345678901234567890;", "1.2.3,4/5'6",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		tk := NewTokenizer()
		toks := tk.Tokens(nil, text)
		slow := NewTokenizer()
		slow.slow = true
		if want := slow.Tokens(nil, text); len(want) != len(toks) {
			t.Fatalf("%d tokens, %d without fastWords", len(toks), len(want))
		} else {
			for i := range want {
				if toks[i] != want[i] {
					t.Fatalf("token %d %+v, %+v without fastWords", i, toks[i], want[i])
				}
			}
		}
		prev := uint32(0)
		for i, tok := range toks {
			if tok.Start >= tok.End || int(tok.End) > len(text) || tok.Start < prev {
				t.Fatalf("token %d span [%d,%d) out of order or bounds (prev end %d, len %d)", i, tok.Start, tok.End, prev, len(text))
			}
			prev = tok.End
			// The span covers exactly the token: re-tokenising its bytes alone gives the same single token.
			again := tk.Tokens(nil, text[tok.Start:tok.End])
			if len(again) != 1 || again[0].Hash != tok.Hash || again[0].End != tok.End-tok.Start {
				t.Fatalf("token %d %q does not re-tokenise to itself: %v", i, text[tok.Start:tok.End], again)
			}
		}
		once := tk.Normalize(nil, text)
		if !utf8.Valid(once) {
			t.Fatalf("Normalize produced invalid UTF-8 %q", once)
		}
		twice := tk.Normalize(nil, once)
		if !bytes.Equal(once, twice) {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", text, once, twice)
		}
		s, _ := New(Options{})
		sh := s.Shingles(nil, text)
		for _, x := range sh {
			if x.Start > x.End || int(x.End) > len(text) {
				t.Fatalf("shingle span [%d,%d) out of bounds", x.Start, x.End)
			}
		}
		ps := AppendPassages(nil, text, toks, PassageOptions{MinTokens: 1, Window: 4})
		for _, p := range ps {
			if p.Start >= p.End || int(p.End) > len(text) || p.Lo >= p.Hi || p.Hi > len(toks) {
				t.Fatalf("passage %+v out of bounds", p)
			}
		}
	})
}

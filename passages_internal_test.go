package neardup

import (
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
)

func TestRepeats(t *testing.T) {
	para := "the minister said the new rules would take effect next month after a review by the committee"
	cases := []struct {
		name string
		text string
		want int // runs
	}{
		{"exact", para + "\n" + para, 1},
		{"word changed", para + "\n" + strings.Replace(para, "review", "vote", 1), 1},
		{"word inserted", para + "\n" + strings.Replace(para, "next month", "early next month", 1), 1},
		{"word dropped", para + "\n" + strings.Replace(para, "new ", "", 1), 1},
		{"short phrase only", "the company said profits rose. later the company said costs fell.", 0},
		{"no repeat", para, 0},
	}
	tk := shingle.NewTokenizer()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			toks := tk.Tokens(nil, []byte(c.text))
			rs := repeats(toks, MinRepeatTokens)
			if len(rs) != c.want {
				t.Fatalf("%d runs %+v, want %d", len(rs), rs, c.want)
			}
			for _, r := range rs {
				// The first copy starts at the first token and the second covers the whole second line.
				if r.a != 0 || r.b+r.m != len(toks) {
					t.Errorf("run %+v does not cover both copies (%d tokens); runs %+v", r, len(toks), rs)
				}
			}
		})
	}
}

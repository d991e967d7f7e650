package neardup

import (
	"strings"
	"testing"
)

// TestCompareTexts: a copy with a new headline and its last paragraph trimmed: the shared spans are exactly the
// copied words in both texts, the headline and the trimmed paragraph are not marked.
func TestCompareTexts(t *testing.T) {
	body := "The central bank raised its main interest rate by a quarter point on Tuesday, citing stubborn inflation."
	tail := "Economists had expected the move after last month's figures showed prices rising fast."
	a := "Bank lifts rates\n\n" + body + "\n\n" + tail
	b := "Rates go up again in surprise move\n\n" + body
	c := compareTexts(a, b, 5)
	span := func(text string, s [2]int) string { return text[s[0]:s[1]] }
	want := strings.TrimSuffix(body, ".")
	if len(c.SharedA) != 1 || span(a, c.SharedA[0]) != want {
		t.Fatalf("shared in a: %v", c.SharedA)
	}
	if len(c.SharedB) != 1 || span(b, c.SharedB[0]) != want {
		t.Fatalf("shared in b: %v", c.SharedB)
	}
	if !(c.ContainmentB > c.ContainmentA && c.ContainmentA > c.Jaccard && c.Jaccard > 0 && c.ContainmentB < 1) {
		t.Errorf("scores %+v", c)
	}
}

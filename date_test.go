package neardup

import (
	"testing"
	"time"
)

// TestParseDate pins the date forms the keep rule reads, and checks that trying only the layouts of a date's
// family gives what trying every layout in order gives.
func TestParseDate(t *testing.T) {
	all := append(append([]string(nil), isoLayouts...), "2006-01-02")
	all = append(all, otherLayouts...)
	everyLayout := func(s string) int64 {
		for _, layout := range all {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Unix()
			}
		}
		return 0
	}
	cases := map[string]int64{
		"2026-11-25":                        1795564800,
		" 2026-11-25 ":                      1795564800,
		"2026-11-25T10:00:00Z":              1795600800,
		"2026-11-25T10:00:00.123+01:00":     1795597200,
		"2026-11-25T10:00:00":               1795600800,
		"2026-11-25 10:00:00":               1795600800,
		"25-Nov-2026 10:00:00.00":           1795600800,
		"5-Nov-2026 10:00:00.00":            1793872800,
		"Wed, 25 Nov 2026 10:00:00 +0000":   1795600800,
		"Wed, 25 Nov 2026 10:00:00 GMT":     1795600800,
		"Wednesday, 25-Nov-26 10:00:00 UTC": 1795600800,
		"Wed Nov 25 10:00:00 2026":          1795600800,
		"November 25, 2026":                 1795564800,
		"":                                  0,
		"yesterday":                         0,
		"2026-13-45":                        0,
		"2026/11/25":                        0,
		"2026-11-25T25:00:00Z":              0,
	}
	for s, want := range cases {
		if got := ParseDate(s); got != want {
			t.Errorf("ParseDate(%q) = %d, want %d", s, got, want)
		}
		if got, every := ParseDate(s), everyLayout(trimmed(s)); got != every {
			t.Errorf("ParseDate(%q) = %d, every layout in order gives %d", s, got, every)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ParseDate("2026-11-25") }); n != 0 {
		t.Errorf("ParseDate of a bare ISO date allocates %v times", n)
	}
}

func trimmed(s string) string {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

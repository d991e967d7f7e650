package dates

import (
	"testing"
	"time"
)

// TestParseDate pins the date forms the keep rule reads, and checks that trying only the layouts of a date's
// family gives what trying every layout in order gives, where one fits.
func TestParse(t *testing.T) {
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
		"2026-11-25T25:00:00Z":              0,
		// Past the layouts (dateparse): the forms feeds and pages use.
		"2026-12-06T10:00:00+0100":             1796547600,
		"Dec 6, 2026":                          1796515200,
		"6 December 2026":                      1796515200,
		"2026-12-06 10:00":                     1796551200,
		"2026/12/06":                           1796515200,
		"2026/11/25":                           1795564800,
		"20261206":                             1796515200,
		"1796515200":                           1796515200, // epoch seconds
		"1796515200123":                        1796515200, // milliseconds
		"06/12/2026":                           1781222400, // month first: June 12
		"25/12/2026":                           1798156800, // 25 cannot be a month: December 25
		"27-MAR-1987 07:16:49.94&#9;&#9;&#9;F": 543827809,  // Reuters, with what follows its date
		"27-MAR-1987 07:16:49.94\tRM":          543827809,
		"2026":                                 0, // a year is no date
		"December 2026":                        0,
		"12":                                   0,
		"1":                                    0,
	}
	for s, want := range cases {
		if got := Parse(s); got != want {
			t.Errorf("Parse(%q) = %d (%s), want %d", s, got, time.Unix(got, 0).UTC(), want)
		}
		if got, every := Parse(s), everyLayout(trimmed(s)); every != 0 && got != every {
			t.Errorf("Parse(%q) = %d, every layout in order gives %d", s, got, every)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Parse("2026-11-25") }); n != 0 {
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

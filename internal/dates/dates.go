// Package dates reads the dates of news articles: the forms corpora, feeds and pages use (neardup help dates).
package dates

import (
	"strings"
	"time"

	"github.com/itlightning/dateparse"
)

// Date layouts, by family: ISO dates have a '-' after a four-digit year; none of the others does. Parse tries
// only the family (and, for a bare date, the layout) that can match, in this order: time.Parse allocates an error
// for every layout that fails. These are the forms most news corpora use; others go to dateparse.
var (
	isoLayouts   = []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05"}
	otherLayouts = []string{
		"02-Jan-2006 15:04:05.00", "02-Jan-2006 15:04:05", "2-Jan-2006 15:04:05.00",
		time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC, "Mon, 2 Jan 2006 15:04:05 -0700", "January 2, 2006",
	}
)

// Parse understands the date forms found in news corpora, feeds and pages; it returns 0 when it cannot parse
// s. The common forms are tried first, by layout (no allocation for a bare ISO date); then, with anything after
// a tab, a control character or an HTML entity cut off (Reuters' "27-MAR-1987 07:16:49.94&#9;&#9;F"), the
// layouts again and github.com/itlightning/dateparse, which reads the rest: numeric zones without a colon,
// "Dec 6, 2026", "2026/12/06", "2026-12-06 10:00", epoch seconds (10 digits) and milliseconds (13), and
// numeric dates with slashes. Those are read month first (06/12/2026 is June 12, as US wire feeds write it)
// unless the first number cannot be a month (25/12/2026 is December 25). A date without a zone is UTC. A bare
// year, or a year outside 1800-2200, is not a date.
func Parse(s string) int64 {
	if t := parseLayouts(s); t != 0 {
		return t
	}
	s = strings.TrimSpace(s)
	if i := strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == '&' || r == 0x7f }); i >= 0 {
		s = strings.TrimSpace(s[:i])
		if t := parseLayouts(s); t != 0 {
			return t
		}
	}
	if s == "" || len(s) <= 4 { // a bare year is no date to place an article by
		return 0
	}
	t, err := dateparse.ParseIn(s, time.UTC, dateparse.PreferMonthFirst(true), dateparse.RetryAmbiguousDateWithSwap(true))
	if err != nil || t.Year() < 1800 || t.Year() > 2200 {
		return 0
	}
	return t.Unix()
}

// parseLayouts parses s with the layouts of its family, 0 when none fits.
func parseLayouts(s string) int64 {
	s = strings.TrimSpace(s)
	layouts := otherLayouts
	switch {
	case s == "":
		return 0
	case len(s) == 10 && s[4] == '-':
		layouts = []string{"2006-01-02"}
	case len(s) > 10 && s[4] == '-':
		layouts = isoLayouts
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Unix()
		}
	}
	return 0
}

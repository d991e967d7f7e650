package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/neardup/neardup/input"
)

// reportCrawl prints the summary lines of the HTML and WARC input of a run, if there was any.
func reportCrawl(e *env, c *input.CrawlStats) {
	if c.Pages > 0 {
		fmt.Fprintf(e.stderr, "neardup: html: %d pages, %d articles; skipped: %s\n", c.Pages, c.Articles, counts(c.Skipped))
	}
	if c.Files == 0 {
		return
	}
	total := 0
	for _, v := range c.Records {
		total += v
	}
	fmt.Fprintf(e.stderr, "neardup: warc: %d files, %d records (%s), %d articles (%d exact copies of indexed payloads), %d revisits, %d unreadable; skipped: %s\n",
		c.Files, total, counts(c.Records), c.Articles, c.Copies, c.Revisits, c.Errors, counts(c.Skipped))
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

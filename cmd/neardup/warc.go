package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/neardup/neardup"
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

// crawlPages keep, for the crawled pages of a run held for their site furniture, the text blocks of each whole
// page and how to extract it again (package furniture: Refine).
type crawlPages struct {
	blocks map[*neardup.Doc][]uint64
	again  map[*neardup.Doc]input.Again
}

func newCrawlPages() *crawlPages {
	return &crawlPages{blocks: map[*neardup.Doc][]uint64{}, again: map[*neardup.Doc]input.Again{}}
}

// add records a page's blocks and how to read it again (nil: it cannot be); it is input.Options.Page.
func (c *crawlPages) add(d *neardup.Doc, blocks []uint64, again input.Again) {
	c.blocks[d] = blocks
	if again != nil {
		c.again[d] = again
	}
}

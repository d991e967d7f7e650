package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
)

type extractOpts struct {
	build     buildFlags
	furniture bool
}

func init() {
	commands = append(commands, &command{
		name:  "extract",
		usage: "[--format html|warc|jsonl|text] [--furniture] FILE...",
		short: "print the articles index would index, as JSON Lines, without an index",
		long: `Reads FILEs as neardup index does (WARC files, --format html pages or folders of them, gzipped
pages *.html.gz too, JSON Lines, text) and prints, one JSON line each, exactly the articles index would
index, without touching an index:

  {"id": "https://www.example.com/story", "url": "...", "title": "...", "date": "...",
   "site": "example.com", "text": "...", "warc": "/crawl/crawl.warc.gz", "warc_offset": 1234,
   "captured": "2026-12-01T10:00:00Z"}

date is the page's own published date (JSON-LD datePublished, article:published_time and the like),
omitted when it declares none; captured is when the crawler fetched it (WARC-Date). warc and file are
absolute paths. Indexing these lines later makes site, warc, file and the rest ordinary metadata: only
an index run over the pages themselves records where they came from (neardup relearn reads that).
site is the registered domain of the page's URL (for saved pages, the URL the page declares, else
"folder:" and the folder holding the file). From HTML and WARC input the text is the page's main text
without the site's furniture: blocks of text the site repeats on pages that tell different stories
(neardup help furniture); --keep-furniture leaves them in, and --furniture adds "furniture", the
blocks taken out. A site's pages are held until every file is read: its furniture is learnt from all
of them (within the bounds neardup help furniture gives).
A summary goes to stderr.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &extractOpts{}
			o.build.registerInput(fs)
			fs.BoolVar(&o.furniture, "furniture", false, `also print "furniture": the blocks taken out of each page`)
			return o
		},
		run: runExtract,
	})
}

// extracted is one line of neardup extract.
type extracted struct {
	ID         string   `json:"id"`
	URL        string   `json:"url,omitempty"`
	Title      string   `json:"title,omitempty"`
	Date       string   `json:"date,omitempty"`
	Site       string   `json:"site,omitempty"`
	Text       string   `json:"text"`
	File       string   `json:"file,omitempty"`
	WARC       string   `json:"warc,omitempty"`
	WARCOffset *int64   `json:"warc_offset,omitempty"`
	Captured   string   `json:"captured,omitempty"`
	Furniture  []string `json:"furniture,omitempty"`
}

func runExtract(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*extractOpts)
	if len(args) == 0 {
		return usageError(e, "extract", "no input files (use - for stdin)")
	}
	if code := checkInputs(e, "extract", &o.build, args); code != exitOK {
		return code
	}
	start := time.Now()
	out := bufio.NewWriterSize(e.stdout, 1<<16)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	gone := map[*neardup.Doc][]string{}
	var tell func(d *neardup.Doc, g []string)
	if o.furniture {
		tell = func(d *neardup.Doc, g []string) { gone[d] = g }
	}
	var read, rejected atomic.Int64
	var cs input.CrawlStats
	n := 0
	var werr error
	send := func(d *neardup.Doc) error {
		x := extracted{ID: d.ID, URL: d.URL, Title: d.Title, Date: d.Date, Text: d.Text, Furniture: gone[d]}
		if p := d.Provenance; p != nil {
			x.Site, x.Captured = p.Site, p.Captured
			switch p.Format {
			case neardup.ProvenanceWARC:
				x.WARC, x.WARCOffset = p.File, &p.Offset
			case neardup.ProvenanceHTML:
				x.File = p.File
			}
		}
		if werr = enc.Encode(x); werr != nil {
			return werr
		}
		n++
		return ctx.Err()
	}
	readInputs(ctx, e, &o.build, nil, args, &read, &rejected, &cs, send, tell)
	if werr == nil {
		werr = out.Flush()
	}
	reportCrawl(e, &cs)
	bad := int(rejected.Load())
	fmt.Fprintf(e.stderr, "neardup: %d articles extracted, %d rejected (%.2f s)\n", n, bad, time.Since(start).Seconds())
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		e.errorf("interrupted")
		return exitInterrupted
	case werr != nil:
		e.errorf("write: %v", werr)
		return exitError
	case bad > 0:
		return exitRejected
	}
	return exitOK
}

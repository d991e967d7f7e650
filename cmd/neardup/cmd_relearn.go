package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/crawl"
	"github.com/neardup/neardup/internal/par"
	"github.com/neardup/neardup/internal/warc"
)

type relearnOpts struct {
	db      string
	workers int
}

func init() {
	commands = append(commands, &command{
		name:  "relearn",
		usage: "[--db DIR]",
		short: "learn site furniture again from every crawled page of the index",
		long: `Learns the site furniture again from all the crawled pages of the index at once, as one index run over
all of them would, and re-indexes the articles whose text it changes. Each index run learns the
furniture from its own pages only, so a crawl indexed as it arrives (a run an hour, a few pages of a
site in each) finds less of it than one run over the same pages would, and the first pages of a new
site are indexed before its furniture is known; relearn (a nightly job, say) makes the index what a
single run would have made, whatever order and grouping the pages came in. "neardup help furniture"
gives the rule.

A crawled page is an article that an index run read itself from a WARC file or a saved HTML file: the
index records where (its provenance: the file's absolute path and the record's offset; neardup show
prints it). An article's own fields are never taken for a source, so indexing JSON Lines, neardup
extract output included, makes no crawled page, whatever fields it has. Each page is read again from
the recorded file, from whatever folder relearn runs in; a page whose source is gone or was read from
stdin takes part with the text the index keeps (none for an index made with --no-text: such
a page is left as it is). Only the text is relearnt: ids, titles, urls, dates and metadata stay. The
furniture rule is applied to every crawled page, including pages an earlier run indexed with
--keep-furniture: do not relearn an index meant to keep its furniture.

It needs memory for the crawled pages' texts, as an index run over all of them does, and time to
extract each page again (about 200-300 pages a second a core). Interrupted, it keeps the articles it
re-indexed; rerun it to finish. Articles indexed from plain text are not touched.

  neardup index --db crawl.db crawl/2026-12-01-*.warc.gz    # through the day, as files arrive
  neardup relearn --db crawl.db                              # nightly, before neardup dedupe`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &relearnOpts{}
			dbFlag(fs, e, &o.db)
			fs.IntVar(&o.workers, "workers", 0, "hashing goroutines (0: one per core)")
			return o
		},
		run: runRelearn,
	})
}

// relearnBatch is how many pages relearn reads again at a time, and re-indexes at a time.
const relearnBatch = 4096

// crawled is an indexed article read from a crawl, with where its page is.
type crawled struct {
	doc  *neardup.Doc
	src  input.Again // nil for a page read from stdin
	page *warc.Page
	kept bool // its source is gone: it takes part with its stored text
}

func runRelearn(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*relearnOpts)
	if len(args) > 0 {
		return usageError(e, "relearn", "unexpected arguments %q", args)
	}
	exists, err := neardup.Exists(o.db)
	if err != nil {
		return fail(e, err, o.db)
	}
	if !exists {
		return fail(e, fmt.Errorf("%w: %s", neardup.ErrNoIndex, o.db), o.db)
	}
	ix, err := neardup.Open(o.db, nil)
	if err != nil {
		return fail(e, err, o.db)
	}
	code := relearn(ctx, e, ix, o)
	if err := ix.Close(); err != nil {
		e.errorf("close: %s", describe(err, o.db))
		return exitError
	}
	return code
}

func relearn(ctx context.Context, e *env, ix *neardup.Index, o *relearnOpts) int {
	start := time.Now()
	if f := ix.Params().Format; f < 7 {
		e.errorf("%s is an index of format %d, which records no page sources: index the crawl again into a new index to relearn it", ix.Dir(), f)
		return exitError
	}
	var pages []*crawled
	err := ix.EachMeta(ctx, func(d *neardup.Doc) error {
		p := d.Provenance // recorded by the index run that read the page; never an article's metadata
		if p == nil || p.Site == "" {
			return nil // not a crawled page
		}
		c := &crawled{doc: d}
		switch p.Format {
		case neardup.ProvenanceWARC:
			c.doc.ContentKey = p.Digest
			if p.File != "-" {
				c.src = input.WARCAgain(p.File, p.Offset)
			}
		case neardup.ProvenanceHTML:
			c.src = input.HTMLAgain(p.File)
		default:
			return nil
		}
		pages = append(pages, c)
		return nil
	})
	if err != nil {
		return relearnFailed(e, ix, err)
	}
	// Pages are read again site by site, so that the hold (crawl.Hold) clears each site's pages as soon as they
	// are read and memory holds one site's pages at a time, not the crawl's.
	slices.SortStableFunc(pages, func(a, b *crawled) int { return strings.Compare(a.doc.Provenance.Site, b.doc.Provenance.Site) })
	var st neardup.AddStats
	var addErr error
	var pending []*neardup.Doc
	add := func() error {
		if len(pending) == 0 || addErr != nil {
			return addErr
		}
		s, err := ix.AddDocs(ctx, pending, &neardup.AddOptions{Workers: o.workers, Reject: func(r neardup.Rejection) {
			fmt.Fprintf(e.stderr, "%s: %v\n", neardup.ShortID(r.ID), r.Err)
		}})
		st.Added, st.Replaced, st.Unchanged, st.Rejected = st.Added+s.Added, st.Replaced+s.Replaced, st.Unchanged+s.Unchanged, st.Rejected+s.Rejected
		pending, addErr = pending[:0], err
		return err
	}
	hold := crawl.NewHold(func(d *neardup.Doc) error {
		if pending = append(pending, d); len(pending) >= relearnBatch {
			return add()
		}
		return nil
	}, nil)
	var read atomic.Int64
	var gone []string
	var untouched int
	prog := newCountProgress(e.stderr, int64(len(pages)), &read)
	for lo := 0; lo < len(pages) && addErr == nil; lo += relearnBatch {
		batch := pages[lo:min(lo+relearnBatch, len(pages))]
		// Every page read again from its source, on every core (the long part: a progress bar on a terminal).
		par.For(len(batch), func(i int) {
			if ctx.Err() != nil {
				return
			}
			defer func() { read.Add(1); prog.update(neardup.AddStats{}) }()
			c := batch[i]
			var err error
			if c.src != nil {
				c.page, err = c.src(nil)
			}
			if c.src == nil || err != nil {
				c.page, c.kept = nil, true
			}
		})
		if ctx.Err() != nil {
			break
		}
		for _, c := range batch {
			if c.kept {
				gone = append(gone, c.doc.ID)
				a, err := ix.Get(c.doc.ID)
				if errors.Is(err, neardup.ErrNoText) {
					untouched++ // nothing to learn from: left as it is
					continue
				}
				if err != nil {
					addErr = err
					break
				}
				c.doc.Text = a.Text
			} else {
				c.doc.Text = c.page.Text
				hold.Page(c.doc, c.page.Blocks, c.src)
			}
			if c.doc.Text == "" {
				c.doc.ContentKey = "" // an empty article, not an exact copy given without its text
			}
			c.page = nil
			if err := hold.Add(c.doc); err != nil {
				break
			}
		}
	}
	prog.done()
	if ctx.Err() != nil {
		return relearnFailed(e, ix, ctx.Err())
	}
	if addErr == nil && hold.Flush() == nil {
		add()
	}
	err = addErr
	if len(gone) > 0 {
		e.errorf("relearn: %d pages not found where index read them (first: %s); %d took part with their stored text, %d (no stored text) were left as they are",
			len(gone), gone[0], len(gone)-untouched, untouched)
	}
	fmt.Fprintf(e.stderr, "neardup: relearn: %d crawled pages, %d read again from their sources; %d re-indexed, %d unchanged, %d rejected (%.2f s)\n",
		len(pages), len(pages)-len(gone), st.Replaced+st.Added, st.Unchanged, st.Rejected, time.Since(start).Seconds())
	if err != nil {
		return relearnFailed(e, ix, err)
	}
	if st.Rejected > 0 {
		return exitRejected
	}
	return exitOK
}

func relearnFailed(e *env, ix *neardup.Index, err error) int {
	if errors.Is(err, context.Canceled) {
		e.errorf("interrupted; the articles re-indexed so far are kept, rerun to finish")
		return exitInterrupted
	}
	e.errorf("%s", describe(err, ix.Dir()))
	return exitError
}

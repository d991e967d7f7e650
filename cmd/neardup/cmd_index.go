package main

import (
	"context"
	"time"

	"github.com/spf13/pflag"
)

type indexOpts struct {
	db    string
	build buildFlags
}

func init() {
	commands = append(commands, &command{
		name:  "index",
		usage: "[--db DIR] [FLAGS] FILE...",
		short: "add or replace articles in the index",
		long: `Adds the articles in FILEs to the index, replacing any article with the same id whose content
changed; an unchanged article is skipped quickly, so rerunning an interrupted job resumes it. The index
is created on first use with the parameters below; later runs use the stored ones.

Input is JSON Lines, one article per line: {"id": "...", "text": "...", "title", "url", "date",
"source"}; other fields are kept as metadata. A numeric id becomes its decimal text. Files ending in
.gz (any gzip file) are decompressed; "-" reads stdin. A line that is not valid JSON, lacks an id or a
text, or whose text is not a string is reported as FILE:LINE: reason and skipped; every other line is
indexed. Text without words is indexed but matches nothing. Invalid UTF-8 bytes separate words. When
an id appears twice in one run, the later article wins (counted as replaced).

WARC files (.warc, .warc.gz, or --format warc) are read directly: every HTML response with status 200
becomes an article (main text and title extracted, charset decoded), its id the normalised URL
(scheme and host lower-cased, default port, fragment and utm_*/fbclid/gclid-style tracking
parameters dropped) or, with --id record, the WARC-Record-ID; its metadata names the file and the
record's offset. Revisit records count as unchanged captures. An unreadable record is reported as
FILE:OFFSET: reason and counted as rejected; reading resumes at the next record.

Limits: an id of at most 1024 bytes of valid UTF-8, a text of at most 4 MiB (a JSON line of at most
9 MiB); a larger one is rejected as FILE:LINE: reason, a longer line unread. An article of more than
about 400,000 distinct shingles (2 MB of varied text) may be refused as too large for one transaction.
A file that ends early (a truncated .gz or .warc.gz) is indexed as far as it reads and counted as one
rejection. A missing input file, or a folder where a file is wanted, stops the run before any work
(exit 2).

A new index from files (not stdin) is built in one pass: the articles are hashed and sorted into runs
in a folder beside DIR (DIR.bulk), then written as the index's tables at once and renamed to DIR,
about three times as fast as article by article at a million articles, with faster queries after. It is
all or nothing: interrupted, killed or out of disk space, it leaves no index, and the rerun starts
over. It needs free space for about twice the index. --no-bulk builds the new index article by
article instead, as every later run into an existing index does.

Durability: article by article, an article is committed with the few hundred read before it; the
summary line means every article counted is committed and survives a killed process (kill -9). A
power loss may lose the last commits unless --sync is given. Without room on the disk for the next
commit (with a margin for Badger's background writes), the run stops with "disk full" and exit 2,
keeping what it committed.

From HTML and WARC input, site furniture (blocks a site repeats on pages of different stories) is taken
out of each page before hashing; "neardup help furniture" gives the rule, --keep-furniture turns it off.
The index keeps each article's text, zstd-compressed, for neardup show, word-tight passages by ID and
neardup rebuild, unless created with --no-text.

Hashing uses every core. Progress goes to stderr when it is a terminal; a summary line always does:
added, replaced, unchanged, rejected.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &indexOpts{}
			dbFlag(fs, e, &o.db)
			o.build.register(fs)
			return o
		},
		run: runIndex,
	})
}

func runIndex(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*indexOpts)
	if len(args) == 0 {
		return usageError(e, "index", "no input files (use - for stdin)")
	}
	if code := checkInputs(e, "index", &o.build, args); code != exitOK {
		return code
	}
	ix, code := openForWrite(e, o.db, &o.build, bulkInputs(args))
	if code != exitOK {
		return code
	}
	start := time.Now()
	st, code := ingest(ctx, e, ix, &o.build, args)
	if err := ix.Close(); err != nil {
		e.errorf("close: %s", describe(err, o.db))
		code = exitError
	}
	if o.build.json {
		jsonSummary(e, indexSummary{"index", st, round2(time.Since(start).Seconds()), code})
	}
	return code
}

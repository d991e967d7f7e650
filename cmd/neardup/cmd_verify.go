package main

import (
	"context"
	"time"

	"github.com/spf13/pflag"
)

type verifyOpts struct{ db string }

func init() {
	commands = append(commands, &command{
		name:  "verify",
		usage: "[--db DIR]",
		short: "check that the index is whole and undamaged",
		long: `Reads the whole index and checks it: every table block and every record against its checksum,
every article's record decoded, every article in each of its LSH buckets and no posting without its
article, and the stored counts against the keys. It prints nothing on stdout; on stderr, "ok" with the
counts, or the first problems found (an article id, a table file). It reads every byte of the index:
minutes for millions of articles.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &verifyOpts{}
			dbFlag(fs, e, &o.db)
			return o
		},
		exits:     []int{exitOK, exitRejected, exitError},
		exitNotes: map[int]string{exitOK: "the index is whole", exitRejected: "the index is damaged (the problems are on stderr)"},
		run: func(ctx context.Context, e *env, opts any, args []string) int {
			o := opts.(*verifyOpts)
			if len(args) > 0 {
				return usageError(e, "verify", "unexpected arguments %q", args)
			}
			start := time.Now()
			ix, err := openForRead(o.db)
			if err != nil {
				return fail(e, err, o.db)
			}
			defer ix.Close()
			c, err := ix.Verify(ctx)
			if err != nil {
				e.errorf("%s: %s", o.db, trimPrefixes(err.Error()))
				return exitRejected
			}
			e.errorf("%s: ok: %d articles, %d band postings, %d passage postings (%.2f s)", o.db, c.Articles, c.Bands, c.Passages, time.Since(start).Seconds())
			return exitOK
		},
	})
}

package main

import (
	"context"
	"errors"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/store"
	"github.com/spf13/pflag"
)

type queryOpts struct {
	fs        *pflag.FlagSet
	db        string
	threshold float64
	top       int
	src       source
}

func init() {
	commands = append(commands, &command{
		name:  "query",
		usage: "[--db DIR] [--threshold J] [--top N] (ID | --file PATH | --text TEXT | --text -)",
		short: "print the near-duplicates of one article",
		long: `Prints the indexed near-duplicates of one article as one JSON object, best first:

  {"id": "a1", "matches": [{"id": "a7", "jaccard": 0.93, "containment": 0.97, "title": "..."}]}

jaccard is the exact Jaccard similarity of the two articles' word-shingle sets; containment is the
share of the queried article's shingles found in the match (near 1 for a trimmed copy of a longer
story). The article is an indexed ID, or a file's text (--file PATH, its id the path), or a text
given on the command line (--text "...") or read from stdin (--text -). It need not be indexed; if it
is, it is not its own match. An unknown ID exits 2.

--threshold may be anything at or above the index's own threshold (see neardup stats) without
rebuilding; below it, pairs under the index threshold may be missed.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &queryOpts{fs: fs}
			dbFlag(fs, e, &o.db)
			fs.Float64Var(&o.threshold, "threshold", neardup.DefaultThreshold, "least Jaccard similarity reported")
			fs.IntVar(&o.top, "top", 20, "most matches printed (0: all)")
			o.src.register(fs, "query with")
			return o
		},
		exits: readExits,
		run:   runQuery,
	})
}

func runQuery(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*queryOpts)
	if code := o.src.check(e, o.fs, "query", args); code != exitOK {
		return code
	}
	if o.top < 0 {
		return usageError(e, "query", "--top must be >= 0")
	}
	if !(o.threshold > 0 && o.threshold <= 1) {
		return usageError(e, "query", "--threshold must be in (0, 1]")
	}
	ix, err := openForRead(o.db)
	if err != nil {
		return fail(e, err, o.db)
	}
	defer ix.Close()
	warnThreshold(e, ix, o.threshold)
	res := neardup.QueryResult{}
	var ms []neardup.Match
	switch {
	case len(args) == 1:
		res.ID = args[0]
		ms, err = ix.QueryID(ctx, args[0], o.threshold, o.top)
		if errors.Is(err, store.ErrNotFound) {
			e.errorf("%s", notFound(args[0], o.db))
			return exitError
		}
	default:
		var data []byte
		res.ID, data, err = o.src.read(e)
		if err != nil {
			return fail(e, err, o.db)
		}
		ms, err = ix.QueryDoc(ctx, &neardup.Doc{ID: res.ID, Text: string(data)}, o.threshold, o.top)
	}
	if err != nil {
		return fail(e, err, o.db)
	}
	res.Matches = ms
	if res.Matches == nil {
		res.Matches = []neardup.Match{}
	}
	if err := writeJSON(e.stdout, res); err != nil {
		e.errorf("write: %v", err)
		return exitError
	}
	return exitOK
}

func warnThreshold(e *env, ix *neardup.Index, t float64) {
	if t < ix.Params().Threshold {
		e.errorf("warning: --threshold %.2f is below the index's %.2f: pairs between them may be missed", t, ix.Params().Threshold)
	}
}

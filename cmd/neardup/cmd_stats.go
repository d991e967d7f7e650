package main

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
)

type statsOpts struct {
	db          string
	boilerplate int
	remote      remote
}

func init() {
	commands = append(commands, &command{
		name:  "stats",
		usage: "[--db DIR]",
		short: "print counts and parameters of the index",
		long: `Prints one JSON object describing the index:

  {"articles": N, "passages": N, "postings": N, "bytes": N,
   "unread_dates": {"count": N, "first": [{"id": "...", "date": "..."}, ...]},
   "params": {...}, "s_curve": [[s, p], ...]}

unread_dates counts the articles indexed with a date neardup could not read (neardup help dates), which
are taken for undated, with the first five (an index of format 7 or later; 0 before).

params are the parameters the index was built with (shingles, k, seed, bands and rows, threshold);
s_curve is the probability that two articles of Jaccard similarity s become candidates; bytes is the
space the index folder occupies on disk (allocated blocks: Badger preallocates its logs sparsely).
With --boilerplate N (an index created with --passages) it adds
"boilerplate": the N passages found in the most articles (10 at least), each with the number of
articles holding it and one occurrence (id, byte span, and its text when the index keeps texts).`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &statsOpts{}
			dbFlag(fs, e, &o.db)
			fs.IntVar(&o.boilerplate, "boilerplate", 0, "list the N most widespread boilerplate passages")
			o.remote.register(fs)
			return o
		},
		exits: readExits,
		run: func(ctx context.Context, e *env, opts any, args []string) int {
			o := opts.(*statsOpts)
			if o.boilerplate < 0 {
				return usageError(e, "stats", "--boilerplate must be >= 0")
			}
			if len(args) > 0 {
				return usageError(e, "stats", "unexpected arguments %q", args)
			}
			if o.remote.on() { // the server's /v1/stats: the counts kept with every commit, and the parameters
				if err := o.remote.get(ctx, "/v1/stats", nil, e.stdout); err != nil {
					e.errorf("%s", err)
					return exitError
				}
				return exitOK
			}
			ix, err := openForRead(o.db)
			if err != nil {
				return fail(e, err, o.db)
			}
			defer ix.Close()
			st, err := ix.Stats()
			if err != nil {
				return fail(e, err, o.db)
			}
			curve := ix.LSH().Curve(20)
			for i := range curve {
				curve[i][1] = float64(int64(curve[i][1]*10000+0.5)) / 10000
			}
			var bp []neardup.Boilerplate
			if o.boilerplate > 0 {
				if ix.Params().PassageK == 0 {
					e.errorf("--boilerplate needs passages, and %s was built without them: build a new index with --db NEW --passages", o.db)
					return exitError
				}
				if bp, err = ix.TopBoilerplate(ctx, 0, o.boilerplate); err != nil {
					return fail(e, err, o.db)
				}
			}
			undated, first, err := ix.Undated(5)
			if err != nil {
				return fail(e, err, o.db)
			}
			type dated struct {
				ID   string `json:"id"`
				Date string `json:"date"`
			}
			ud := struct {
				Count int     `json:"count"`
				First []dated `json:"first"`
			}{Count: undated, First: []dated{}}
			for _, a := range first {
				ud.First = append(ud.First, dated{a.ID, a.Date})
			}
			if err := writeJSON(e.stdout, struct {
				neardup.Stats
				Undated     any                   `json:"unread_dates"`
				Params      neardup.Params        `json:"params"`
				Curve       [][2]float64          `json:"s_curve"`
				Boilerplate []neardup.Boilerplate `json:"boilerplate,omitempty"`
			}{st, ud, ix.Params(), curve, bp}); err != nil {
				e.errorf("write: %v", err)
				return exitError
			}
			return exitOK
		},
	})
}

func readOnly() neardup.StoreOptions { return neardup.StoreOptions{ReadOnly: true} }

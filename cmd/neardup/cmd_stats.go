package main

import (
	"context"

	"github.com/neardup/neardup/store"
	"github.com/spf13/pflag"
)

type statsOpts struct{ db string }

func init() {
	commands = append(commands, &command{
		name:  "stats",
		usage: "[--db DIR]",
		short: "print counts and parameters of the index",
		long: `Prints one JSON object describing the index:

  {"articles": N, "passages": N, "postings": N, "bytes": N, "params": {...}, "s_curve": [[s, p], ...]}

params are the parameters the index was built with (shingles, k, seed, bands and rows, threshold);
s_curve is the probability that two articles of Jaccard similarity s become candidates; bytes is the
index folder's size on disk.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &statsOpts{}
			dbFlag(fs, e, &o.db)
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) int {
			o := opts.(*statsOpts)
			if len(args) > 0 {
				return usageError(e, "stats", "unexpected arguments %q", args)
			}
			ix, err := openIndex(o.db, nil, readOnly())
			if err != nil {
				e.errorf("%v", err)
				return exitError
			}
			defer ix.Close()
			st, err := ix.Store().Stats()
			if err != nil {
				e.errorf("%v", err)
				return exitError
			}
			curve := ix.LSH().Curve(20)
			for i := range curve {
				curve[i][1] = float64(int64(curve[i][1]*10000+0.5)) / 10000
			}
			if err := writeJSON(e.stdout, struct {
				store.Stats
				Params store.Params `json:"params"`
				Curve  [][2]float64 `json:"s_curve"`
			}{st, ix.Params(), curve}); err != nil {
				e.errorf("write: %v", err)
				return exitError
			}
			return exitOK
		},
	})
}

func readOnly() store.Options { return store.Options{ReadOnly: true} }

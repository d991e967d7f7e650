package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/shingle"
)

type rebuildOpts struct {
	db, out string
	build   buildFlags
}

func init() {
	commands = append(commands, &command{
		name:  "rebuild",
		usage: "[--db OLD] --out NEW [--shingle-size N] [--index-threshold J] [--k K] [--passages] ...",
		short: "build a new index from the texts an index keeps, with other parameters",
		long: `Builds the index NEW from the articles and stored texts of OLD (--db), with OLD's parameters except
those given: a new shingle size, threshold, k, seed, passages or not. OLD is opened read-only and left as
it is. Progress goes to stderr when it is a terminal, and a summary line always does. Interrupted
(Ctrl-C), it keeps what it committed, and the same command resumes: articles already in NEW are
counted unchanged. NEW must not be an index of other parameters. OLD must keep its texts (an index
created without --no-text).

NEW is written in this build's index format (neardup --version names it), so a rebuild also moves an
older index to it: records holding 5 bytes of each band key (format 6), packed shingle sets (format 5),
texts compressed in blocks (format 4) and containment anchors (format 3). An older index needs no
rebuild to be used: this build reads and writes it in its own format.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &rebuildOpts{}
			dbFlag(fs, e, &o.db)
			fs.StringVar(&o.out, "out", "", "the new index folder (required)")
			o.build.registerIndex(fs)
			fs.IntVar(&o.build.workers, "workers", 0, "hashing goroutines (0: one per core)")
			return o
		},
		run: runRebuild,
	})
}

func runRebuild(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*rebuildOpts)
	if len(args) > 0 {
		return usageError(e, "rebuild", "unexpected arguments %q", args)
	}
	if o.out == "" {
		return usageError(e, "rebuild", "--out NEW is required")
	}
	if o.out == o.db {
		return usageError(e, "rebuild", "--out must be another folder than --db")
	}
	if _, err := o.build.config(); err != nil {
		return usageError(e, "rebuild", "%v", err)
	}
	old, err := openForRead(o.db)
	if err != nil {
		return fail(e, err, o.db)
	}
	defer old.Close()
	if !old.Params().Text {
		e.errorf("%s keeps no texts (built with --no-text, or before texts were kept): rebuild needs them; index the source files again with --db %s", o.db, o.out)
		return exitError
	}
	cfg := neardup.ConfigOf(old.Params())
	for _, n := range o.build.changedParams() {
		switch n {
		case "--k":
			cfg.K = o.build.k
		case "--shingle-size":
			cfg.Shingle.Size = o.build.size
		case "--shingle-unit":
			cfg.Shingle.Unit, _ = shingle.ParseUnit(o.build.unit)
		case "--seed":
			cfg.Seed = o.build.seed
		case "--index-threshold":
			cfg.Threshold = o.build.threshold
		case "--passages":
			cfg.Passages = o.build.passages
		case "--no-text":
			cfg.NoText = o.build.noText
		case "--no-containment":
			cfg.NoAnchors, cfg.AnchorWindow = o.build.noAnchors, 0
		}
	}
	nw, err := neardup.Open(o.out, &neardup.Options{Config: &cfg, Store: storeOptions(&o.build)})
	if err != nil {
		return fail(e, err, o.out)
	}
	total, err := old.Counts()
	if err != nil {
		nw.Close()
		return fail(e, err, o.db)
	}
	start := time.Now()
	docs := make(chan *neardup.Doc, 1024)
	readCtx, cancelRead := context.WithCancel(ctx)
	readErr := make(chan error, 1)
	var read atomic.Int64
	go func() {
		defer close(docs)
		readErr <- old.Docs(readCtx, func(d *neardup.Doc) error {
			select {
			case docs <- d:
				read.Add(1)
				return nil
			case <-readCtx.Done():
				return readCtx.Err()
			}
		})
	}()
	prog := newCountProgress(e.stderr, total.Articles, &read)
	st, err := nw.Add(ctx, docs, &neardup.AddOptions{Workers: o.build.workers, Progress: prog.update, Reject: func(r neardup.Rejection) {
		fmt.Fprintf(e.stderr, "%s: %v\n", neardup.ShortID(r.ID), r.Err)
	}})
	cancelRead()
	prog.done()
	if rerr := <-readErr; err == nil && rerr != nil && !errors.Is(rerr, context.Canceled) {
		err = rerr
	}
	if cerr := nw.Close(); err == nil && cerr != nil {
		err = cerr
	}
	fmt.Fprintf(e.stderr, "neardup: %s: %d added, %d replaced, %d unchanged, %d rejected (%.2f s)\n",
		o.out, st.Added, st.Replaced, st.Unchanged, st.Rejected, time.Since(start).Seconds())
	switch {
	case errors.Is(err, context.Canceled):
		e.errorf("interrupted; committed articles are kept, rerun the same command to resume")
		return exitInterrupted
	case err != nil:
		return fail(e, err, o.out)
	case st.Rejected > 0:
		return exitRejected
	}
	return exitOK
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/warc"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
	"github.com/spf13/pflag"
)

// buildFlags are the index parameters, used only when an index is created.
type buildFlags struct {
	fs         *pflag.FlagSet
	k          int
	size       int
	unit       string
	seed       uint64
	threshold  float64
	passages   bool
	retention  time.Duration
	workers    int
	format     string
	idFrom     string
	syncWrites bool
}

func (b *buildFlags) register(fs *pflag.FlagSet) {
	b.fs = fs
	fs.StringVar(&b.format, "format", "jsonl", "input format: jsonl (one JSON article per line, .gz read transparently), text (each file one article, its id the path), html (saved HTML pages, or folders of them: main text extracted, id the path) or warc (HTML responses of .warc/.warc.gz files; files so named are read as warc whatever this says)")
	fs.StringVar(&b.idFrom, "id", "url", "warc article ids: url (the normalised target URI) or record (the WARC-Record-ID)")
	fs.IntVar(&b.workers, "workers", 0, "hashing goroutines (0: one per core)")
	fs.Float64Var(&b.threshold, "index-threshold", neardup.DefaultThreshold, "Jaccard similarity the LSH bands are tuned for, when the index is created; queries may use any threshold at or above it")
	fs.IntVar(&b.k, "k", 128, "signature length, when the index is created (16 to 1024)")
	fs.IntVar(&b.size, "shingle-size", shingle.DefaultSize, "units per shingle, when the index is created")
	fs.StringVar(&b.unit, "shingle-unit", "words", "shingle unit, when the index is created: words or chars")
	fs.Uint64Var(&b.seed, "seed", neardup.DefaultSeed, "signature seed, when the index is created")
	fs.BoolVar(&b.passages, "passages", false, "also index passages (for neardup passages), when the index is created")
	fs.DurationVar(&b.retention, "retention", 0, "expire articles this long after their date (e.g. 720h); 0 keeps them")
	fs.BoolVar(&b.syncWrites, "sync", false, "fsync every commit (survives power loss, slower)")
}

// config returns the Config to create an index with, or nil to use an existing index's own parameters.
func (b *buildFlags) config(db string) (*neardup.Config, error) {
	changed := false
	for _, n := range []string{"index-threshold", "k", "shingle-size", "shingle-unit", "seed", "passages"} {
		changed = changed || b.fs.Changed(n)
	}
	if _, err := os.Stat(filepath.Join(db, "MANIFEST")); err == nil && !changed {
		return nil, nil
	}
	unit, err := shingle.ParseUnit(b.unit)
	if err != nil {
		return nil, err
	}
	return &neardup.Config{Shingle: shingle.Options{Unit: unit, Size: b.size}, K: b.k, Seed: b.seed, Threshold: b.threshold, Passages: b.passages}, nil
}

func openIndex(db string, cfg *neardup.Config, so store.Options) (*neardup.Index, error) {
	ix, err := neardup.Open(db, &neardup.Options{Config: cfg, Store: so})
	if err != nil && so.ReadOnly && strings.Contains(err.Error(), "truncate required") {
		// A writer was killed: its write-ahead log must be replayed, which a read-only open cannot do. Open it
		// for writing once (this recovers every committed article), then read.
		so.ReadOnly = false
		ix, err = neardup.Open(db, &neardup.Options{Config: cfg, Store: so})
	}
	if errors.Is(err, store.ErrNoParams) {
		return nil, fmt.Errorf("no index in %s (run neardup index first, or pass --db)", db)
	}
	return ix, err
}

// ingest indexes files into ix and reports on stderr. It returns the exit status.
func ingest(ctx context.Context, e *env, ix *neardup.Index, b *buildFlags, files []string) (neardup.AddStats, int) {
	if b.format != "jsonl" && b.format != "text" && b.format != "warc" && b.format != "html" {
		e.errorf("unknown --format %q (want jsonl, text, warc or html)", b.format)
		return neardup.AddStats{}, exitError
	}
	if b.idFrom != "url" && b.idFrom != "record" {
		e.errorf("unknown --id %q (want url or record)", b.idFrom)
		return neardup.AddStats{}, exitError
	}
	var ws warcTotals
	var total int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			total += fi.Size()
		}
	}
	var read atomic.Int64
	var rejected atomic.Int64
	docs := make(chan *neardup.Doc, 1024)
	readCtx, cancelRead := context.WithCancel(ctx)
	defer cancelRead()
	fatal := make(chan error, 1)
	go func() {
		defer close(docs)
		send := func(d *neardup.Doc) error {
			select {
			case docs <- d:
				return nil
			case <-readCtx.Done():
				return readCtx.Err()
			}
		}
		if b.format == "html" {
			files = htmlFiles(e, files, func() { rejected.Add(1) })
		}
		for _, name := range files {
			if b.format == "html" {
				if d := readHTML(e, name, &read); d == nil {
					rejected.Add(1)
				} else if send(d) != nil {
					return
				}
				continue
			}
			if b.format == "warc" || strings.HasSuffix(name, ".warc") || strings.HasSuffix(name, ".warc.gz") {
				if err := ws.read(e, ix, name, warc.IDFrom(b.idFrom), &read, send); err != nil {
					return
				}
				continue
			}
			rc, _, err := neardup.OpenInput(name, e.stdin, &read)
			if err != nil {
				e.errorf("%v", err)
				rejected.Add(1)
				continue
			}
			var r io.Reader = rc
			if b.format == "text" {
				data, err := io.ReadAll(r)
				rc.Close()
				if err != nil {
					e.errorf("%s: %v", name, err)
					rejected.Add(1)
					continue
				}
				if send(&neardup.Doc{ID: name, Text: string(data)}) != nil {
					return
				}
				continue
			}
			err = neardup.ReadJSONL(r, name, send, func(ie *neardup.InputError) {
				fmt.Fprintln(e.stderr, ie.Error())
				rejected.Add(1)
			})
			rc.Close()
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					select {
					case fatal <- err:
					default:
					}
				}
				return
			}
		}
	}()
	start := time.Now()
	prog := newProgress(e.stderr, total, &read)
	st, err := ix.Add(ctx, docs, &neardup.AddOptions{Workers: b.workers, Progress: prog.update, Reject: func(r neardup.Rejection) {
		fmt.Fprintf(e.stderr, "%s: %v\n", neardup.ShortID(r.ID), r.Err)
	}})
	cancelRead()
	prog.done()
	st.Rejected += int(rejected.Load()) + ws.errors
	ws.report(e)
	secs := time.Since(start).Seconds()
	fmt.Fprintf(e.stderr, "neardup: %d added, %d replaced, %d unchanged, %d rejected (%.1f MB in %.2f s)\n",
		st.Added, st.Replaced, st.Unchanged, st.Rejected, float64(st.Bytes)/1e6, secs)
	select {
	case ferr := <-fatal:
		e.errorf("%v", ferr)
		return st, exitError
	default:
	}
	switch {
	case errors.Is(err, context.Canceled):
		e.errorf("interrupted; committed articles are kept, rerun to resume")
		return st, exitInterrupted
	case err != nil:
		e.errorf("%v", err)
		return st, exitError
	case st.Rejected > 0:
		return st, exitRejected
	}
	return st, exitOK
}

func storeOptions(b *buildFlags) store.Options {
	return store.Options{Retention: b.retention, SyncWrites: b.syncWrites}
}

// Package neardup finds near-duplicate news articles: it ties package shingle (text to shingle hashes),
// package minhash (signatures and LSH band keys) and package store (the persistent index in Badger) into the
// operations users run: index articles, query the duplicates of one article, and cluster a whole index.
package neardup

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"

	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/dates"

	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
)

// Doc is one input article (input.Doc: the readers of package input make them).
type Doc = input.Doc

// Provenance says where a crawled article was read from: the saved page or the WARC record.
type Provenance = input.Provenance

// The sources a crawled article is read from.
const (
	ProvenanceHTML = input.ProvenanceHTML
	ProvenanceWARC = input.ProvenanceWARC
)

// ErrCopyGone rejects an exact copy given without its text (see Doc.ContentKey) whose indexed source is gone.
var ErrCopyGone = errors.New("neardup: exact copy of a payload no longer indexed, given without its text")

// Options configure Open.
type Options struct {
	// Config is used when the index is created (nil or zero fields: the defaults). For an existing index the
	// stored parameters are used: a field given (non-zero) must equal the stored one, or Open fails with
	// store.ErrParams naming both; nil or zero fields take the stored values.
	Config *Config
	// Store passes options to the store (retention, memory, read-only). Its Params are set from Config.
	Store store.Options
	// Bulk builds a new index (dir holds none) in one pass instead of article by article (store.Bulk): Add
	// spills sorted runs beside dir and Settle (or Close) writes the index's tables directly and makes it
	// visible, several times faster than incremental indexing for a large input. Until then only Add, Params,
	// Settle and Close may be called; an Add that is cancelled or fails discards the whole build (nothing is
	// indexed), and so does a killed process. It needs free space for about twice the index. For an existing
	// index Bulk is ignored.
	Bulk bool
}

// Index is an open neardup index.
type Index struct {
	st   *store.Store
	p    store.Params
	unit shingle.Unit
	lsh  minhash.Params
	plsh minhash.Params
	// workers keeps hashing state between one-off queries: a worker's tokenizer caches and round keys are worth
	// reusing rather than building per request.
	workers sync.Pool
	// bulk is the build of a new index opened with Options.Bulk, until Settle; st is nil meanwhile. discard says
	// the build failed or was cancelled.
	bulk    *store.Bulk
	dir     string
	sopts   store.Options
	discard bool
}

// Open opens or creates the index in dir.
func Open(dir string, o *Options) (*Index, error) {
	if o == nil {
		o = &Options{}
	}
	so := o.Store
	exists, err := store.Exists(dir)
	if err != nil {
		return nil, err
	}
	if o.Config != nil && !exists {
		p, err := o.Config.params()
		if err != nil {
			return nil, err
		}
		so.Params = p
	}
	if o.Bulk && !exists && !so.ReadOnly && so.Params != (store.Params{}) {
		b, err := store.CreateBulk(dir, &so)
		if err != nil {
			return nil, err
		}
		ix := &Index{bulk: b, p: b.Params(), dir: dir, sopts: so}
		if err := ix.init(); err != nil {
			b.Discard()
			return nil, err
		}
		return ix, nil
	}
	st, err := store.Open(dir, &so)
	if err != nil {
		return nil, err
	}
	if o.Config != nil && exists {
		if err := o.Config.matches(dir, st.Params()); err != nil {
			st.Close()
			return nil, err
		}
	}
	ix := &Index{st: st, p: st.Params()}
	if err := ix.init(); err != nil {
		st.Close()
		return nil, err
	}
	return ix, nil
}

// init sets up the hashing parameters from ix.p.
func (ix *Index) init() error {
	var err error
	if ix.unit, err = shingle.ParseUnit(ix.p.ShingleUnit); err != nil {
		return err
	}
	ix.lsh = minhash.Params{Bands: ix.p.Bands, Rows: ix.p.Rows}
	ix.plsh = minhash.Params{Bands: ix.p.PassageBands, Rows: ix.p.PassageRows}
	w, err := ix.newWorker()
	if err != nil {
		return err
	}
	ix.workers.Put(w)
	return nil
}

// Building reports whether the index is a bulk build not yet settled (Options.Bulk).
func (ix *Index) Building() bool { return ix.bulk != nil }

// Dir returns the index's folder.
func (ix *Index) Dir() string {
	if ix.st != nil {
		return ix.st.Dir()
	}
	return ix.dir
}

// ErrBulkDiscarded is returned by Settle when the bulk build was cancelled or failed: nothing was indexed.
var ErrBulkDiscarded = errors.New("neardup: the bulk build was discarded: nothing was indexed")

// Settle finishes a bulk build (Options.Bulk): it writes the index, makes it visible and opens it, after which
// every method may be called. It does nothing for an index opened otherwise.
func (ix *Index) Settle() error { return ix.SettleContext(context.Background()) }

// SettleContext is Settle, stopped by ctx's cancellation while it writes the index: the build is then
// discarded, nothing is indexed, and ctx's error is returned.
func (ix *Index) SettleContext(ctx context.Context) error {
	if ix.bulk == nil {
		return nil
	}
	b := ix.bulk
	ix.bulk = nil
	if ix.discard {
		b.Discard()
		return ErrBulkDiscarded
	}
	if _, err := b.CommitContext(ctx); err != nil {
		return err
	}
	st, err := store.Open(ix.dir, &ix.sopts)
	if err != nil {
		return err
	}
	ix.st = st
	return nil
}

// Close closes the index; a bulk build not yet settled is settled first (or discarded, when it failed).
func (ix *Index) Close() error {
	if ix.bulk != nil {
		if err := ix.Settle(); err != nil {
			if errors.Is(err, ErrBulkDiscarded) {
				return nil
			}
			return err
		}
	}
	if ix.st == nil {
		return nil
	}
	return ix.st.Close()
}

// Store returns the underlying store.
func (ix *Index) Store() *store.Store { return ix.st }

// Params returns the index's parameters.
func (ix *Index) Params() store.Params { return ix.p }

// LSH returns the article banding parameters.
func (ix *Index) LSH() minhash.Params { return ix.lsh }

// ErrThreshold is returned for a query threshold outside (0, 1].
var ErrThreshold = errors.New("neardup: threshold must be in (0, 1]")

// parseDate parses an article date (internal/dates, ParseDate); 0 when it cannot.
func parseDate(s string) int64 { return dates.Parse(s) }

// Version is the module's version when built from a tagged module, else "devel-" and the commit of the checkout it
// was built from ("+dirty" with uncommitted changes), else "devel"; the index format it writes is
// store.FormatVersion.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	// A build from a checkout: the commit it was built from (go build stamps it unless -buildvcs=false).
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		return "devel-" + rev[:min(12, len(rev))] + dirty
	}
	return "devel"
}

// ParseDate parses an article date the way the keep rule reads it (seconds since 1970, 0 when not understood).
func ParseDate(s string) int64 { return parseDate(s) }

// Package neardup finds near-duplicate news articles: it ties package shingle (text to shingle hashes),
// package minhash (signatures and LSH band keys) and package store (the persistent index in Badger) into the
// operations users run: index articles, query the duplicates of one article, and cluster a whole index.
package neardup

import (
	"context"
	"errors"
	"fmt"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/dates"
	"runtime/debug"
	"strings"
	"sync"

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

// Config are the parameters an index is built with. They are stored in the index and cannot change afterwards.
type Config struct {
	// Shingle configures shingling (default word 5-shingles).
	Shingle shingle.Options
	// K is the signature length (default 128).
	K int
	// Seed seeds the signatures (default 1).
	Seed uint64
	// Threshold is the Jaccard similarity the LSH bands are tuned for (default 0.8). Queries may ask for any
	// threshold at or above it without rebuilding; lower ones lose recall.
	Threshold float64
	// Passages indexes each article's passages too, for `neardup passages` (default off: it triples the index).
	Passages bool
	// NoText leaves the articles' texts out of the index (default: kept, zstd-compressed; see text.go).
	NoText bool
	// AnchorWindow is the winnowing window of the containment anchors, for containment queries and text
	// alignment (default DefaultAnchorWindow, or PassageAnchorWindow with Passages; see anchors.go). NoAnchors
	// leaves them out.
	AnchorWindow int
	NoAnchors    bool
}

// Defaults.
const (
	DefaultThreshold        = 0.8
	DefaultSeed             = 1
	passageK                = 16
	passageBands            = 2
	passageRows             = 1
	passageMinTokens        = 8
	passageWindow           = 64
	defaultShingleUnitWords = "words"
)

func (c Config) withDefaults() Config {
	if c.Shingle.Size == 0 {
		c.Shingle.Size = shingle.DefaultSize
	}
	if c.K == 0 {
		c.K = minhash.DefaultK
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.AnchorWindow == 0 {
		c.AnchorWindow = DefaultAnchorWindow
		if c.Passages {
			c.AnchorWindow = PassageAnchorWindow
		}
	}
	return c
}

// ConfigOf returns the Config that builds an index of the parameters p: the inverse of the conversion a new
// index records, kept beside it so that a parameter is added in one place. An index from before format 3 has no
// anchors by age, not by choice: its Config asks for them (its rebuild gets them).
func ConfigOf(p Params) Config {
	unit, _ := shingle.ParseUnit(p.ShingleUnit)
	return Config{Shingle: shingle.Options{Unit: unit, Size: p.ShingleSize}, K: p.K, Seed: p.Seed,
		Threshold: p.Threshold, Passages: p.PassageK > 0, NoText: !p.Text, AnchorWindow: p.Anchors,
		NoAnchors: p.Format >= 3 && p.Anchors == 0}
}

// params converts a Config into the store's record of it.
func (c Config) params() (store.Params, error) {
	c = c.withDefaults()
	if err := c.Shingle.Validate(); err != nil {
		return store.Params{}, err
	}
	if c.K < minhash.MinK || c.K > minhash.MaxK {
		return store.Params{}, fmt.Errorf("neardup: k %d not in [%d, %d]", c.K, minhash.MinK, minhash.MaxK)
	}
	lsh, err := minhash.Optimal(c.Threshold, c.K, minhash.DefaultWeights)
	if err != nil {
		return store.Params{}, err
	}
	p := store.Params{
		Format:      store.FormatVersion,
		ShingleUnit: c.Shingle.Unit.String(),
		ShingleSize: c.Shingle.Size,
		Algorithm:   minhash.FastSimilaritySketch.String(),
		K:           c.K,
		Seed:        c.Seed,
		Threshold:   c.Threshold,
		Bands:       lsh.Bands,
		Rows:        lsh.Rows,
		Text:        !c.NoText,
	}
	if c.AnchorWindow < 0 {
		return store.Params{}, fmt.Errorf("neardup: anchor window %d is negative", c.AnchorWindow)
	}
	if !c.NoAnchors {
		p.Anchors = c.AnchorWindow
	}
	if c.Passages {
		// Passages are banded 2 × 1 (the first two slots of a k = 16 signature: two min-hash anchors): a pair of
		// passages becomes a candidate with probability 1 − (1 − J)², 0.99 at J = 0.9, 0.96 at 0.8, 0.75 at 0.5.
		// Two postings a passage keep passage indexing near twice the cost of article indexing, where wider
		// bands would multiply the postings; the loose candidates cost only verification, at query time.
		p.PassageK, p.PassageBands, p.PassageRows = passageK, passageBands, passageRows
		p.PassageMin, p.PassageWindow = passageMinTokens, passageWindow
	}
	return p, nil
}

// matches checks the fields of c that are given (non-zero) against an index's stored parameters.
func (c Config) matches(dir string, p store.Params) error {
	var diff []string
	if c.Shingle.Size != 0 && c.Shingle.Size != p.ShingleSize {
		diff = append(diff, fmt.Sprintf("shingle size %d, asked for %d", p.ShingleSize, c.Shingle.Size))
	}
	if c.Shingle.Unit != 0 && c.Shingle.Unit.String() != p.ShingleUnit {
		diff = append(diff, fmt.Sprintf("shingle unit %s, asked for %s", p.ShingleUnit, c.Shingle.Unit))
	}
	if c.K != 0 && c.K != p.K {
		diff = append(diff, fmt.Sprintf("k %d, asked for %d", p.K, c.K))
	}
	if c.Seed != 0 && c.Seed != p.Seed {
		diff = append(diff, fmt.Sprintf("seed %d, asked for %d", p.Seed, c.Seed))
	}
	if c.Threshold != 0 && c.Threshold != p.Threshold {
		diff = append(diff, fmt.Sprintf("threshold %g, asked for %g", p.Threshold, c.Threshold))
	}
	if c.Passages && p.PassageK == 0 {
		diff = append(diff, "no passages, asked for passages")
	}
	if c.NoText && p.Text {
		diff = append(diff, "texts, asked for none")
	}
	if c.NoAnchors && p.Anchors > 0 {
		diff = append(diff, "containment anchors, asked for none")
	}
	if c.AnchorWindow != 0 && !c.NoAnchors && c.AnchorWindow != p.Anchors {
		diff = append(diff, fmt.Sprintf("anchor window %d, asked for %d", p.Anchors, c.AnchorWindow))
	}
	if len(diff) > 0 {
		return fmt.Errorf("%w: %s was built with %s", store.ErrParams, dir, strings.Join(diff, ", "))
	}
	return nil
}

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

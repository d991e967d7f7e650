package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/crawl"
	"github.com/neardup/neardup/internal/warc"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/shingle"
)

// buildFlags are the index parameters, used only when an index is created, and the input flags.
type buildFlags struct {
	fs         *pflag.FlagSet
	k          int
	size       int
	unit       string
	seed       uint64
	threshold  float64
	passages   bool
	noText     bool
	noAnchors  bool
	anchorWin  int
	noBulk     bool
	retention  time.Duration
	workers    int
	format     string
	fields     input.Fields
	idFrom     string
	syncWrites bool
	// keepFurniture leaves site furniture in the text of HTML and WARC pages.
	keepFurniture bool
	// json prints the run's summary as one JSON object, the last line on stderr, instead of the summary lines.
	json bool
}

// register adds the index-creation and input flags.
func (b *buildFlags) register(fs *pflag.FlagSet) {
	b.registerInput(fs)
	b.registerIndex(fs)
}

// registerInput adds the flags that say how input files are read.
func (b *buildFlags) registerInput(fs *pflag.FlagSet) {
	fs.StringVar(&b.format, "format", "jsonl", formatHelp())
	fs.StringVar(&b.fields.ID, "id-field", "id", "jsonl and parquet: the field (key or column) holding an article's id")
	fs.StringVar(&b.fields.Text, "text-field", "text", "jsonl and parquet: the field holding its text")
	fs.StringVar(&b.fields.Title, "title-field", "title", "jsonl and parquet: the field holding its title")
	fs.StringVar(&b.fields.URL, "url-field", "url", "jsonl and parquet: the field holding its URL")
	fs.StringVar(&b.fields.Date, "date-field", "date", "jsonl and parquet: the field holding its date (a Parquet timestamp or date column is read as such)")
	fs.StringVar(&b.idFrom, "id", "url", "warc article ids: url (the normalised target URI) or record (the WARC-Record-ID)")
	fs.IntVar(&b.workers, "workers", 0, "hashing goroutines (0: one per core)")
	fs.BoolVar(&b.keepFurniture, "keep-furniture", false, "html and warc input: index the extracted text as it is, site furniture included (see neardup help furniture)")
}

// registerStore adds the flags of a command that writes to an existing index: retention, sync and --json.
func (b *buildFlags) registerStore(fs *pflag.FlagSet) {
	b.fs = fs
	fs.BoolVar(&b.json, "json", false, "print the run's summary as one JSON object, the last line on stderr, instead of the summary lines")
	fs.DurationVar(&b.retention, "retention", 0, "expire articles this long after their date (e.g. 720h); 0 keeps them")
	fs.BoolVar(&b.syncWrites, "sync", false, "fsync every commit: an acknowledged article survives a power loss too (slower); without it, it survives a killed process")
}

// registerIndex adds the flags that apply to the index: its parameters when it is created, retention and sync.
func (b *buildFlags) registerIndex(fs *pflag.FlagSet) {
	b.registerStore(fs)
	fs.Float64Var(&b.threshold, "index-threshold", neardup.DefaultThreshold, "Jaccard similarity the LSH bands are tuned for, when the index is created (in (0, 1)); queries may use any threshold at or above it")
	fs.IntVar(&b.k, "k", 128, "signature length, when the index is created (16 to 1024)")
	fs.IntVar(&b.size, "shingle-size", shingle.DefaultSize, "units per shingle, when the index is created (1 to 32)")
	fs.StringVar(&b.unit, "shingle-unit", "words", "shingle unit, when the index is created: words or chars")
	fs.Uint64Var(&b.seed, "seed", neardup.DefaultSeed, "signature seed, when the index is created (not 0)")
	fs.BoolVar(&b.passages, "passages", false, "also index passages (for neardup passages), when the index is created")
	fs.BoolVar(&b.noText, "no-text", false, "keep no article texts (neardup show, word-tight passages by ID need them), when the index is created")
	fs.BoolVar(&b.noBulk, "no-bulk", false, "build a new index article by article, keeping what is committed if stopped, instead of in one pass (a new index from files is built in one pass: faster, but all or nothing)")
	fs.IntVar(&b.anchorWin, "anchor-window", 0, "winnowing window of the containment anchors, when the index is created (0: 40, or 8 with --passages, which finds copied passages of 12 words surely; smaller finds shorter copies, with more postings)")
	fs.BoolVar(&b.noAnchors, "no-containment", false, "post no containment anchors (query --containment needs them; they add about a third to the index), when the index is created")
}

// paramFlags are the flags that set index parameters.
var paramFlags = []string{"index-threshold", "k", "shingle-size", "shingle-unit", "seed", "passages", "no-text", "no-containment", "anchor-window"}

// config validates the parameter flags and returns the Config to open the index with: for an existing index,
// only the flags given, which must match its stored parameters (the index's own are used for the rest).
func (b *buildFlags) config() (*neardup.Config, error) {
	unit, err := shingle.ParseUnit(b.unit)
	if err != nil {
		return nil, fmt.Errorf("--shingle-unit %q: want words or chars", b.unit)
	}
	switch {
	case b.k < minhash.MinK || b.k > minhash.MaxK:
		return nil, fmt.Errorf("--k %d: want %d to %d", b.k, minhash.MinK, minhash.MaxK)
	case b.size < 1 || b.size > 32:
		return nil, fmt.Errorf("--shingle-size %d: want 1 to 32", b.size)
	case !(b.threshold > 0 && b.threshold < 1):
		return nil, fmt.Errorf("--index-threshold %v: want a number in (0, 1)", b.threshold)
	case b.seed == 0:
		return nil, fmt.Errorf("--seed 0: want a non-zero seed")
	case b.retention < 0:
		return nil, fmt.Errorf("--retention %v: want 0 (keep) or a positive duration", b.retention)
	case b.anchorWin < 0 || b.anchorWin > 1000:
		return nil, fmt.Errorf("--anchor-window %d: want 1 to 1000 (0: the default)", b.anchorWin)
	}
	return &neardup.Config{Shingle: shingle.Options{Unit: unit, Size: b.size}, K: b.k, Seed: b.seed, Threshold: b.threshold, Passages: b.passages, NoText: b.noText, NoAnchors: b.noAnchors, AnchorWindow: b.anchorWin}, nil
}

// changedParams lists the parameter flags given on the command line.
func (b *buildFlags) changedParams() []string {
	var out []string
	for _, n := range paramFlags {
		if b.fs.Changed(n) {
			out = append(out, "--"+n)
		}
	}
	return out
}

// openForWrite opens or creates the index in db for a command that writes. For an existing index the parameter
// flags given must match its own; any that do not is refused in one sentence saying what to do.
// openForWrite opens the index in db for writing, or creates it; a new index is built in one pass (a bulk
// build, settled by ingest) when bulk is set and --no-bulk is not.
func openForWrite(e *env, db string, b *buildFlags, bulk bool) (*neardup.Index, int) {
	cfg, err := b.config()
	if err != nil {
		return nil, usageError(e, b.fs.Name(), "%v", err)
	}
	exists, err := neardup.Exists(db)
	if err != nil {
		return nil, fail(e, err, db)
	}
	if exists {
		ix, err := neardup.Open(db, &neardup.Options{Store: storeOptions(b)})
		if err != nil {
			return nil, fail(e, err, db)
		}
		if err := paramsMatch(ix.Params(), b, cfg); err != nil {
			ix.Close()
			e.errorf("%s %v", db, err)
			return nil, exitError
		}
		return ix, exitOK
	}
	ix, err := neardup.Open(db, &neardup.Options{Config: cfg, Store: storeOptions(b), Bulk: bulk && !b.noBulk})
	if err != nil {
		return nil, fail(e, err, db)
	}
	return ix, exitOK
}

// bulkInputs reports whether the inputs allow a bulk build of a new index: files, not stdin (a stream is indexed
// as it arrives).
func bulkInputs(files []string) bool { return !slices.Contains(files, "-") }

// paramOf names the index parameter each parameter flag sets (Config.Mismatches). --no-containment is left out:
// on an existing index it asks for nothing.
var paramOf = map[string]string{"index-threshold": neardup.ParamThreshold, "k": neardup.ParamK, "shingle-size": neardup.ParamShingleSize,
	"shingle-unit": neardup.ParamShingleUnit, "seed": neardup.ParamSeed, "passages": neardup.ParamPassages, "no-text": neardup.ParamText,
	"anchor-window": neardup.ParamAnchorWindow}

// paramsMatch checks the parameter flags given against an existing index's parameters.
func paramsMatch(p neardup.Params, b *buildFlags, cfg *neardup.Config) error {
	given := map[string]string{} // param → its flag, for the flags given
	for _, n := range paramFlags {
		if param, ok := paramOf[n]; ok && b.fs.Changed(n) {
			given[param] = n
		}
	}
	ms := cfg.Mismatches(p, func(param string) bool { return given[param] != "" })
	// In the order of paramFlags, as --help lists them.
	slices.SortFunc(ms, func(x, y neardup.Mismatch) int {
		return cmp.Compare(slices.Index(paramFlags, given[x.Param]), slices.Index(paramFlags, given[y.Param]))
	})
	var diff []string
	for _, m := range ms {
		switch m.Param {
		case neardup.ParamPassages:
			return fmt.Errorf("was built without passages: to index passages, build a new index with --db NEW --passages")
		case neardup.ParamText:
			return fmt.Errorf("keeps the articles' texts: --no-text applies only to a new index (use --db NEW)")
		}
		diff = append(diff, "--"+given[m.Param]+" "+m.Stored)
	}
	if len(diff) > 0 {
		return fmt.Errorf("was built with %s; other parameters apply only to a new index: use --db NEW", strings.Join(diff, " "))
	}
	return nil
}

// openForRead opens an existing index read-only. After a writer was killed its write-ahead log must be replayed,
// which a read-only open cannot do: it is then opened for writing once (this recovers every committed article).
func openForRead(db string) (*neardup.Index, error) {
	ix, err := neardup.Open(db, &neardup.Options{Store: readOnly()})
	if errors.Is(err, neardup.ErrRecovery) {
		ix, err = neardup.Open(db, nil)
		if err != nil {
			err = fmt.Errorf("%w: %w", neardup.ErrRecovery, err)
		}
	}
	return ix, err
}

// checkInputs refuses, before any work, an unknown format and input files that do not exist or are folders where
// files are wanted.
func checkInputs(e *env, cmd string, b *buildFlags, files []string) int {
	format, err := input.Lookup(b.format)
	if err != nil {
		return usageError(e, cmd, "unknown --format %q (want %s)", b.format, strings.Join(input.FormatNames(), ", "))
	}
	if b.idFrom != "url" && b.idFrom != "record" {
		return usageError(e, cmd, "unknown --id %q (want url or record)", b.idFrom)
	}
	if err := format.Check(files); err != nil {
		if errors.Is(err, input.ErrStdinTwice) {
			return usageError(e, cmd, "%v", err)
		}
		e.errorf("%s", describe(err, ""))
		return exitError
	}
	return exitOK
}

// ingest indexes files into ix and reports on stderr. It returns the exit status.
// Input files are checked first (checkInputs). A file that turns out truncated or corrupt part way (a cut
// gzip stream, a broken record) is one rejection: what was read of it is indexed, the rest reported as
// FILE:LINE: reason (or FILE:OFFSET: reason), and the run goes on with the next file and exits 1.
func ingest(ctx context.Context, e *env, ix *neardup.Index, b *buildFlags, files []string) (neardup.AddStats, int) {
	// The reader of the input, the index's rejections and the progress bar all report on stderr, from their
	// own goroutines: one line at a time.
	le := *e
	le.stderr = &lineWriter{w: e.stderr}
	e = &le
	var cs input.CrawlStats
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
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(docs)
		send := func(d *neardup.Doc) error {
			select {
			case docs <- d:
				return nil
			case <-readCtx.Done():
				return readCtx.Err()
			}
		}
		readInputs(readCtx, e, b, ix.HasContent, files, &read, &rejected, &cs, send, nil)
	}()
	start := time.Now()
	bulk := ix.Building()
	prog := newProgress(e.stderr, total, &read)
	st, err := ix.Add(ctx, docs, &neardup.AddOptions{Workers: b.workers, Progress: prog.update, Reject: func(r neardup.Rejection) {
		fmt.Fprintf(e.stderr, "%s: %v\n", neardup.ShortID(r.ID), r.Err)
	}})
	cancelRead()
	// The reader's counts (ws, rejected) are final once it has returned. Cancelled, it returns at its next
	// article; one blocked in a read of stdin is not waited for, and its counts are left out.
	readerDone := true
	select {
	case <-readDone:
	case <-time.After(2 * time.Second):
		readerDone = false
	}
	prog.done()
	if ix.Building() {
		st, err = settle(ctx, e, ix, st, err)
	}
	if readerDone {
		st.Rejected += int(rejected.Load())
		reportCrawl(e, &cs)
	}
	secs := time.Since(start).Seconds()
	if !b.json {
		fmt.Fprintf(e.stderr, "neardup: %d added, %d replaced, %d unchanged, %d rejected (%.1f MB in %.2f s)\n",
			st.Added, st.Replaced, st.Unchanged, st.Rejected, float64(st.Bytes)/1e6, secs)
		reportUndated(e, st.Undated, st.UndatedFirst)
	}
	switch {
	case errors.Is(err, context.Canceled) && bulk:
		e.errorf("interrupted; nothing was indexed: a new index from files is built in one pass (rerun, or use --no-bulk to build it article by article)")
		return st, exitInterrupted
	case errors.Is(err, context.Canceled):
		e.errorf("interrupted; committed articles are kept, rerun to resume")
		return st, exitInterrupted
	case err != nil && bulk:
		e.errorf("%s", describe(err, ix.Dir()))
		e.errorf("stopped: nothing was indexed (a new index is built in one pass)")
		return st, exitError
	case err != nil:
		e.errorf("%s", describe(err, ix.Dir()))
		e.errorf("stopped early: the articles counted since the last commit were not written; rerun to add them")
		return st, exitError
	case st.Rejected > 0:
		return st, exitRejected
	}
	return st, exitOK
}

// settle finishes a bulk build after its input: it writes the index (saying so when that takes a while) and
// counts as added the articles it holds (an id given twice is one article, its last version).
func settle(ctx context.Context, e *env, ix *neardup.Index, st neardup.AddStats, err error) (neardup.AddStats, error) {
	if err != nil {
		ix.Settle() // discards: the Add failed or was cancelled
		return neardup.AddStats{Rejected: st.Rejected}, err
	}
	if st.Added > 100000 {
		fmt.Fprintf(e.stderr, "neardup: writing the index (%d articles, one pass)\n", st.Added)
	}
	if err := ix.SettleContext(ctx); err != nil { // Ctrl-C here discards the build: nothing is indexed
		return neardup.AddStats{Rejected: st.Rejected}, err
	}
	c, err := ix.Counts()
	if err != nil {
		return st, err
	}
	st.Replaced, st.Added = st.Added-int(c.Articles), int(c.Articles)
	return st, nil
}

func storeOptions(b *buildFlags) neardup.StoreOptions {
	return neardup.StoreOptions{Retention: b.retention, SyncWrites: b.syncWrites}
}

// readInputs reads the input files as articles (package input), handing each to send in input order, and
// reports unreadable input on stderr (counted in rejected; the HTML and WARC input's totals in cs). Pages of HTML
// and WARC input are held per site (crawl.Hold), cleared of their site furniture (unless --keep-furniture) and
// sent; furniture, if set, is told what each page lost. It stops when send fails (the run
// was cancelled).
func readInputs(ctx context.Context, e *env, b *buildFlags, known func(string) bool, files []string, read, rejected *atomic.Int64, cs *input.CrawlStats,
	send func(*neardup.Doc) error, furniture func(d *neardup.Doc, gone []string)) {
	format, err := input.Lookup(b.format)
	if err != nil { // checkInputs refused it
		return
	}
	o := &input.Options{Fields: b.fields, Stdin: e.stdin, Read: read, IDFrom: warc.IDFrom(b.idFrom), Known: known, Crawl: cs}
	emit := send
	var hold *crawl.Hold
	if !b.keepFurniture {
		hold = crawl.NewHold(send, furniture)
		o.Page = hold.Page
		emit = func(d *neardup.Doc) error {
			if d.Provenance == nil { // not a crawled page
				return send(d)
			}
			if err := hold.Add(d); err != nil {
				return err
			}
			return ctx.Err()
		}
	}
	err = format.Open(files, o).Read(ctx, emit, func(err error) {
		fmt.Fprintln(e.stderr, trimPrefixes(err.Error()))
		rejected.Add(1)
	})
	if err == nil && hold != nil {
		hold.Flush()
	}
}

// lineWriter serialises the writes of several goroutines to one writer (each of them writes whole lines).
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// jsonSummary writes a run's summary as one JSON line on stderr (--json).
func jsonSummary(e *env, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(e.stderr, "%s\n", b)
}

// indexSummary is the --json summary of an index run.
type indexSummary struct {
	Command string `json:"command"`
	neardup.AddStats
	Seconds float64 `json:"seconds"`
	Exit    int     `json:"exit"`
}

// reportUndated says how many articles were indexed with a date neardup could not read, and the first few: they
// are indexed, but not placed in time (dedupe --window and the keep rule take them for undated).
func reportUndated(e *env, n int, first []string) {
	if n == 0 {
		return
	}
	fmt.Fprintf(e.stderr, "neardup: %d articles with a date that could not be read, indexed as undated (first: %s); neardup help dates lists the forms read\n",
		n, strings.Join(first, "; "))
}

// formatHelp is --format's help, from the table of input formats.
func formatHelp() string {
	parts := make([]string, len(input.Formats))
	for i, f := range input.Formats {
		parts[i] = f.Name + " (" + f.Help + ")"
	}
	return "input format: " + strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

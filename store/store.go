package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cespare/xxhash/v2"
	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// FormatVersion is the version of the on-disk layout a new index is written in; an index of a version this build
// does not read is refused. Version 2 added the stored texts (t keys, Params.Text); version 3 the containment
// anchors (a keys, Params.Anchors); version 4 keeps the texts in compressed blocks (x and u keys, text.go) instead
// of a frame an article; version 5 packs the shingle sets in the records (record version 4, set.go) and keeps 5
// bytes of the band key in a b posting (Params.bandBytes); version 6 writes records of version 5, which keep those
// 5 bytes of each band key too, the content key only when there is one and the anchors packed. Older indexes are
// read and written as they are, without what came later. Version 7 writes records of version 6, which keep a
// crawled article's provenance, and an n key for every article whose date was given but not understood.
const FormatVersion = 7

// readsFormat reports whether this build reads an index of format v.
func readsFormat(v int) bool { return v >= 1 && v <= FormatVersion }

// Params are the parameters an index was built with. They are written when the index is created and checked at
// every later open: signatures and band keys made with other parameters would silently match nothing.
type Params struct {
	Format        int     `json:"format"`
	ShingleUnit   string  `json:"shingle_unit"`
	ShingleSize   int     `json:"shingle_size"`
	Algorithm     string  `json:"algorithm"`
	K             int     `json:"k"`
	Seed          uint64  `json:"seed"`
	Threshold     float64 `json:"threshold"`
	Bands         int     `json:"bands"`
	Rows          int     `json:"rows"`
	PassageK      int     `json:"passage_k"`
	PassageBands  int     `json:"passage_bands"`
	PassageRows   int     `json:"passage_rows"`
	PassageMin    int     `json:"passage_min_tokens"`
	PassageWindow int     `json:"passage_window"`
	// Text says the index keeps each article's text, zstd-compressed (text.go).
	Text bool `json:"text,omitempty"`
	// Anchors, when positive, is the winnowing window of the containment anchors: each article is posted under
	// the smallest shingle of every Anchors consecutive shingles of its text (anchors.go; format 3).
	Anchors int `json:"anchor_window,omitempty"`
}

func (p Params) String() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// Options configure Open. Zero fields take the documented defaults, chosen for an embedded index on a small
// machine (2 cores): a million-article ingest needs about 600 MB of private memory, and runs at full speed under
// a 1 GiB memory limit (bench/README.md).
type Options struct {
	// Params are required to create an index. Opening an existing index with zero Params uses the stored ones;
	// with non-zero Params they must equal the stored ones.
	Params Params
	// ReadOnly opens the index for reading only; several read-only processes may share it.
	ReadOnly bool
	// Retention, when positive, expires each article that long after its date (or after it was added, when it has
	// no date). Badger drops the expired keys; an expired article disappears from every query at once.
	Retention time.Duration
	// SyncWrites makes each commit wait for fsync (default false: a killed process loses nothing that was
	// committed, since the write-ahead log is in the page cache; a power failure may lose the last commits).
	SyncWrites bool
	// MemTableSize is Badger's memtable size, its main lever on memory during ingest (default 16 MiB, measured fastest for ingest here).
	MemTableSize int64
	// BlockCacheSize caches decompressed table blocks for reads (default 64 MiB; must be > 0 with compression).
	BlockCacheSize int64
	// IndexCacheSize bounds the memory for table indexes and bloom filters (default 64 MiB; Badger's own default
	// of 0 keeps them all in memory without bound).
	IndexCacheSize int64
	// Logger receives Badger's warnings and errors (default: slog.Default at warning level).
	Logger *slog.Logger
	// FreeSpace, if set, replaces the query of the free space of the file system holding the index (space.go):
	// tests use it to simulate a full disk.
	FreeSpace func(dir string) (int64, error)
}

// Store is a persistent LSH index in a Badger folder. Reads may run concurrently with each other and with one
// writer; writes are serialised.
type Store struct {
	db     *badger.DB
	params Params
	opts   Options
	dir    string
	mu     sync.Mutex // serialises writers
	closed bool
	space  *space
	// counts are the article and posting counts as of the last commit (counts.go).
	counts countState
	// generation counts the commits applied since Open (Generation).
	generation atomic.Uint64
	// commits numbers the batch commits in the order they are made, for countState.committed.
	commits atomic.Uint64
	// known holds the docnums that may be present, loaded on the first write: a Put of a docnum outside it skips
	// the read of an old record, which on a large index costs a probe of every LSM level. Entries that expired
	// or were deleted by retention linger, as do the filter's false positives; they only cost that read.
	known *docFilter
	// nextBlock is the number of the next text block (format 4), 0 until the first write loads it.
	nextBlock uint64
}

// Key layout (all integers big-endian, so keys sort by them):
//
//	m params                        → Params as JSON
//	d docnum(8)                     → article record (record.go)
//	b bandkey(5) docnum(8)          → empty: the article is in this band bucket (the key's last 5 bytes from
//	                                  format 5, all 8 before)
//	p bandkey(8) docnum(8) index(4) → empty: the article's passage index is in this bucket
//	c contentkey(8)                 → docnum(8): the article with these exact source bytes
//	t docnum(8)                     → the article's text, zstd-compressed (formats 2 and 3, Params.Text)
//	x block(8)                      → the texts of consecutive articles, zstd-compressed (format 4, text.go)
//	u block(8)                      → the number of records naming the text block (format 4)
//	a anchor(4) docnum(8)           → empty: the article has this anchor shingle (format 3, Params.Anchors)
//	n docnum(8)                     → empty: the article's date was given but not understood (format 7)
//	m counts                        → article, band-posting and passage-posting counts (counts.go)
//
// docnum is xxhash64 of the article id, so a re-run of the same input writes the same keys.
const (
	prefixMeta    = 'm'
	prefixDoc     = 'd'
	prefixBand    = 'b'
	prefixPassage = 'p'
	prefixContent = 'c'
	prefixText    = 't'
	prefixAnchor  = 'a'
	prefixBlock   = 'x'
	prefixUse     = 'u'
	prefixUndated = 'n'
)

func undatedKey(dst []byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, prefixUndated), n)
}

// undated reports whether the article has a date the caller could not parse: a key marks it from format 7.
func (a *Article) undated() bool { return a.version >= 6 && a.Date != "" && a.DateUnix == 0 }

func textKey(dst []byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, prefixText), n)
}

func contentKey(dst []byte, key uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, prefixContent), key)
}

var paramsKey = []byte("mparams")

// DocNum is the internal number of an article id.
func DocNum(id string) uint64 { return xxhash.Sum64String(id) }

func docKey(dst []byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, prefixDoc), n)
}

// bandBytes is how many bytes of a band key the b postings of an index of these parameters keep: the last 5
// from format 5 (40 bits: at 10M articles another article shares one of a query's 17 buckets by chance with
// probability 1.5·10⁻⁴, a candidate verified and dropped), all 8 before.
func (p Params) bandBytes() int {
	if p.Format >= 5 {
		return keptBandBytes
	}
	return 8
}

// keptBandBytes is how many bytes of a band key a b posting keeps from format 5, and a record from version 5.
const keptBandBytes = 5

// recordVersion is the record version an index of these parameters writes: 5 from format 6, 4 (packed sets) in
// format 5, and 0 before, for the oldest version that holds each article (record.go).
func (p Params) recordVersion() byte {
	switch {
	case p.Format >= 7:
		return 6
	case p.Format == 6:
		return 5
	case p.Format == 5:
		return 4
	}
	return 0
}

// bandKey returns the b posting of doc in the bucket of band, of which it keeps the last w bytes (keptBand).
func bandKey(dst []byte, w int, band, doc uint64) []byte {
	dst = append(dst[:0], prefixBand)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], keptBand(band, w))
	dst = append(dst, b[:w]...)
	return binary.BigEndian.AppendUint64(dst, doc)
}

// keptBand moves the last w bytes of a band key to its top: the first w bytes of its big-endian form are the
// bytes a posting keeps, and scans compare band keys in this form.
func keptBand(band uint64, w int) uint64 { return band << (64 - 8*w) }

func passageKey(dst []byte, band, doc uint64, i int) []byte {
	dst = append(dst[:0], prefixPassage)
	dst = binary.BigEndian.AppendUint64(dst, band)
	dst = binary.BigEndian.AppendUint64(dst, doc)
	return binary.BigEndian.AppendUint32(dst, uint32(i))
}

type slogAdapter struct{ l *slog.Logger }

func (s slogAdapter) Errorf(f string, a ...any)   { s.l.Error("badger: " + trim(fmt.Sprintf(f, a...))) }
func (s slogAdapter) Warningf(f string, a ...any) { s.l.Warn("badger: " + trim(fmt.Sprintf(f, a...))) }
func (s slogAdapter) Infof(string, ...any)        {}
func (s slogAdapter) Debugf(string, ...any)       {}

func trim(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}

func (o Options) memTableSize() int64 {
	if o.MemTableSize <= 0 {
		return 16 << 20
	}
	return o.MemTableSize
}

// badgerOptions turns Options into Badger's, documenting each choice.
func (o Options) badgerOptions(dir string) badger.Options {
	o.MemTableSize = o.memTableSize()
	if o.BlockCacheSize <= 0 {
		o.BlockCacheSize = 64 << 20 // never 0: Badger panics at Open with compression and no block cache
	}
	if o.IndexCacheSize <= 0 {
		o.IndexCacheSize = 64 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	bo := badger.DefaultOptions(dir)
	// Every table 2 MiB at every level (Badger doubles the size per level by default, up to 64 MiB tables whose
	// builders hold that much memory during compactions): compaction memory stays small and flat.
	bo.TableSizeMultiplier = 1
	return bo.
		WithMemTableSize(o.MemTableSize).
		WithNumMemtables(3). // bounds memtable memory to 3 × MemTableSize during bursts
		// Up to 16 tables in level 0 before they are compacted into level 1 (Badger's default is 5, writes stall at
		// 15): posting keys are random, so every L0 → L1 compaction rewrites the whole of level 1, and merging
		// more tables at once rewrites it less often. Measured at 1M articles: 17.2k → 21.5k articles/s; the
		// price is more tables per query (p99 0.8 → 1.9 ms) and per dedupe scan.
		WithNumLevelZeroTables(16).
		WithNumLevelZeroTablesStall(32).
		WithNumCompactors(2). // one per core
		WithBlockCacheSize(o.BlockCacheSize).
		WithIndexCacheSize(o.IndexCacheSize).
		// Records (hundreds of bytes) go to the value log, written once; the LSM tree keeps only keys and value
		// pointers, so compactions move a fraction of the bytes (measured at 200k articles: 8.0k → 10.3k
		// articles/s, 896 → 663 MB peak RSS, query p99 23 → 1.1 ms). Postings have empty values and stay in the
		// tree. Close collects value-log garbage left by replaced and deleted articles.
		WithValueLogFileSize(256 << 20).
		WithValueThreshold(256).
		WithNumVersionsToKeep(1).
		WithDetectConflicts(false). // a single writer: no conflicts to detect
		WithMetricsEnabled(false).
		// Snappy, not zstd: zstd tables are 7% smaller (1M articles in one pass: 1,259 → 1,168 bytes an
		// article), but every block a query or a dedupe reads outside the block cache is decompressed, and zstd
		// decompresses slower. Measured at 1M (bench/README.md): one pass, query p50/p99 0.21-0.24/0.57 →
		// 0.32-0.36/0.98-1.09 ms and dedupe 7.0-8.5 → 9.0-9.1 s; article by article, p50/p99 1.6/3.1 →
		// 2.9/6.1 ms.
		WithCompression(options.Snappy).
		// Checksums: every table block and every value-log entry is checked when read, so that a flipped bit is
		// an error naming the article or the scan, never a silently changed record or a scan that stops early
		// (the table iterator ends at a block it cannot read; scans compare what they read with the counts,
		// counts.go). Measured cost in bench/README.md.
		WithChecksumVerificationMode(options.OnBlockRead).
		WithVerifyValueChecksum(true).
		WithSyncWrites(o.SyncWrites).
		WithReadOnly(o.ReadOnly).
		WithLogger(slogAdapter{o.Logger})
}

// Exists reports whether dir holds an index. It fails only when dir cannot be read (permission denied).
func Exists(dir string) (bool, error) {
	_, err := os.Stat(filepath.Join(dir, "MANIFEST"))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return false, nil
	case errors.Is(err, fs.ErrPermission):
		return false, &fs.PathError{Op: "open", Path: dir, Err: fs.ErrPermission}
	}
	return false, err
}

// Open opens or creates the index in dir. An index is created only with Params; opening a folder without an
// index and without Params fails with ErrNoIndex and creates nothing. Open fails with a *LockError when another
// process writes the index, with ErrRecovery for a read-only open of an index whose writer was killed, and with
// ErrParams for an index of other parameters or another format.
func Open(dir string, o *Options) (*Store, error) {
	if o == nil {
		o = &Options{}
	}
	exists, err := Exists(dir)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if !exists && (o.ReadOnly || o.Params == (Params{})) {
		return nil, fmt.Errorf("%w in %s", ErrNoIndex, dir)
	}
	sp := &space{dir: dir, free: diskFree, memtable: o.memTableSize()}
	if o.FreeSpace != nil {
		sp.free = o.FreeSpace
	}
	if exists && !o.ReadOnly {
		// A read-write open may flush a recovered write-ahead log into a table at once.
		if err := sp.check(0); err != nil {
			return nil, err
		}
	}
	db, err := badger.Open(o.badgerOptions(dir))
	if err != nil {
		return nil, openError(dir, o.ReadOnly, err)
	}
	s := &Store{db: db, opts: *o, dir: dir, space: sp}
	stored, found, err := s.readParams()
	if err != nil {
		db.Close()
		return nil, err
	}
	switch {
	case found && o.Params != (Params{}) && o.Params != stored:
		db.Close()
		return nil, fmt.Errorf("%w: %s was built with %s, asked for %s", ErrParams, dir, stored, o.Params)
	case found:
		s.params = stored
	case o.Params == (Params{}):
		db.Close()
		return nil, fmt.Errorf("%w (%s holds no parameters)", ErrNoParams, dir)
	case o.ReadOnly:
		db.Close()
		return nil, fmt.Errorf("%w: %s has no parameters and is read-only", ErrNoParams, dir)
	default:
		p := o.Params
		p.Format = FormatVersion
		b, _ := json.Marshal(p)
		err := db.Update(func(txn *badger.Txn) error {
			if err := txn.Set(paramsKey, b); err != nil {
				return err
			}
			// A new index starts with its counts at zero (see counts.go).
			return txn.Set(countsKey, counts{}.encode())
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("store: write parameters: %w", err)
		}
		s.params = p
	}
	if !readsFormat(s.params.Format) {
		db.Close()
		return nil, fmt.Errorf("%w: format %d, this build reads formats 1 to %d", ErrParams, s.params.Format, FormatVersion)
	}
	return s, nil
}

// openError turns Badger's open errors, which keep only their text, into the store's sentinels.
func openError(dir string, readOnly bool, err error) error {
	if pid, held := lockHeld(dir, readOnly); held {
		return &LockError{Dir: dir, PID: pid}
	}
	if readOnly && strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error()) {
		return fmt.Errorf("%w: %s", ErrRecovery, dir)
	}
	if errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), syscall.EACCES.Error()) {
		return fmt.Errorf("store: %w", &fs.PathError{Op: "open", Path: dir, Err: fs.ErrPermission})
	}
	return fmt.Errorf("store: open %s: %w", dir, err)
}

func (s *Store) readParams() (Params, bool, error) {
	var p Params
	found := false
	err := s.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(paramsKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		return it.Value(func(v []byte) error { return json.Unmarshal(v, &p) })
	})
	if err != nil {
		return p, false, fmt.Errorf("store: read parameters: %w", err)
	}
	return p, found, nil
}

// Params returns the index's parameters.
func (s *Store) Params() Params { return s.params }

// Generation returns a number that changes whenever this Store commits a write: a cache of anything read from
// the index is current while the generation it was read at is.
func (s *Store) Generation() uint64 { return s.generation.Load() }

// Dir returns the index folder.
func (s *Store) Dir() string { return s.dir }

// Close flushes and closes the index.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var repairErr error
	if !s.opts.ReadOnly && s.space.check(0) == nil {
		repairErr = s.repairCounts()
		// Rewrite value-log files that are mostly garbage; each call does at most one file, and stops with an
		// error when none is worth it.
		for range 8 {
			if s.db.RunValueLogGC(0.5) != nil {
				break
			}
		}
	}
	return errors.Join(repairErr, s.db.Close())
}

// DirSize returns the total apparent size of the regular files under dir; DiskUsage gives the bytes on disk.
func DirSize(dir string) (int64, error) {
	var n int64
	err := filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return err
	})
	return n, err
}

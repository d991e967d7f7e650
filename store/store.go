package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"
	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// FormatVersion is the version of the on-disk layout; an index of another version is refused.
const FormatVersion = 1

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
}

// Errors.
var (
	ErrParams   = errors.New("store: index parameters differ")
	ErrNoParams = errors.New("store: new index needs parameters")
	ErrNotFound = errors.New("store: not found")
	ErrTooLarge = errors.New("store: article too large for one transaction")
	ErrClosed   = errors.New("store: closed")
)

// Store is a persistent LSH index in a Badger folder. Reads may run concurrently with each other and with one
// writer; writes are serialised.
type Store struct {
	db     *badger.DB
	params Params
	opts   Options
	dir    string
	mu     sync.Mutex // serialises writers
	closed bool
	// known holds the docnums that may be present, loaded on the first write: a Put of a docnum outside it skips
	// the read of an old record, which on a large index costs a probe of every LSM level. Entries that expired
	// or were deleted by retention may linger; they only cost that read.
	known map[uint64]struct{}
}

// Key layout (all integers big-endian, so keys sort by them):
//
//	m params                        → Params as JSON
//	d docnum(8)                     → article record (record.go)
//	b bandkey(8) docnum(8)          → empty: the article is in this band bucket
//	p bandkey(8) docnum(8) index(4) → empty: the article's passage index is in this bucket
//	c contentkey(8)                 → docnum(8): the article with these exact source bytes
//
// docnum is xxhash64 of the article id, so a re-run of the same input writes the same keys.
const (
	prefixMeta    = 'm'
	prefixDoc     = 'd'
	prefixBand    = 'b'
	prefixPassage = 'p'
	prefixContent = 'c'
)

func contentKey(dst []byte, key uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, prefixContent), key)
}

var paramsKey = []byte("mparams")

// DocNum is the internal number of an article id.
func DocNum(id string) uint64 { return xxhash.Sum64String(id) }

func docKey(dst []byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, prefixDoc), n)
}

func bandKey(dst []byte, band, doc uint64) []byte {
	dst = append(dst[:0], prefixBand)
	dst = binary.BigEndian.AppendUint64(dst, band)
	return binary.BigEndian.AppendUint64(dst, doc)
}

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

// badgerOptions turns Options into Badger's, documenting each choice.
func (o Options) badgerOptions(dir string) badger.Options {
	if o.MemTableSize <= 0 {
		o.MemTableSize = 16 << 20
	}
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
		WithCompression(options.Snappy).
		WithSyncWrites(o.SyncWrites).
		WithReadOnly(o.ReadOnly).
		WithLogger(slogAdapter{o.Logger})
}

// Open opens or creates the index in dir.
func Open(dir string, o *Options) (*Store, error) {
	if o == nil {
		o = &Options{}
	}
	if o.ReadOnly {
		if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err != nil {
			return nil, fmt.Errorf("store: no index in %s: %w", dir, ErrNotFound)
		}
	}
	db, err := badger.Open(o.badgerOptions(dir))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	s := &Store{db: db, opts: *o, dir: dir}
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
		return nil, fmt.Errorf("%w (%s is empty)", ErrNoParams, dir)
	case o.ReadOnly:
		db.Close()
		return nil, fmt.Errorf("store: %s has no parameters and is read-only", dir)
	default:
		p := o.Params
		p.Format = FormatVersion
		b, _ := json.Marshal(p)
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set(paramsKey, b) }); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: write parameters: %w", err)
		}
		s.params = p
	}
	if s.params.Format != FormatVersion {
		db.Close()
		return nil, fmt.Errorf("%w: format %d, this build reads %d", ErrParams, s.params.Format, FormatVersion)
	}
	return s, nil
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
	if !s.opts.ReadOnly {
		// Rewrite value-log files that are mostly garbage; each call does at most one file, and stops with an
		// error when none is worth it.
		for range 8 {
			if s.db.RunValueLogGC(0.5) != nil {
				break
			}
		}
	}
	return s.db.Close()
}

// DirSize returns the total size of the regular files under dir.
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

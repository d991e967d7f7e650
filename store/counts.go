package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	badger "github.com/dgraph-io/badger/v4"
)

// Counts.
//
// The index keeps its article and posting counts in one key, rewritten in every write transaction with the
// totals after it, so they are as crash-safe as the articles they count. They serve two ends: O(1) statistics
// for a server that is asked them often (Counts), and a check on whole-index scans, which compare what they read
// with the counts of their own snapshot: Badger's iterators end silently at a table block they cannot read, and
// the comparison turns that into ErrCorrupt instead of a short answer.
//
// Articles that expire (Options.Retention) vanish without a write, so on an index with retention the counts
// are upper bounds and scans are not checked against them. An index written by a build without counts gets them
// from a key scan at its first write.

// Counts are an index's article and posting counts.
type Counts struct {
	Articles int64 `json:"articles"`
	Bands    int64 `json:"band_postings"`
	Passages int64 `json:"passage_postings"`
	Anchors  int64 `json:"anchor_postings"`
}

type counts = Counts

var countsKey = []byte("mcounts")

func (c Counts) encode() []byte {
	b := make([]byte, 0, 32)
	b = binary.BigEndian.AppendUint64(b, uint64(c.Articles))
	b = binary.BigEndian.AppendUint64(b, uint64(c.Bands))
	b = binary.BigEndian.AppendUint64(b, uint64(c.Passages))
	return binary.BigEndian.AppendUint64(b, uint64(c.Anchors))
}

func (c Counts) add(d Counts) Counts {
	return Counts{c.Articles + d.Articles, c.Bands + d.Bands, c.Passages + d.Passages, c.Anchors + d.Anchors}
}

func (c Counts) sub(d Counts) Counts {
	return Counts{c.Articles - d.Articles, c.Bands - d.Bands, c.Passages - d.Passages, c.Anchors - d.Anchors}
}

func decodeCounts(b []byte) (Counts, error) {
	// 24 bytes before format 3, which added the anchor count.
	if len(b) != 24 && len(b) != 32 {
		return Counts{}, fmt.Errorf("%w: counts of %d bytes", ErrCorrupt, len(b))
	}
	c := Counts{int64(binary.BigEndian.Uint64(b)), int64(binary.BigEndian.Uint64(b[8:])), int64(binary.BigEndian.Uint64(b[16:])), 0}
	if len(b) == 32 {
		c.Anchors = int64(binary.BigEndian.Uint64(b[24:]))
	}
	return c, nil
}

// readCounts reads the counts of txn's snapshot; ok is false when the index has none.
func readCounts(txn *badger.Txn) (c Counts, ok bool, err error) {
	item, err := txn.Get(countsKey)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return c, false, nil
	}
	if err != nil {
		return c, false, err
	}
	err = item.Value(func(v []byte) error {
		c, err = decodeCounts(v)
		return err
	})
	return c, err == nil, err
}

// countState is the store's view of its counts as of the last commit.
type countState struct {
	mu    sync.Mutex
	c     Counts
	valid bool // c is known (read, counted, or maintained since)
	// stale is set when a commit failed: the stored counts may be off until they are counted afresh.
	stale bool
	// seq is the commit sequence number (Store.commits) of the counts c came from: Badger runs the callbacks of
	// a batch's commits on goroutines of their own, so they may finish out of order, and only a later commit's
	// counts may replace c.
	seq uint64
}

func (cs *countState) get() (Counts, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.c, cs.valid
}

func (cs *countState) set(c Counts, valid bool) {
	cs.mu.Lock()
	cs.c, cs.valid = c, valid
	cs.mu.Unlock()
}

// committed records the counts after the commit numbered seq, unless a later commit's are already recorded.
func (cs *countState) committed(seq uint64, c Counts) {
	cs.mu.Lock()
	if seq > cs.seq {
		cs.c, cs.valid, cs.seq = c, true, seq
	}
	cs.mu.Unlock()
}

// Counts returns the index's article and posting counts in O(1) (after a key scan on the first call for an index
// written by a build without counts). With Options.Retention they include articles expired since their last
// write.
func (s *Store) Counts() (Counts, error) {
	if c, ok := s.counts.get(); ok {
		return c, nil
	}
	return s.loadCounts(false)
}

// loadCounts reads the stored counts, or counts the keys when there are none or recount is set, and keeps them.
func (s *Store) loadCounts(recount bool) (Counts, error) {
	var c Counts
	var ok bool
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		c, ok, err = readCounts(txn)
		return err
	})
	if err != nil && !errors.Is(err, ErrCorrupt) {
		return c, fmt.Errorf("store: read counts: %w", err)
	}
	if !ok || recount {
		if c, err = s.scanCounts(); err != nil {
			return c, err
		}
	}
	s.counts.set(c, true)
	return c, nil
}

// scanned is one count a whole-index scan read, with the stored count it must equal.
type scanned struct {
	what  string
	got   int64
	field func(Counts) int64
}

// checkScan compares what a whole-index scan read with the counts of its snapshot.
func (s *Store) checkScan(txn *badger.Txn, checks ...scanned) error {
	if s.opts.Retention > 0 {
		return nil
	}
	c, ok, err := readCounts(txn)
	if err != nil {
		return fmt.Errorf("store: read counts: %w", err)
	}
	for _, k := range checks {
		if ok && k.got != k.field(c) {
			return fmt.Errorf("%w: a scan of %s read %d %s, the index holds %d", ErrCorrupt, s.dir, k.got, k.what, k.field(c))
		}
	}
	return nil
}

func articlesOf(c Counts) int64 { return c.Articles }
func bandsOf(c Counts) int64    { return c.Bands }
func passagesOf(c Counts) int64 { return c.Passages }
func anchorsOf(c Counts) int64  { return c.Anchors }

// startCounts returns the counts a new batch starts from: the stored ones, or a key scan's when the index has
// none (written by a build without counts) or a commit failed since they were last known. The caller holds the
// writer lock.
func (s *Store) startCounts() (Counts, error) {
	cs := &s.counts
	cs.mu.Lock()
	c, ok, stale := cs.c, cs.valid, cs.stale
	cs.stale = false
	cs.mu.Unlock()
	if ok && !stale {
		return c, nil
	}
	return s.loadCounts(stale)
}

// repairCounts rewrites the stored counts from a key scan if a commit failed since they were last written.
func (s *Store) repairCounts() error {
	s.counts.mu.Lock()
	stale := s.counts.stale
	s.counts.mu.Unlock()
	if !stale {
		return nil
	}
	c, err := s.scanCounts()
	if err != nil {
		return err
	}
	return s.db.Update(func(txn *badger.Txn) error { return txn.Set(countsKey, c.encode()) })
}

// countsLost records that a commit failed: the counts the committer carries may include its changes, so the next
// batch counts afresh.
func (s *Store) countsLost() {
	s.counts.mu.Lock()
	s.counts.c, s.counts.valid, s.counts.stale = Counts{}, false, true
	s.counts.mu.Unlock()
}

package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	badger "github.com/dgraph-io/badger/v4"
)

// Get returns the article with the id, or ErrNotFound.
func (s *Store) Get(id string) (*Article, error) {
	a, err := s.GetDoc(DocNum(id))
	if err == nil && a.ID != id {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	return a, err
}

// GetDoc returns the article with the docnum, or ErrNotFound.
func (s *Store) GetDoc(num uint64) (*Article, error) { return s.view(num, partAll) }

// GetSet returns the article with the docnum with its metadata and shingle set only (no band keys or passages),
// or ErrNotFound.
func (s *Store) GetSet(num uint64) (*Article, error) { return s.view(num, partSet) }

func (s *Store) view(num uint64, upTo part) (*Article, error) {
	var a *Article
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		a, err = getDoc(txn, num, upTo)
		return err
	})
	return a, err
}

func getDoc(txn *badger.Txn, num uint64, upTo part) (*Article, error) {
	item, err := getChecked(txn, docKey(nil, num))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var a *Article
	err = item.Value(func(v []byte) error {
		var err error
		a, err = decodeArticle(v, upTo)
		return err
	})
	return a, err
}

// Match is a verified similar article.
type Match struct {
	Article *Article
	// Jaccard is the exact Jaccard similarity of the two shingle sets; Containment is the share of the query's
	// shingles found in the match.
	Jaccard, Containment float64
}

// Query is an article to find the near-duplicates of.
type Query struct {
	Bands []uint64 // its band keys
	Set   Set      // its shingle set
	Full  bool     // whether Set is whole
	// Exclude is an id to leave out of the results: the query's own, when it is indexed.
	Exclude string
	// Threshold is the least Jaccard similarity reported.
	Threshold float64
	// Top limits the number of matches (0: all).
	Top int
	// Keep, when set, filters the candidates before their verification (a date window, say).
	Keep func(a *Article) bool
}

// Candidates returns the docnums sharing at least one band key with bands, deduplicated and sorted.
func (s *Store) Candidates(bands []uint64) ([]uint64, error) {
	var out []uint64
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		out, err = s.candidates(txn, bands, out)
		return err
	})
	return out, err
}

func (s *Store) candidates(txn *badger.Txn, bands []uint64, out []uint64) ([]uint64, error) {
	w := s.params.bandBytes()
	err := seekBuckets(txn, prefixBand, w, 1+w+8, bands, func(rest []byte) {
		out = append(out, binary.BigEndian.Uint64(rest))
	})
	slices.Sort(out)
	return slices.Compact(out), err
}

// seekBuckets calls fn with the rest (after prefix and the w bytes kept of the band key) of every key of keyLen
// bytes in the buckets of the given band keys.
// A bucket that ends at a block that cannot be read is an ErrCorrupt error, not a short bucket.
func seekBuckets(txn *badger.Txn, prefix byte, w, keyLen int, bands []uint64, fn func(rest []byte)) error {
	it := keyIterator(txn, 0)
	defer it.Close()
	p := make([]byte, 9)
	p[0] = prefix
	for _, key := range bands {
		binary.BigEndian.PutUint64(p[1:], keptBand(key, w))
		for it.Seek(p[:1+w]); it.ValidForPrefix(p[:1+w]); it.Next() {
			if k := it.Item().Key(); len(k) == keyLen {
				fn(k[1+w:])
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Query returns the indexed articles whose verified Jaccard similarity to q is at least q.Threshold, best first
// (ties by id). Candidates come from the band buckets; postings whose article is gone are ignored.
func (s *Store) Query(q Query) ([]Match, error) {
	var out []Match
	err := s.db.View(func(txn *badger.Txn) error {
		cands, err := s.candidates(txn, q.Bands, nil)
		if err != nil {
			return err
		}
		out, _, err = verifyCandidates(txn, cands, q.Set, q.Full, q.Exclude, q.Keep, func(j, _ float64) bool { return j >= q.Threshold && j > 0 })
		return err
	})
	return sortTop(out, false, q.Top), err
}

// verifyCandidates reads the set of each candidate (skipping orphan postings, the excluded id and those keep
// refuses) and returns those whose exact Jaccard j and containment c of the query's set in theirs ok accepts,
// with the number of candidates verified.
func verifyCandidates(txn *badger.Txn, cands []uint64, set Set, full bool, exclude string, keep func(*Article) bool, ok func(j, c float64) bool) ([]Match, int, error) {
	var out []Match
	verified := 0
	for _, num := range cands {
		a, err := getDoc(txn, num, partSet)
		if errors.Is(err, ErrNotFound) {
			continue // an orphan posting
		}
		if err != nil {
			return out, verified, err
		}
		if a.ID == exclude || keep != nil && !keep(a) {
			continue
		}
		verified++
		j, c := Similarity(set, a.Set, full, a.Full)
		if ok(j, c) {
			a.Set, a.Bands, a.Passages = nil, nil, nil
			out = append(out, Match{Article: a, Jaccard: j, Containment: c})
		}
	}
	return out, verified, nil
}

// sortTop sorts matches best first (by containment, then Jaccard, when byContainment; else by Jaccard), then by
// id, and keeps the first top (all for 0).
func sortTop(out []Match, byContainment bool, top int) []Match {
	slices.SortFunc(out, func(a, b Match) int {
		switch {
		case byContainment && a.Containment != b.Containment:
			return cmp.Compare(b.Containment, a.Containment)
		case a.Jaccard != b.Jaccard:
			return cmp.Compare(b.Jaccard, a.Jaccard)
		}
		return strings.Compare(a.Article.ID, b.Article.ID)
	})
	if top > 0 && len(out) > top {
		out = out[:top]
	}
	return out
}

// PassageHit is an indexed passage found in a passage bucket.
type PassageHit struct {
	Doc   uint64
	Index int
}

// PassageCandidates returns the indexed passages sharing at least one band key with bands.
func (s *Store) PassageCandidates(bands []uint64) ([]PassageHit, error) {
	var out []PassageHit
	err := s.db.View(func(txn *badger.Txn) error {
		return seekBuckets(txn, prefixPassage, 8, 21, bands, func(rest []byte) {
			out = append(out, PassageHit{binary.BigEndian.Uint64(rest), int(binary.BigEndian.Uint32(rest[8:]))})
		})
	})
	slices.SortFunc(out, func(a, b PassageHit) int {
		if a.Doc != b.Doc {
			if a.Doc < b.Doc {
				return -1
			}
			return 1
		}
		return a.Index - b.Index
	})
	return slices.Compact(out), err
}

// scanBuckets streams the keys under prefix (each keyLen bytes: prefix, band key, rest) grouped by band key,
// calling fn with the rests of each group. The band keys are split into parts ranges, each scanned on a goroutine
// of its own from one snapshot: fn is called concurrently for different parts, in key order within a part.
func (s *Store) scanBuckets(prefix byte, w, keyLen, parts int, fn func(part int, rests [][]byte) error) error {
	parts = max(1, min(parts, 1<<16))
	// One read-only transaction a goroutine, all at one snapshot (badger.go: a transaction is not for
	// concurrent use).
	txns, err := snapshotTxns(s.db, parts)
	if err != nil {
		return err
	}
	defer func() {
		for _, t := range txns {
			t.Discard()
		}
	}()
	seen := make([]int64, parts)
	errs := make([]error, parts)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for p := range parts {
		// Part p holds the band keys whose top 16 bits are in [p, p+1) × 65536 / parts.
		lo := uint64(p*65536/parts) << 48
		hi, last := uint64((p+1)*65536/parts)<<48, p == parts-1
		wg.Go(func() {
			seen[p], errs[p] = scanPart(txns[p], prefix, w, keyLen, lo, hi, last, func(rests [][]byte) error {
				if failed.Load() {
					return errScanStopped
				}
				return fn(p, rests)
			})
			if errs[p] != nil {
				failed.Store(true)
			}
		})
	}
	wg.Wait()
	var total int64
	for p := range parts {
		if errs[p] != nil && !errors.Is(errs[p], errScanStopped) {
			return errs[p]
		}
		total += seen[p]
	}
	if prefix == prefixBand {
		return s.checkScan(txns[0], scanned{"band postings", total, bandsOf})
	}
	return s.checkScan(txns[0], scanned{"passage postings", total, passagesOf})
}

var errScanStopped = errors.New("store: scan stopped")

// keyIterator returns an iterator over the keys under prefix (every key for 0), reading values only when asked.
// Its Err says whether a scan met a block it could not read (badger.go).
func keyIterator(txn *badger.Txn, prefix byte) *checkedIter {
	opt := badger.DefaultIteratorOptions
	opt.PrefetchValues = false
	if prefix != 0 {
		opt.Prefix = []byte{prefix}
	}
	return newIter(txn, opt)
}

// scanPart streams the groups of the keys under prefix whose band key is in [lo, hi) (to the end with last)
// and returns how many keys it read.
func scanPart(txn *badger.Txn, prefix byte, w, keyLen int, lo, hi uint64, last bool, fn func(rests [][]byte) error) (int64, error) {
	it := keyIterator(txn, prefix)
	defer it.Close()
	var cur uint64
	var rests [][]byte
	var buf []byte
	var seen int64
	var bb [8]byte
	for it.Seek(binary.BigEndian.AppendUint64([]byte{prefix}, lo)[:1+w]); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) != keyLen {
			continue
		}
		copy(bb[:], k[1:1+w]) // the band key's kept bytes, the others 0
		band := binary.BigEndian.Uint64(bb[:])
		if !last && band >= hi {
			break
		}
		seen++
		if band != cur || len(rests) == 0 {
			if len(rests) > 0 {
				if err := fn(rests); err != nil {
					return seen, err
				}
			}
			rests, buf = rests[:0], buf[:0]
			cur = band
		}
		// Keys are only valid until Next: copy the rest into one buffer for the group.
		start := len(buf)
		buf = append(buf, k[1+w:]...)
		rests = append(rests, buf[start:len(buf):len(buf)])
	}
	if err := it.Err(); err != nil {
		return seen, err
	}
	if len(rests) > 0 {
		if err := fn(rests); err != nil {
			return seen, err
		}
	}
	return seen, nil
}

// ScanBuckets calls fn with the docnums of every band bucket that holds two or more articles, in key order,
// streaming: it holds one bucket at a time. The slice is reused between calls.
func (s *Store) ScanBuckets(fn func(docs []uint64) error) error {
	return s.ScanBucketsParallel(1, func(_ int, docs []uint64) error { return fn(docs) })
}

// ScanBucketsParallel is ScanBuckets on parts goroutines, each scanning a range of the band keys, from one
// snapshot of the index: fn is called concurrently for different parts, each with a slice of its own, in key
// order within a part.
func (s *Store) ScanBucketsParallel(parts int, fn func(part int, docs []uint64) error) error {
	docs := make([][]uint64, max(1, parts))
	w := s.params.bandBytes()
	return s.scanBuckets(prefixBand, w, 1+w+8, parts, func(p int, rests [][]byte) error {
		if len(rests) < 2 {
			return nil
		}
		d := docs[p][:0]
		for _, r := range rests {
			d = append(d, binary.BigEndian.Uint64(r))
		}
		docs[p] = d
		return fn(p, d)
	})
}

// Each calls fn for every article, in docnum order. With meta set the articles carry metadata only (no set,
// bands or passages), which is much cheaper.
func (s *Store) Each(meta bool, fn func(num uint64, a *Article) error) error {
	return s.db.View(func(txn *badger.Txn) error { return s.each(txn, meta, fn) })
}

func (s *Store) each(txn *badger.Txn, meta bool, fn func(num uint64, a *Article) error) error {
	opt := badger.DefaultIteratorOptions
	opt.Prefix = []byte{prefixDoc}
	it := newIter(txn, opt)
	defer it.Close()
	var seen int64
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		k := item.Key()
		if len(k) != 9 {
			continue
		}
		seen++
		var a *Article
		if err := item.Value(func(v []byte) error {
			var err error
			upTo := partAll
			if meta {
				upTo = partMeta
			}
			a, err = decodeArticle(v, upTo)
			return err
		}); err != nil {
			return fmt.Errorf("%w (docnum %x)", err, k[1:])
		}
		if err := fn(binary.BigEndian.Uint64(k[1:]), a); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	return s.checkScan(txn, scanned{"articles", seen, articlesOf})
}

// Stats are counts over the whole index.
type Stats struct {
	Articles int `json:"articles"`
	Passages int `json:"passages"`
	Postings int `json:"postings"`
	// AnchorPostings are the containment anchors' postings (anchors.go), apart from the band and passage ones.
	AnchorPostings int `json:"anchor_postings"`
	// Bytes is the space the index folder occupies on disk.
	Bytes int64 `json:"bytes"`
}

// Stats counts articles, passages and postings with a scan of the keys (checked against the stored counts), and
// measures the folder on disk. Every passage has PassageBands postings.
func (s *Store) Stats() (Stats, error) {
	c, err := s.countKeys()
	if err != nil {
		return Stats{}, err
	}
	return s.statsOf(c)
}

// QuickStats returns the Stats of the stored counts in O(1) (see Counts), and the folder's size on disk,
// measured at most every few seconds.
func (s *Store) QuickStats() (Stats, error) {
	c, err := s.Counts()
	if err != nil {
		return Stats{}, err
	}
	return s.statsOf(c)
}

func (s *Store) statsOf(c Counts) (Stats, error) {
	st := Stats{Articles: int(c.Articles), Postings: int(c.Bands + c.Passages), AnchorPostings: int(c.Anchors)}
	if s.params.PassageBands > 0 {
		st.Passages = int(c.Passages) / s.params.PassageBands
	}
	var err error
	st.Bytes, err = s.space.usage()
	return st, err
}

// countKeys counts articles and postings (band and passage), reading keys only, and checks them against the
// stored counts.
func (s *Store) countKeys() (Counts, error) { return s.keyCounts(true) }

// scanCounts counts articles and postings from the keys, without the check: for an index whose stored counts
// are missing or stale.
func (s *Store) scanCounts() (Counts, error) { return s.keyCounts(false) }

func (s *Store) keyCounts(check bool) (Counts, error) {
	var c Counts
	err := s.db.View(func(txn *badger.Txn) error {
		it := keyIterator(txn, 0)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			switch k := it.Item().Key(); k[0] {
			case prefixDoc:
				if len(k) == 9 {
					c.Articles++
				}
			case prefixBand:
				c.Bands++
			case prefixPassage:
				c.Passages++
			case prefixAnchor:
				c.Anchors++
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
		if !check {
			return nil
		}
		return s.checkScan(txn, scanned{"articles", c.Articles, articlesOf}, scanned{"band postings", c.Bands, bandsOf},
			scanned{"passage postings", c.Passages, passagesOf}, scanned{"anchor postings", c.Anchors, anchorsOf})
	})
	return c, err
}

// VerifyAll checks every table block against its checksum, then runs Verify (which reads every record, checking
// the value log's checksums), and returns the counts of the keys.
func (s *Store) VerifyAll(ctx context.Context) (Counts, error) {
	if err := s.verifyTables(); err != nil {
		return Counts{}, err
	}
	if err := ctx.Err(); err != nil {
		return Counts{}, err
	}
	if err := s.verify(ctx); err != nil {
		return Counts{}, err
	}
	return s.scanCounts()
}

// verifyTables checks every table block against its checksum. Badger's check can panic on a table damaged in
// its index: that is corruption too, not a crash.
func (s *Store) verifyTables() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: a table of %s cannot be read (%v)", ErrCorrupt, s.dir, r)
		}
	}()
	if err := s.db.VerifyChecksum(); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return nil
}

// Verify checks that the index is whole: every article is in each of its band and passage buckets, and there
// is no other posting. It reads every record and probes every bucket of every article, O(index): a check for
// tests and after failures, not for serving. The error names the first few problems.
func (s *Store) Verify() error { return s.verify(context.Background()) }

func (s *Store) verify(ctx context.Context) error {
	var problems []string
	note := func(f string, a ...any) {
		if len(problems) < 10 {
			problems = append(problems, fmt.Sprintf(f, a...))
		}
	}
	want, wantAnchors := 0, 0
	uses := map[uint64]int{} // text block → the records naming it
	err := s.Each(false, func(num uint64, a *Article) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if a.ref.block != 0 {
			uses[a.ref.block]++
		}
		for _, key := range a.Bands {
			c, err := s.Candidates([]uint64{key})
			if err != nil {
				return err
			}
			if _, ok := slices.BinarySearch(c, num); !ok {
				note("%s is missing from its band bucket %x", a.ID, key)
			}
		}
		want += len(a.Bands)
		for i, p := range a.Passages {
			for _, key := range p.Bands {
				hits, err := s.PassageCandidates([]uint64{key})
				if err != nil {
					return err
				}
				if !slices.Contains(hits, PassageHit{num, i}) {
					note("passage %d of %s is missing from its bucket %x", i, a.ID, key)
				}
			}
			want += len(p.Bands)
		}
		for _, v := range a.Anchors {
			found := false
			err := s.db.View(func(txn *badger.Txn) error {
				_, err := txn.Get(anchorKey(nil, v, num))
				found = err == nil
				if errors.Is(err, badger.ErrKeyNotFound) {
					return nil
				}
				return err
			})
			if err != nil {
				return err
			}
			if !found {
				note("%s is missing from its anchor bucket %08x", a.ID, v)
			}
		}
		wantAnchors += len(a.Anchors)
		return nil
	})
	if err != nil {
		return err
	}
	c, err := s.scanCounts()
	if err != nil {
		return err
	}
	if postings := int(c.Bands + c.Passages); postings != want {
		note("%d postings, but the %d articles' records name %d", postings, c.Articles, want)
	}
	if err := s.verifyBlocks(uses, note); err != nil {
		return err
	}
	if int(c.Anchors) != wantAnchors {
		note("%d anchor postings, but the %d articles' records name %d", c.Anchors, c.Articles, wantAnchors)
	}
	if s.opts.Retention == 0 {
		err := s.db.View(func(txn *badger.Txn) error {
			stored, ok, err := readCounts(txn)
			if ok && stored != c {
				note("the stored counts say %d articles, %d band, %d passage and %d anchor postings; the keys are %d, %d, %d and %d",
					stored.Articles, stored.Bands, stored.Passages, stored.Anchors, c.Articles, c.Bands, c.Passages, c.Anchors)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: index not whole: %s", strings.Join(problems, "; "))
	}
	return nil
}

// verifyBlocks checks the text blocks against uses, the number of records naming each: every block named is
// there with that use count, and no other block is.
func (s *Store) verifyBlocks(uses map[uint64]int, note func(string, ...any)) error {
	blocks := map[uint64]bool{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := keyIterator(txn, prefixBlock)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if k := it.Item().Key(); len(k) == 9 {
				blocks[binary.BigEndian.Uint64(k[1:])] = true
			}
		}
		return it.Err()
	})
	if err != nil {
		return err
	}
	err = s.db.View(func(txn *badger.Txn) error {
		opt := badger.DefaultIteratorOptions
		opt.Prefix = []byte{prefixUse}
		it := newIter(txn, opt)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(k) != 9 {
				continue
			}
			block := binary.BigEndian.Uint64(k[1:])
			var n int
			if err := it.Item().Value(func(v []byte) error {
				var err error
				n, err = decodeUse(v)
				return err
			}); err != nil {
				return fmt.Errorf("%w (use count of text block %d)", err, block)
			}
			if n != uses[block] && (s.opts.Retention == 0 || n < uses[block]) { // expired records leave their count
				note("text block %d counts %d articles, %d records name it", block, n, uses[block])
			}
			if !blocks[block] {
				note("text block %d has a use count and no texts", block)
			}
			delete(blocks, block)
			delete(uses, block)
		}
		return it.Err()
	})
	if err != nil {
		return err
	}
	for block := range blocks {
		note("text block %d has no use count", block)
	}
	for block, n := range uses {
		note("text block %d, named by %d records, is missing", block, n)
	}
	return nil
}

// eachDocNum calls fn with every article's docnum, reading keys only.
func (s *Store) eachDocNum(fn func(num uint64)) error {
	return s.db.View(func(txn *badger.Txn) error {
		lo, err := docNums(txn, 0, fn)
		if err != nil {
			return err
		}
		hi, err := docNums(txn, 1, fn)
		if err != nil {
			return err
		}
		return s.checkScan(txn, scanned{"articles", lo + hi, articlesOf})
	})
}

// docNums calls fn, in ascending order, with the docnums of txn's articles whose top bit is half, reading keys
// only, and returns how many there were.
func docNums(txn *badger.Txn, half uint64, fn func(num uint64)) (int64, error) {
	it := keyIterator(txn, prefixDoc)
	defer it.Close()
	var seen int64
	for it.Seek(docKey(nil, half<<63)); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) != 9 {
			continue
		}
		num := binary.BigEndian.Uint64(k[1:])
		if num>>63 != half {
			break
		}
		fn(num)
		seen++
	}
	return seen, it.Err()
}

// Count returns the number of articles, from a key scan.
func (s *Store) Count() (int, error) {
	n := 0
	err := s.eachDocNum(func(uint64) { n++ })
	return n, err
}

// loadKnown reads every docnum, key only, into the filter of docnums that may be present, sized for twice the
// index's articles (the filter grows past it). The two halves of the docnum space are read on two goroutines:
// they fill the two halves of the filter's blocks (a docnum's block is chosen by its top bits), apart.
func (s *Store) loadKnown() error {
	c, err := s.Counts()
	if err != nil {
		return err
	}
	known := newDocFilter(2 * int(c.Articles))
	l := &known.layers[0]
	err = func() error {
		txns, err := snapshotTxns(s.db, 2) // a transaction a goroutine, one snapshot
		if err != nil {
			return err
		}
		defer txns[0].Discard()
		defer txns[1].Discard()
		var seen [2]int64
		var errs [2]error
		var wg sync.WaitGroup
		for half := range uint64(2) {
			wg.Go(func() { seen[half], errs[half] = docNums(txns[half], half, l.set) })
		}
		wg.Wait()
		if err := errors.Join(errs[:]...); err != nil {
			return err
		}
		l.n = int(seen[0] + seen[1])
		return s.checkScan(txns[0], scanned{"articles", seen[0] + seen[1], articlesOf})
	}()
	if err != nil {
		return fmt.Errorf("store: load docnums: %w", err)
	}
	s.known = known
	return nil
}

// ScanPassageBuckets calls fn with the passages of every passage bucket that holds passages of two or more
// articles, in key order, streaming one bucket at a time. The slice is reused between calls.
func (s *Store) ScanPassageBuckets(fn func(hits []PassageHit) error) error {
	var hits []PassageHit
	return s.scanBuckets(prefixPassage, 8, 21, 1, func(_ int, rests [][]byte) error {
		hits = hits[:0]
		for _, r := range rests {
			hits = append(hits, PassageHit{binary.BigEndian.Uint64(r), int(binary.BigEndian.Uint32(r[8:]))})
		}
		if len(hits) < 2 || hits[0].Doc == hits[len(hits)-1].Doc {
			return nil
		}
		return fn(hits)
	})
}

// Bytes returns the space the index folder occupies on disk (allocated blocks, not the apparent size of Badger's
// sparse, preallocated log files), measured at most two seconds ago.
func (s *Store) Bytes() (int64, error) { return s.space.usage() }

// ByContent returns the article whose source bytes have the content key, or ErrNotFound.
func (s *Store) ByContent(key uint64) (*Article, error) {
	var a *Article
	err := s.db.View(func(txn *badger.Txn) error {
		num, err := contentOwner(txn, key)
		if err != nil {
			return err
		}
		a, err = getDoc(txn, num, partAll)
		return err
	})
	return a, err
}

// contentOwner returns the docnum the content key names, or ErrNotFound.
func contentOwner(txn *badger.Txn, key uint64) (uint64, error) {
	item, err := getChecked(txn, contentKey(nil, key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	var num uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return ErrCorrupt
		}
		num = binary.BigEndian.Uint64(v)
		return nil
	})
	return num, err
}

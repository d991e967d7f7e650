package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// Result says what a Put did.
type Result uint8

const (
	Added     Result = iota // the id was new
	Replaced                // the id existed with other content; its old entries are gone
	Unchanged               // the id existed with the same digest; nothing was written
)

func (r Result) String() string {
	return [...]string{"added", "replaced", "unchanged"}[r]
}

// ErrExpired is returned by Put for an article already older than the retention period.
var ErrExpired = errors.New("store: article older than the retention period")

// ErrCollision is returned by Put when two ids share a docnum (xxhash64), which is not expected in practice.
var ErrCollision = errors.New("store: id hash collision")

// Batch groups writes into few Badger transactions. Every article's entries (record and postings) are committed
// in one transaction, so after a crash an article is either wholly present or absent. A Batch holds the store's
// writer lock from NewBatch until Commit or Discard; queries keep running meanwhile. A Batch is not safe for
// concurrent use.
type Batch struct {
	s       *Store
	txn     *badger.Txn
	entries int64
	bytes   int64
	maxN    int64
	maxB    int64
	now     func() time.Time
	buf     []byte
	broken  error // a write failed half-way: the open transaction must not be committed
}

// NewBatch starts a batch of writes.
func (s *Store) NewBatch() (*Batch, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	if s.opts.ReadOnly {
		s.mu.Unlock()
		return nil, errors.New("store: index opened read-only")
	}
	if s.known == nil {
		if err := s.loadKnown(); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	// Stay at half of Badger's limits, so that an article never straddles two transactions.
	return &Batch{s: s, txn: s.db.NewTransaction(true), maxN: s.db.MaxBatchCount() / 2, maxB: s.db.MaxBatchSize() / 2, now: time.Now}, nil
}

// entryCost is a conservative estimate of Badger's per-entry transaction size beyond key and value.
const entryCost = 64

// reserve commits the current transaction if the next n entries of b bytes might not fit in it.
func (b *Batch) reserve(n, size int64) error {
	if n > b.maxN || size > b.maxB {
		return ErrTooLarge
	}
	if b.entries+n > b.maxN || b.bytes+size > b.maxB {
		if err := b.flush(); err != nil {
			return err
		}
	}
	b.entries += n
	b.bytes += size
	return nil
}

func (b *Batch) flush() error {
	if b.broken != nil {
		return b.broken
	}
	err := b.txn.Commit()
	b.txn = b.s.db.NewTransaction(true)
	b.entries, b.bytes = 0, 0
	if err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Flush commits what the batch holds so far; the batch stays usable.
func (b *Batch) Flush() error { return b.flush() }

// Commit commits the batch and releases the writer lock.
func (b *Batch) Commit() error {
	if b.txn == nil {
		return errors.New("store: batch already finished")
	}
	if b.broken != nil {
		b.Discard()
		return b.broken
	}
	defer b.s.mu.Unlock()
	err := b.txn.Commit()
	b.txn = nil
	if err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Discard drops what was not yet committed and releases the writer lock. It is safe after Commit.
func (b *Batch) Discard() {
	if b.txn == nil {
		return
	}
	b.txn.Discard()
	b.txn = nil
	b.s.mu.Unlock()
}

func (b *Batch) get(num uint64) (*Article, error) {
	if _, ok := b.s.known[num]; !ok {
		return nil, nil
	}
	item, err := b.txn.Get(docKey(num))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var a *Article
	err = item.Value(func(v []byte) error {
		var err error
		a, err = decodeArticle(v, partAll)
		return err
	})
	return a, err
}

func (a *Article) entries() int64 {
	n := int64(2 + len(a.Bands))
	for _, p := range a.Passages {
		n += int64(len(p.Bands))
	}
	return n
}

// expiry returns the expiry time of a (0 for none).
func (b *Batch) expiry(a *Article) (uint64, error) {
	r := b.s.opts.Retention
	if r <= 0 {
		return 0, nil
	}
	from := b.now()
	if a.DateUnix != 0 {
		from = time.Unix(a.DateUnix, 0)
	}
	exp := from.Add(r)
	if !exp.After(b.now()) {
		return 0, ErrExpired
	}
	return uint64(exp.Unix()), nil
}

// Put adds a, or replaces the article with its id.
func (b *Batch) Put(a *Article) (Result, error) {
	if b.broken != nil {
		return 0, b.broken
	}
	if a.ID == "" {
		return 0, errors.New("store: empty id")
	}
	exp, err := b.expiry(a)
	if err != nil {
		return 0, err
	}
	num := DocNum(a.ID)
	old, err := b.get(num)
	if err != nil {
		return 0, fmt.Errorf("store: read %q: %w", a.ID, err)
	}
	if old != nil && old.ID != a.ID {
		return 0, fmt.Errorf("%w: %q and %q", ErrCollision, a.ID, old.ID)
	}
	if old != nil && old.Digest == a.Digest {
		return Unchanged, nil
	}
	b.buf = a.encode(b.buf[:0])
	n := a.entries()
	size := int64(len(b.buf)) + n*(entryCost+30)
	if old != nil {
		n += old.entries()
		size += old.entries() * (entryCost + 30)
	}
	if err := b.reserve(n, size); err != nil {
		return 0, fmt.Errorf("%w: %q (%d entries, %d bytes)", err, a.ID, n, size)
	}
	// The reserve may have committed: read the old record again in the new transaction only if it changed there.
	if old != nil {
		b.deletePostings(num, old)
	}
	set := func(k, v []byte) error {
		e := badger.NewEntry(k, v)
		e.ExpiresAt = exp
		if err := b.txn.SetEntry(e); err != nil {
			b.broken = fmt.Errorf("store: write %q: %w", a.ID, err)
			return b.broken
		}
		return nil
	}
	for _, key := range a.Bands {
		if err := set(bandKey(nil, key, num), nil); err != nil {
			return 0, err
		}
	}
	for i, p := range a.Passages {
		for _, key := range p.Bands {
			if err := set(passageKey(nil, key, num, i), nil); err != nil {
				return 0, err
			}
		}
	}
	if a.ContentKey != 0 {
		if err := set(contentKey(a.ContentKey), binary.BigEndian.AppendUint64(nil, num)); err != nil {
			return 0, err
		}
	}
	if err := set(docKey(num), append([]byte(nil), b.buf...)); err != nil {
		return 0, err
	}
	b.s.known[num] = struct{}{}
	if old != nil {
		return Replaced, nil
	}
	return Added, nil
}

func (b *Batch) deletePostings(num uint64, old *Article) {
	if old.ContentKey != 0 {
		// Only if it still names this article: another one may have taken the key since.
		if item, err := b.txn.Get(contentKey(old.ContentKey)); err == nil {
			item.Value(func(v []byte) error {
				if len(v) == 8 && binary.BigEndian.Uint64(v) == num {
					b.txn.Delete(contentKey(old.ContentKey))
				}
				return nil
			})
		}
	}
	for _, key := range old.Bands {
		b.txn.Delete(bandKey(nil, key, num))
	}
	for i, p := range old.Passages {
		for _, key := range p.Bands {
			b.txn.Delete(passageKey(nil, key, num, i))
		}
	}
}

// Delete removes the article with the id and reports whether it was there.
func (b *Batch) Delete(id string) (bool, error) {
	num := DocNum(id)
	old, err := b.get(num)
	if err != nil {
		return false, fmt.Errorf("store: read %q: %w", id, err)
	}
	if old == nil || old.ID != id {
		return false, nil
	}
	if err := b.reserve(old.entries(), old.entries()*(entryCost+30)); err != nil {
		return false, err
	}
	b.deletePostings(num, old)
	if err := b.txn.Delete(docKey(num)); err != nil {
		return false, err
	}
	return true, nil
}

// Put adds or replaces one article in a transaction of its own.
func (s *Store) Put(a *Article) (Result, error) {
	b, err := s.NewBatch()
	if err != nil {
		return 0, err
	}
	defer b.Discard()
	r, err := b.Put(a)
	if err != nil {
		return 0, err
	}
	return r, b.Commit()
}

// Delete removes one article and reports whether it was there.
func (s *Store) Delete(id string) (bool, error) {
	b, err := s.NewBatch()
	if err != nil {
		return false, err
	}
	defer b.Discard()
	ok, err := b.Delete(id)
	if err != nil {
		return false, err
	}
	return ok, b.Commit()
}

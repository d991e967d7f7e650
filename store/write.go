package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
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

// Batch groups writes into few Badger transactions. Every article's entries (record and postings) are committed
// in one transaction, so after a crash an article is either wholly present or absent.
//
// Writes are pipelined: Put appends an article's entries to a group in memory; Flush sorts the group by key and
// hands it to a committer goroutine, which writes it to Badger in that order as one transaction (ordered.go), and
// Put goes on building the next group meanwhile. A Put or Delete that must read an id written in a group not yet
// applied first waits for it. A commit error is returned by a later Put, Flush or Commit.
//
// A Batch holds the store's writer lock from NewBatch until Commit or Discard; queries keep running meanwhile.
// A Batch is not safe for concurrent use.
type Batch struct {
	s        *Store
	cur      *group
	inflight []*group // handed to the committer, oldest first
	free     []*group
	queue    chan *group
	exited   chan struct{}
	maxN     int64
	maxB     int64
	now      func() time.Time
	err      error // the first commit error
	finished bool
	buf      []byte
	// totals are the counts after the last group handed to the committer (the committer's own copy).
	totals Counts
	// blk is the text block being filled (format 4, text.go); it is closed into the group of its articles.
	blk  openBlock
	vbuf []byte
	// uses are the use counts of the text blocks this batch wrote or released, as of its last write of them.
	uses map[uint64]blockUse
}

// blockUse is a text block's use count and expiry.
type blockUse struct {
	n   int
	exp uint64
}

// group is one transaction's worth of writes.
type group struct {
	slab  []byte // keys and values, back to back
	ents  []pending
	nums  map[uint64]struct{} // docnums written or deleted
	ckeys map[uint64]struct{} // content keys written or deleted
	n     int64               // entries, as reserved
	size  int64               // bytes, as reserved
	done  chan error          // the commit's result
	delta Counts              // what the group changes in the counts
	// order is ents sorted by key (sort, ordered.go), with the radix sort's scratch; kvs is the committer's.
	order, scratch []bulkEnt
	kvs            []pb.KV
}

type pending struct {
	k0, k1, v0, v1 int
	exp            uint64
	del            bool
}

func newGroup() *group {
	return &group{nums: map[uint64]struct{}{}, ckeys: map[uint64]struct{}{}, done: make(chan error, 1)}
}

func (g *group) reset() {
	g.slab, g.ents = g.slab[:0], g.ents[:0]
	clear(g.nums)
	clear(g.ckeys)
	g.n, g.size = 0, 0
	g.delta = Counts{}
}

func (g *group) set(k, v []byte, exp uint64) {
	k0 := len(g.slab)
	g.slab = append(g.slab, k...)
	v0 := len(g.slab)
	g.slab = append(g.slab, v...)
	g.ents = append(g.ents, pending{k0: k0, k1: v0, v0: v0, v1: len(g.slab), exp: exp})
}

func (g *group) delete(k []byte) {
	k0 := len(g.slab)
	g.slab = append(g.slab, k...)
	g.ents = append(g.ents, pending{k0: k0, k1: len(g.slab), del: true})
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
		return nil, ErrReadOnly
	}
	if err := s.space.check(0); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if s.known == nil {
		if err := s.loadKnown(); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	totals, err := s.startCounts()
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if s.params.blocks() && s.nextBlock == 0 {
		if err := s.db.View(func(txn *badger.Txn) error {
			last, err := lastBlock(txn)
			if err == nil {
				s.nextBlock = last + 1
			}
			return err
		}); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	b := &Batch{
		s:   s,
		cur: newGroup(),
		// Stay at three quarters of Badger's limits, so that an article never straddles two write requests.
		maxN:   s.db.MaxBatchCount() * 3 / 4,
		maxB:   s.db.MaxBatchSize() * 3 / 4,
		now:    time.Now,
		queue:  make(chan *group, 1),
		exited: make(chan struct{}),
		totals: totals,
		uses:   map[uint64]blockUse{},
	}
	b.blk.reset(s.nextBlock)
	go b.commitLoop()
	return b, nil
}

// commitLoop commits the groups handed to it, in order, each in key order (ordered.go). After a failed commit it
// writes nothing more: every later group gets the same error.
func (b *Batch) commitLoop() {
	defer close(b.exited)
	var failed error
	for g := range b.queue {
		if failed == nil {
			failed = b.commit(g)
			if failed == nil {
				continue
			}
			b.s.countsLost()
		}
		g.done <- failed
	}
}

// commit writes g sorted at the next commit timestamp and commits the transaction that makes it visible; the
// transaction's callback reports g done.
func (b *Batch) commit(g *group) error {
	// Opened first: Badger makes a new transaction wait until every earlier commit is applied, so its read
	// timestamp is the last commit's, and its commit timestamp will be the next (the store's writer lock keeps
	// every other writer out).
	txn := b.s.db.NewTransaction(true)
	ts := commitVersion(txn)
	totals := b.totals.add(g.delta)
	counts := totals.encode()
	if err := g.load(b.s.db, ts, counts); err != nil {
		txn.Discard()
		return fmt.Errorf("store: write: %w", err)
	}
	// The counts again: the transaction needs a write to take a commit timestamp.
	if err := txn.Set(countsKey, counts); err != nil {
		txn.Discard()
		return fmt.Errorf("store: write: %w", err)
	}
	b.totals = totals
	seq := b.s.commits.Add(1)
	txn.CommitWith(func(err error) {
		if err != nil {
			b.s.countsLost()
		} else {
			b.s.counts.committed(seq, totals)
		}
		b.s.generation.Add(1)
		g.done <- err
	})
	return nil
}

// reap collects the groups whose commits are done, without waiting unless wait is set.
func (b *Batch) reap(wait bool) error {
	for len(b.inflight) > 0 {
		g := b.inflight[0]
		var err error
		if wait {
			err = <-g.done
		} else {
			select {
			case err = <-g.done:
			default:
				return b.err
			}
		}
		if err != nil && b.err == nil {
			b.err = fmt.Errorf("store: commit: %w", err)
		}
		b.inflight = b.inflight[1:]
		g.reset()
		b.free = append(b.free, g)
	}
	return b.err
}

// entryCost is a conservative estimate of the size Badger counts for an entry of a write request beyond its key and
// value (the version, 8 bytes, and two bytes of metadata: Entry.estimateSizeAndSetThreshold).
const entryCost = 16

// reserve hands the current group to the committer if the next n entries of b bytes might not fit in it.
func (b *Batch) reserve(n, size int64) error {
	if n > b.maxN || size > b.maxB {
		return ErrTooLarge
	}
	if b.cur.n+n > b.maxN || b.cur.size+size > b.maxB {
		if err := b.flush(); err != nil {
			return err
		}
	}
	b.cur.n += n
	b.cur.size += size
	return nil
}

func (b *Batch) flush() error {
	if b.finished {
		return errors.New("store: batch already finished")
	}
	if err := b.reap(false); err != nil {
		return err
	}
	b.closeBlock()
	if len(b.cur.ents) == 0 {
		return nil
	}
	if err := b.s.space.check(b.cur.size); err != nil {
		return err
	}
	b.cur.sort()
	b.queue <- b.cur
	b.inflight = append(b.inflight, b.cur)
	if n := len(b.free); n > 0 {
		b.cur, b.free = b.free[n-1], b.free[:n-1]
	} else {
		b.cur = newGroup()
	}
	return nil
}

// Flush hands what the batch holds so far to be committed; the batch stays usable. The commit completes in the
// background: Commit waits for it.
func (b *Batch) Flush() error { return b.flush() }

// settle makes every write to the docnum and content key visible to reads: it commits and waits for the groups
// that hold one.
func (b *Batch) settle(num, ckey uint64) error {
	holds := func(g *group) bool {
		_, ok := g.nums[num]
		if !ok && ckey != 0 {
			_, ok = g.ckeys[ckey]
		}
		return ok
	}
	need := holds(b.cur)
	for _, g := range b.inflight {
		need = need || holds(g)
	}
	if !need {
		return nil
	}
	if err := b.flush(); err != nil {
		return err
	}
	return b.reap(true)
}

// Commit commits the batch, waits until it is applied and releases the writer lock.
func (b *Batch) Commit() error {
	if b.finished {
		return errors.New("store: batch already finished")
	}
	err := b.flush()
	b.finish()
	if err != nil {
		return err
	}
	return b.err
}

// Discard drops what was not yet handed over by Flush, waits for what was, and releases the writer lock. It is
// safe after Commit.
func (b *Batch) Discard() {
	if b.finished {
		return
	}
	b.cur.reset()
	b.blk.reset(b.s.nextBlock) // its articles were in the dropped group
	b.finish()
}

// closeBlock writes the open text block, if it has articles, into the current group, which holds them.
func (b *Batch) closeBlock() {
	o := &b.blk
	if len(o.members) == 0 {
		return
	}
	if n := o.live(); n > 0 { // else every article of it was replaced while it was open
		var kb [16]byte
		b.vbuf = o.encode(b.vbuf[:0])
		b.cur.set(blockKey(kb[:0], o.num), b.vbuf, o.exp)
		b.cur.set(useKey(kb[:0], o.num), encodeUse(n), o.exp)
		b.uses[o.num] = blockUse{n, o.exp}
	}
	b.s.nextBlock = o.num + 1
	o.reset(b.s.nextBlock)
}

// release writes, into the current group, that one record less names the text block; the block goes with the
// last. A block not found expired with its articles.
func (b *Batch) release(block uint64) error {
	if block == b.blk.num && len(b.blk.members) > 0 {
		b.blk.dead++
		return nil
	}
	u, ok := b.uses[block]
	if !ok {
		// Not written by this batch, so its committed count is its count.
		err := b.s.db.View(func(txn *badger.Txn) error {
			var err error
			u.n, u.exp, err = readUse(txn, block)
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: read text block use: %w", err)
		}
	}
	if u.n == 0 {
		return nil
	}
	u.n--
	b.uses[block] = u
	var kb [16]byte
	if u.n == 0 {
		b.cur.delete(blockKey(kb[:0], block))
		b.cur.delete(useKey(kb[:0], block))
	} else {
		b.cur.set(useKey(kb[:0], block), encodeUse(u.n), u.exp)
	}
	return nil
}

func (b *Batch) finish() {
	b.finished = true
	b.reap(true)
	close(b.queue)
	<-b.exited
	b.s.mu.Unlock()
}

func (b *Batch) get(num uint64) (*Article, error) {
	if !b.s.known.has(num) {
		return nil, nil
	}
	if err := b.settle(num, 0); err != nil {
		return nil, err
	}
	a, err := b.s.view(num, partAll)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return a, err
}

func (a *Article) check() error {
	sorted := func(s Set) bool {
		for i := 1; i < len(s); i++ {
			if s[i] <= s[i-1] {
				return false
			}
		}
		return len(s) <= MaxSetSize
	}
	if !sorted(a.Set) {
		return fmt.Errorf("%w: shingle set not strictly increasing", ErrInvalid)
	}
	if !sorted(a.Anchors) {
		return fmt.Errorf("%w: anchors not strictly increasing", ErrInvalid)
	}

	for i, p := range a.Passages {
		if !sorted(p.Set) {
			return fmt.Errorf("%w: passage %d set not strictly increasing", ErrInvalid, i)
		}
	}
	return nil
}

func (a *Article) entries() int64 {
	c := a.postings()
	// record, content key, text (or a text block's use count), the undated mark and the postings; a text block's own two
	// entries take the place of its articles' text entries, which are never fewer than them but for a block of
	// one article, which has no content key
	return 5 + c.Bands + c.Passages + c.Anchors
}

// postings returns what a counts for in the index's counts: one article and its postings.
func (a *Article) postings() Counts {
	c := Counts{Articles: 1, Bands: int64(len(a.Bands)), Anchors: int64(len(a.Anchors))}
	for _, p := range a.Passages {
		c.Passages += int64(len(p.Bands))
	}
	return c
}

// validate checks an article before it is written to an index of params p.
func (a *Article) validate(p Params) error {
	if a.ID == "" {
		return fmt.Errorf("%w: empty id", ErrInvalid)
	}
	if err := a.check(); err != nil {
		return fmt.Errorf("%w: %q", err, a.ID)
	}
	if len(a.Anchors) > 0 && p.Anchors <= 0 {
		return fmt.Errorf("%w: anchors given to an index without them: %q", ErrInvalid, a.ID)
	}
	return nil
}

// expiry returns the expiry time of an article dated date (0: undated, from now) under retention r (0 for
// none), or ErrExpired when that time has passed.
func expiry(r time.Duration, now time.Time, date int64) (uint64, error) {
	if r <= 0 {
		return 0, nil
	}
	from := now
	if date != 0 {
		from = time.Unix(date, 0)
	}
	exp := from.Add(r)
	if !exp.After(now) {
		return 0, ErrExpired
	}
	return uint64(exp.Unix()), nil
}

// eachEntry calls set with every key and value a is stored under, num its docnum, w the band key bytes its
// postings keep (Params.bandBytes), rec its encoding and frame its text's t key value (formats 2 and 3; nil for
// none): its postings, content key, text and record, in that order. set copies what it keeps. A text kept in a block is written with the block.
func (a *Article) eachEntry(num uint64, w int, rec, frame []byte, set func(k, v []byte)) {
	var kb [32]byte
	for _, key := range a.Bands {
		set(bandKey(kb[:0], w, key, num), nil)
	}
	for i, p := range a.Passages {
		for _, key := range p.Bands {
			set(passageKey(kb[:0], key, num, i), nil)
		}
	}
	for _, v := range a.Anchors {
		set(anchorKey(kb[:0], v, num), nil)
	}
	if a.ContentKey != 0 {
		set(contentKey(kb[:0], a.ContentKey), binary.BigEndian.AppendUint64(kb[9:9], num))
	}
	if frame != nil {
		set(textKey(kb[:0], num), frame)
	}
	if a.undated() {
		set(undatedKey(kb[:0], num), nil)
	}
	set(docKey(kb[:0], num), rec)
}

// Put adds a, or replaces the article with its id.
func (b *Batch) Put(a *Article) (Result, error) {
	if b.finished {
		return 0, errors.New("store: batch already finished")
	}
	if err := b.reap(false); err != nil {
		return 0, err
	}
	if err := a.validate(b.s.params); err != nil {
		return 0, err
	}
	exp, err := expiry(b.s.opts.Retention, b.now(), a.DateUnix)
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
	if old != nil {
		// deletePostings reads who owns the old content key: make every pending write of it visible first,
		// before reserve, so that the group reserved in is the group written to.
		if err := b.settle(0, old.ContentKey); err != nil {
			return 0, err
		}
	}
	blocks := b.s.params.blocks() && a.Text != nil
	var frame []byte
	a.ref = textRef{}
	a.version = b.s.params.recordVersion()
	switch {
	case blocks:
		a.ref = textRef{b.blk.num, uint32(len(b.blk.raw)), uint32(len(a.Text))} // as it will be, unless a flush closes the block
	case a.Text != nil && b.s.params.Text:
		frame = compressFrame(a.Text)
	}
	b.buf = a.encode(b.buf[:0])
	n := a.entries()
	size := int64(len(b.buf)+len(a.Text)) + n*(entryCost+30)
	if old != nil {
		n += old.entries()
		size += old.entries() * (entryCost + 30)
	}
	if err := b.reserve(n, size); err != nil {
		return 0, fmt.Errorf("%w: %q (%d entries, %d bytes)", err, a.ID, n, size)
	}
	if old != nil {
		if err := b.deletePostings(num, old); err != nil {
			return 0, err
		}
	}
	if blocks {
		if ref := b.blk.add(num, a.Text, exp); ref != a.ref {
			a.ref = ref
			b.buf = a.encode(b.buf[:0])
		}
	}
	g := b.cur
	d := a.postings()
	if old != nil {
		d = d.sub(old.postings())
	}
	g.delta = g.delta.add(d)
	a.eachEntry(num, b.s.params.bandBytes(), b.buf, frame, func(k, v []byte) { g.set(k, v, exp) })
	if a.ContentKey != 0 {
		g.ckeys[a.ContentKey] = struct{}{}
	}
	g.nums[num] = struct{}{}
	b.s.known.add(num)
	if b.blk.full() {
		b.closeBlock()
	}
	if old != nil {
		return Replaced, nil
	}
	return Added, nil
}

// deletePostings writes the deletion of old's postings and, if it still names old, of its content key, into the
// current group. The caller has settled every pending write of the content key.
func (b *Batch) deletePostings(num uint64, old *Article) error {
	g := b.cur
	if old.ContentKey != 0 {
		// Only if it still names this article: another one may have taken the key since.
		var owner uint64
		err := b.s.db.View(func(txn *badger.Txn) error {
			var err error
			owner, err = contentOwner(txn, old.ContentKey)
			return err
		})
		if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrCorrupt) {
			return fmt.Errorf("store: read content key: %w", err)
		}
		if owner == num {
			g.delete(contentKey(nil, old.ContentKey))
			g.ckeys[old.ContentKey] = struct{}{}
		}
	}
	var kb [32]byte
	if old.ref.block != 0 {
		if err := b.release(old.ref.block); err != nil {
			return err
		}
	} else if b.s.params.Text && !b.s.params.blocks() {
		g.delete(textKey(kb[:0], num)) // a replacement with a text sets it again, later in the same transaction
	}
	w := b.s.params.bandBytes()
	for _, key := range old.Bands {
		g.delete(bandKey(kb[:0], w, key, num))
	}
	for i, p := range old.Passages {
		for _, key := range p.Bands {
			g.delete(passageKey(kb[:0], key, num, i))
		}
	}
	for _, v := range old.Anchors {
		g.delete(anchorKey(kb[:0], v, num))
	}
	if old.undated() {
		g.delete(undatedKey(kb[:0], num))
	}
	g.nums[num] = struct{}{}
	return nil
}

// Delete removes the article with the id and reports whether it was there.
func (b *Batch) Delete(id string) (bool, error) {
	if b.finished {
		return false, errors.New("store: batch already finished")
	}
	num := DocNum(id)
	old, err := b.get(num)
	if err != nil {
		return false, fmt.Errorf("store: read %q: %w", id, err)
	}
	if old == nil || old.ID != id {
		return false, nil
	}
	if err := b.settle(0, old.ContentKey); err != nil {
		return false, err
	}
	n := old.entries()
	if err := b.reserve(n, n*(entryCost+30)); err != nil {
		return false, err
	}
	if err := b.deletePostings(num, old); err != nil {
		return false, err
	}
	b.cur.delete(docKey(nil, num))
	b.cur.delta = b.cur.delta.sub(old.postings())
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

package store

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/ristretto/v2/z"
)

// Bulk building.
//
// A new index built article by article pays for Badger's memtables and compactions: posting keys are random, so
// every level-0 compaction rewrites the level below. A Bulk writes the same keys and values without them: Put
// appends each article's entries to a buffer that is sorted and spilled to a run file when full; Commit merges
// the runs into Badger's StreamWriter, which writes the tables of the last level directly, then writes the
// parameters and counts. The index is built in a folder beside the target (DIR.bulk) and renamed to DIR only
// when it is whole, so a killed build leaves no index at DIR, only the folder beside it, which the next build
// removes. An article Put twice keeps its last version, and a content key belongs to its last writer while that
// writer is not replaced, as with Batch.Put; two ids of one docnum are refused (ErrCollision). The result is the index a Batch would build from the same articles, key for key (a test
// compares them), readable and writable like any other.

// ErrExists is returned by CreateBulk for a folder that already holds an index.
var ErrExists = errors.New("store: the folder already holds an index")

// bulkRunBytes is the size of the buffer sorted and spilled as one run.
const bulkRunBytes = 64 << 20

// Bulk builds a new index in one pass; see CreateBulk.
type Bulk struct {
	// ctx, while Commit runs, is CommitContext's: its cancellation stops the merge, and nothing is visible.
	ctx      context.Context
	dir, tmp string
	opts     Options
	now      func() time.Time
	slab     []byte
	ents     []bulkEnt
	runs     []*runFile
	docs     []uint64 // the docnum of each Put, by sequence number
	buf      []byte
	done     bool
	// runBytes and streamKeys are bulkRunBytes and bulkStreamKeys (tests make them small).
	runBytes, streamKeys int
	// spilling is the run being sorted and written in the background (nil: none), with its buffers, reused for
	// the next run once it is done.
	spilling   chan error
	spareSlab  []byte
	spareEnts  []bulkEnt
	spillError error
	// sortScratch is the radix sort's second buffer, used by one run's write at a time.
	sortScratch []bulkEnt
	// blk is the text block being filled (format 4, text.go); blocks are the closed ones, in order, and texts
	// marks the Puts that have a text in one, by sequence number.
	blk    openBlock
	blocks []bulkBlock
	texts  []uint64
	vbuf   []byte
}

// bulkBlock is a closed text block: its number, the sequence number of its first article and its article count.
type bulkBlock struct {
	num      uint64
	first, n uint32
}

// bulkEnt is one entry of the current run: its key and value in the slab, expiry and the sequence number of the
// Put that wrote it.
type bulkEnt struct {
	prefix     uint64 // keyPrefix(key), for a fast sort
	k0, k1, v1 uint32
	seq        uint32
	exp        uint64
}

// CreateBulk starts building a new index in dir, which must not hold one, with o.Params (required). Nothing is
// visible at dir until Commit returns.
func CreateBulk(dir string, o *Options) (*Bulk, error) {
	if o == nil || o.Params == (Params{}) {
		return nil, ErrNoParams
	}
	exists, err := Exists(dir)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if exists {
		return nil, fmt.Errorf("%w: %s", ErrExists, dir)
	}
	tmp := filepath.Clean(dir) + ".bulk"
	if err := os.RemoveAll(tmp); err != nil { // a killed build's
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(tmp, "runs"), 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	b := &Bulk{dir: dir, tmp: tmp, opts: *o, now: time.Now, runBytes: bulkRunBytes, streamKeys: bulkStreamKeys}
	b.slab = make([]byte, 0, b.runBytes+b.runBytes/8)
	b.opts.Params.Format = FormatVersion
	b.blk.reset(1)
	return b, nil
}

// Params returns the parameters the index is built with.
func (b *Bulk) Params() Params { return b.opts.Params }

func (b *Bulk) add(key, val []byte, seq uint32, exp uint64) {
	k0 := uint32(len(b.slab))
	b.slab = append(b.slab, key...)
	k1 := uint32(len(b.slab))
	b.slab = append(b.slab, val...)
	b.ents = append(b.ents, bulkEnt{keyPrefix(key), k0, k1, uint32(len(b.slab)), seq, exp})
}

// keyPrefix returns the first 8 bytes of key, big-endian, zeros past its end: prefixes order as the keys do,
// except that keys equal in their first 8 bytes (or differing only by trailing zeros there) need comparing.
func keyPrefix(key []byte) uint64 {
	var p [8]byte
	copy(p[:], key)
	return binary.BigEndian.Uint64(p[:])
}

// Put adds a to the index being built.
func (b *Bulk) Put(a *Article) error {
	if b.done {
		return errors.New("store: bulk build already finished")
	}
	if err := a.validate(b.opts.Params); err != nil {
		return err
	}
	exp, err := expiry(b.opts.Retention, b.now(), a.DateUnix)
	if err != nil {
		return err
	}
	num := DocNum(a.ID)
	seq := uint32(len(b.docs))
	b.docs = append(b.docs, num)
	var frame []byte
	a.ref = textRef{}
	switch {
	case a.Text != nil && b.opts.Params.blocks():
		if len(b.blk.members) == 0 {
			b.blocks = append(b.blocks, bulkBlock{num: b.blk.num, first: seq})
		}
		a.ref = b.blk.add(num, a.Text, exp)
		for int(seq/64) >= len(b.texts) {
			b.texts = append(b.texts, 0)
		}
		b.texts[seq/64] |= 1 << (seq % 64)
	case a.Text != nil && b.opts.Params.Text:
		frame = compressFrame(a.Text)
	}
	a.version = b.opts.Params.recordVersion()
	b.buf = a.encode(b.buf[:0])
	a.eachEntry(num, b.opts.Params.bandBytes(), b.buf, frame, func(k, v []byte) { b.add(k, v, seq, exp) })
	if b.blk.full() {
		b.closeBlock(seq)
	}
	if len(b.slab) >= b.runBytes {
		return b.diskFull(b.spillAsync())
	}
	return nil
}

// closeBlock adds the open text block's entries, with seq the sequence number of its last article; its use count
// is its article count, less those a later Put replaces (Commit counts them).
func (b *Bulk) closeBlock(seq uint32) {
	o := &b.blk
	if len(o.members) == 0 {
		return
	}
	var kb [16]byte
	b.vbuf = o.encode(b.vbuf[:0])
	b.add(blockKey(kb[:0], o.num), b.vbuf, seq, o.exp)
	b.add(useKey(kb[:0], o.num), encodeUse(len(o.members)), seq, o.exp)
	b.blocks[len(b.blocks)-1].n = uint32(len(o.members))
	o.reset(o.num + 1)
}

// staleTexts returns, for each text block with articles a later Put replaced, how many.
func (b *Bulk) staleTexts(stale map[uint32]bool) map[uint64]int {
	out := map[uint64]int{}
	for seq := range stale {
		if int(seq/64) >= len(b.texts) || b.texts[seq/64]&(1<<(seq%64)) == 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(b.blocks, seq, func(x bulkBlock, seq uint32) int {
			return cmp.Compare(x.first, seq+1)
		})
		out[b.blocks[i-1].num]++
	}
	return out
}

// spillAsync hands the buffered run to a goroutine that sorts and writes it, and goes on with the other pair of
// buffers, so that hashing and sorting overlap. It waits for the previous run first.
func (b *Bulk) spillAsync() error {
	if err := b.wait(); err != nil {
		return err
	}
	slab, ents := b.slab, b.ents
	run := &runFile{name: b.runName()}
	b.runs = append(b.runs, run)
	b.slab, b.ents = b.spareSlab[:0], b.spareEnts[:0]
	if b.slab == nil {
		b.slab = make([]byte, 0, b.runBytes+b.runBytes/8)
	}
	done := make(chan error, 1)
	b.spilling = done
	go func() {
		err := run.write(slab, ents, &b.sortScratch)
		b.spareSlab, b.spareEnts = slab, ents // read only after wait has received
		done <- err
	}()
	return nil
}

// wait waits for the run being written in the background.
func (b *Bulk) wait() error {
	if b.spilling != nil {
		if err := <-b.spilling; err != nil && b.spillError == nil {
			b.spillError = err
		}
		b.spilling = nil
	}
	return b.spillError
}

func (b *Bulk) runName() string {
	return filepath.Join(b.tmp, "runs", fmt.Sprintf("%06d", len(b.runs)))
}

// spill sorts and writes the buffered entries as a run, in this goroutine (the last run).
func (b *Bulk) spill() error {
	if err := b.wait(); err != nil {
		return err
	}
	if len(b.ents) == 0 {
		return nil
	}
	run := &runFile{name: b.runName()}
	b.runs = append(b.runs, run)
	err := run.write(b.slab, b.ents, &b.sortScratch)
	b.slab, b.ents = b.slab[:0], b.ents[:0]
	return err
}

// runFile is a sorted run on disk; starts[p] is the offset of its first key of part p (-1: none), so that the
// parts can be merged on their own, in parallel.
type runFile struct {
	name   string
	starts [parts]int64
	size   int64
}

// parts is the number of key ranges merged apart: by a key's first byte and the top two bits of its second
// (bands alone are a third of the keys: four parts of them keep both cores busy).
const parts = 1024

func partOf(key []byte) int {
	if len(key) < 2 {
		return int(key[0]) << 2
	}
	return int(key[0])<<2 | int(key[1]>>6)
}

// write sorts entries (by key, then sequence) and writes them to the run's file. scratch is sortEnts's, grown as
// needed.
func (r *runFile) write(slab []byte, ents []bulkEnt, scratch *[]bulkEnt) error {
	name := r.name
	for i := range r.starts {
		r.starts[i] = -1
	}
	*scratch = sortEnts(ents, *scratch, slab)
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("store: bulk run: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var hdr []byte
	var off int64
	for i := range ents {
		e := &ents[i]
		if p := partOf(slab[e.k0:e.k1]); r.starts[p] < 0 {
			r.starts[p] = off
		}
		hdr = binary.AppendUvarint(hdr[:0], uint64(e.k1-e.k0))
		hdr = binary.AppendUvarint(hdr, uint64(e.v1-e.k1))
		hdr = binary.AppendUvarint(hdr, uint64(e.seq))
		hdr = binary.AppendUvarint(hdr, e.exp)
		w.Write(hdr)
		w.Write(slab[e.k0:e.v1])
		off += int64(len(hdr)) + int64(e.v1-e.k0)
	}
	r.size = off
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("store: bulk run: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: bulk run: %w", err)
	}
	return nil
}

// sortEnts sorts ents by key, then sequence number, and returns scratch (grown to len(ents) if it was shorter) for
// the next call. A run holds about a million entries: a comparison sort spends most of its time in the
// comparator, so the 8-byte key prefixes are radix sorted instead (least significant byte first, a pass for each
// byte on which the entries differ), and only the entries that share a prefix are then compared, by the rest of
// their keys and their sequence numbers.
func sortEnts(ents, scratch []bulkEnt, slab []byte) []bulkEnt {
	if len(ents) < 2 {
		return scratch
	}
	if cap(scratch) < len(ents) {
		scratch = make([]bulkEnt, len(ents))
	}
	scratch = scratch[:len(ents)]
	var count [8][256]int
	for i := range ents {
		p := ents[i].prefix
		for d := range 8 {
			count[d][byte(p>>(8*d))]++
		}
	}
	src, dst := ents, scratch
	for d := range 8 {
		c := &count[d]
		shift := uint(8 * d)
		if c[byte(src[0].prefix>>shift)] == len(src) {
			continue // every entry has this byte
		}
		sum := 0
		for b, n := range c {
			c[b] = sum
			sum += n
		}
		for i := range src {
			b := byte(src[i].prefix >> shift)
			dst[c[b]] = src[i]
			c[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ents[0] {
		copy(ents, src)
	}
	for i := 0; i < len(ents); {
		j := i + 1
		for j < len(ents) && ents[j].prefix == ents[i].prefix {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(ents[i:j], func(x, y bulkEnt) int { return compareEnts(slab, x, y) })
		}
		i = j
	}
	return scratch
}

// compareEnts orders entries by key, then sequence number.
func compareEnts(slab []byte, x, y bulkEnt) int {
	return compareEntries(x.prefix, slab[x.k0:x.k1], x.seq, y.prefix, slab[y.k0:y.k1], y.seq)
}

// compareEntries is the order of a run's entries, in which runs are written and merged: by key (its prefix,
// keyPrefix, first), then by sequence number.
func compareEntries(px uint64, kx []byte, sx uint32, py uint64, ky []byte, sy uint32) int {
	if px != py {
		return cmp.Compare(px, py)
	}
	if c := bytes.Compare(kx, ky); c != 0 {
		return c
	}
	return cmp.Compare(sx, sy)
}

// runReader reads one run file's entries in order.
type runReader struct {
	r        *bufio.Reader
	f        *os.File
	key, val []byte
	seq      uint32
	exp      uint64
	prefix   uint64 // keyPrefix(key): most comparisons end there
}

func (r *runReader) next() (bool, error) {
	kl, err := binary.ReadUvarint(r.r)
	if err == io.EOF {
		return false, nil
	}
	vl, err2 := binary.ReadUvarint(r.r)
	seq, err3 := binary.ReadUvarint(r.r)
	exp, err4 := binary.ReadUvarint(r.r)
	if err := errors.Join(err, err2, err3, err4); err != nil {
		return false, fmt.Errorf("store: bulk run: %w", err)
	}
	r.key = slices.Grow(r.key[:0], int(kl))[:kl]
	r.val = slices.Grow(r.val[:0], int(vl))[:vl]
	if _, err := io.ReadFull(r.r, r.key); err != nil {
		return false, fmt.Errorf("store: bulk run: %w", err)
	}
	if _, err := io.ReadFull(r.r, r.val); err != nil {
		return false, fmt.Errorf("store: bulk run: %w", err)
	}
	r.seq, r.exp = uint32(seq), exp
	r.prefix = keyPrefix(r.key)
	return true, nil
}

// runHeap orders the run readers by their current entry: key, then sequence. It is a binary heap with its own
// sift and the key prefixes compared first: container/heap's calls through an interface, each comparing whole
// keys, took 1.6 s of CPU in the merge of a million articles, this 0.6 s.
type runHeap []*runReader

func (h runHeap) less(i, j int) bool {
	a, b := h[i], h[j]
	return compareEntries(a.prefix, a.key, a.seq, b.prefix, b.key, b.seq) < 0
}

// down restores the heap order below i.
func (h runHeap) down(i int) {
	for {
		m := 2*i + 1
		if m >= len(h) {
			return
		}
		if r := m + 1; r < len(h) && h.less(r, m) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h runHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// pop removes the least reader.
func (h *runHeap) pop() {
	old := *h
	n := len(old) - 1
	old[0], old[n] = old[n], nil
	*h = old[:n]
	h.down(0)
}

// stale returns the sequence numbers of the Puts a later Put of the same docnum replaced.
func (b *Bulk) stale() map[uint32]bool {
	order := make([]uint32, len(b.docs))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(x, y uint32) int {
		if b.docs[x] != b.docs[y] {
			if b.docs[x] < b.docs[y] {
				return -1
			}
			return 1
		}
		return int(x) - int(y)
	})
	out := map[uint32]bool{}
	for i := 1; i < len(order); i++ {
		if b.docs[order[i]] == b.docs[order[i-1]] {
			out[order[i-1]] = true
		}
	}
	return out
}

// Commit writes the index and makes it visible at dir. It returns the index's counts. Whether it succeeds or
// fails, the build's own files are removed.
func (b *Bulk) Commit() (Counts, error) { return b.CommitContext(context.Background()) }

// CommitContext is Commit, stopped by ctx's cancellation: the merge checks it every few megabytes it writes and
// once more before the index is made visible, and a cancelled build is discarded (ctx's error is returned; the
// folder stays as it was, and nothing is indexed).
func (b *Bulk) CommitContext(ctx context.Context) (Counts, error) {
	b.ctx = ctx
	c, err := b.commit()
	return c, b.diskFull(err)
}

func (b *Bulk) commit() (Counts, error) {
	var c Counts
	if b.done {
		return c, errors.New("store: bulk build already finished")
	}
	b.done = true
	defer os.RemoveAll(b.tmp)
	if len(b.docs) > 0 {
		b.closeBlock(uint32(len(b.docs) - 1))
	}
	if err := b.spill(); err != nil {
		return c, err
	}
	b.slab, b.ents, b.spareSlab, b.spareEnts, b.sortScratch = nil, nil, nil, nil, nil // the merge needs none of them
	stale := b.stale()
	b.docs = nil
	dead := b.staleTexts(stale)
	b.blocks, b.texts = nil, nil
	dbDir := filepath.Join(b.tmp, "index")
	db, err := badger.Open(b.opts.badgerOptions(dbDir))
	if err != nil {
		return c, fmt.Errorf("store: bulk: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	if c, err = b.merge(db, stale, dead); err != nil {
		return c, err
	}
	params, _ := json.Marshal(b.opts.Params)
	err = db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(paramsKey, params); err != nil {
			return err
		}
		return txn.Set(countsKey, c.encode())
	})
	if err != nil {
		return c, fmt.Errorf("store: bulk: %w", err)
	}
	closed = true
	if err := db.Close(); err != nil {
		return c, fmt.Errorf("store: bulk: %w", err)
	}
	if err := b.ctx.Err(); err != nil {
		return c, err // the last moment to stop: nothing is visible yet
	}
	if err := os.Remove(b.dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return c, fmt.Errorf("store: bulk: %s is not an empty folder: %w", b.dir, err)
	}
	if err := os.Rename(dbDir, b.dir); err != nil {
		return c, fmt.Errorf("store: bulk: %w", err)
	}
	return c, syncDir(filepath.Dir(filepath.Clean(b.dir)))
}

// diskFull turns a write that failed for want of space into a *DiskFullError (the space a bulk build needs is
// about twice the index: the runs, then the tables); other errors are returned as they are.
func (b *Bulk) diskFull(err error) error {
	if err == nil || !errors.Is(err, syscall.ENOSPC) && !strings.Contains(err.Error(), syscall.ENOSPC.Error()) {
		return err
	}
	var runs int64
	for _, r := range b.runs {
		runs += r.size
	}
	free, _ := diskFree(filepath.Dir(b.tmp))
	return &DiskFullError{Dir: b.dir, Free: free, Need: 2 * (runs + int64(len(b.slab)))}
}

// Discard abandons the build and removes its files.
func (b *Bulk) Discard() {
	if !b.done {
		b.done = true
		b.wait()
		os.RemoveAll(b.tmp)
	}
}

// bulkStreamKeys is the number of keys written per StreamWriter stream: streams cover consecutive key ranges,
// and Badger builds the tables of several at once.
const bulkStreamKeys = 1 << 22

// merge streams the runs, merged and with replaced versions dropped, into db's StreamWriter: each part of the
// key space (partOf) on its own, several at once, each in streams of its own (their key ranges do not overlap).
func (b *Bulk) merge(db *badger.DB, stale map[uint32]bool, dead map[uint64]int) (c Counts, err error) {
	sw := db.NewStreamWriter()
	if err := sw.Prepare(); err != nil {
		return c, fmt.Errorf("store: bulk: %w", err)
	}
	var present []int
	for p := range parts {
		for _, r := range b.runs {
			if r.starts[p] >= 0 {
				present = append(present, p)
				break
			}
		}
	}
	var mu sync.Mutex
	var firstErr error
	var stream atomic.Uint32
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, p := range present {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			pc, err := b.mergePrefix(sw, p, stale, dead, &stream)
			mu.Lock()
			defer mu.Unlock()
			c = c.add(pc)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		sw.Cancel()
		return c, firstErr
	}
	if err := sw.Flush(); err != nil {
		return c, fmt.Errorf("store: bulk: %w", err)
	}
	return c, nil
}

// mergePrefix merges the keys of part p of every run into sw.
func (b *Bulk) mergePrefix(sw *badger.StreamWriter, p int, stale map[uint32]bool, dead map[uint64]int, streams *atomic.Uint32) (c Counts, err error) {
	h := make(runHeap, 0, len(b.runs))
	defer func() {
		for _, r := range h {
			r.f.Close()
		}
	}()
	for _, run := range b.runs {
		start := run.starts[p]
		if start < 0 {
			continue
		}
		end := run.size
		for q := p + 1; q < parts; q++ {
			if run.starts[q] >= 0 {
				end = run.starts[q]
				break
			}
		}
		f, err := os.Open(run.name)
		if err != nil {
			return c, fmt.Errorf("store: bulk run: %w", err)
		}
		r := &runReader{f: f, r: bufio.NewReaderSize(io.NewSectionReader(f, start, end-start), 256<<10)}
		ok, err := r.next()
		if err != nil || !ok {
			f.Close()
			if err != nil {
				return c, err
			}
			continue
		}
		h = append(h, r)
	}
	h.init()
	buf := z.NewBuffer(16<<20, "neardup.bulk")
	defer buf.Release()
	stream, inStream := streams.Add(1), 0
	flush := func(done bool) error {
		if done {
			kvToBuffer(buf, nil, nil, 0, 0, stream, true)
		}
		if buf.LenNoPadding() == 0 {
			return nil
		}
		err := sw.Write(buf)
		buf.Reset()
		if err != nil {
			return fmt.Errorf("store: bulk: %w", err)
		}
		return nil
	}
	// The entries of one key come in sequence order; the last live one is written. group is the key of the
	// entries being read, gid the id of its first record (for a doc key).
	var key, val, group, gid []byte
	var exp uint64
	have := false
	emit := func() error {
		if !have {
			return nil
		}
		have = false
		switch {
		case key[0] == prefixDoc && len(key) == 9:
			c.Articles++
		case key[0] == prefixBand:
			c.Bands++
		case key[0] == prefixPassage:
			c.Passages++
		case key[0] == prefixAnchor:
			c.Anchors++
		}
		kvToBuffer(buf, key, val, 1, exp, stream, false)
		if inStream++; inStream >= b.streamKeys {
			if err := flush(true); err != nil {
				return err
			}
			stream, inStream = streams.Add(1), 0
		}
		if buf.LenNoPadding() >= 8<<20 {
			if err := b.ctx.Err(); err != nil {
				return err
			}
			return flush(false)
		}
		return nil
	}
	for len(h) > 0 {
		r := h[0]
		same := group != nil && bytes.Equal(group, r.key)
		if !same {
			if err := emit(); err != nil {
				return c, err
			}
			group = append(group[:0], r.key...)
		}
		if r.key[0] == prefixDoc {
			// Versions of one docnum replace each other; two ids of one docnum are refused.
			id, err := recordID(r.val)
			if err != nil {
				return c, err
			}
			if !same {
				gid = append(gid[:0], id...)
			} else if !bytes.Equal(id, gid) {
				return c, fmt.Errorf("%w: %q and %q", ErrCollision, gid, id)
			}
		}
		switch live := !stale[r.seq]; {
		case (r.key[0] == prefixBlock || r.key[0] == prefixUse) && len(r.key) == 9:
			// A text block lives while a record names it: its use count is its article count less those
			// replaced by a later Put.
			n, err := blockUses(r.key, r.val, dead)
			if err != nil {
				return c, err
			}
			key, exp, have = append(key[:0], r.key...), r.exp, n > 0
			if r.key[0] == prefixUse {
				val = binary.AppendUvarint(val[:0], uint64(n))
			} else {
				val = append(val[:0], r.val...)
			}
		case r.key[0] == prefixContent:
			// A content key belongs to its last writer, and goes when that writer is replaced (as Batch.Put
			// deletes it): the last entry decides, live or not.
			key, val, exp, have = append(key[:0], r.key...), append(val[:0], r.val...), r.exp, live
		case live:
			key, val, exp, have = append(key[:0], r.key...), append(val[:0], r.val...), r.exp, true
		}
		ok, err := r.next()
		if err != nil {
			return c, err
		}
		if ok {
			h.down(0)
		} else {
			r.f.Close()
			h.pop()
		}
	}
	if err := emit(); err != nil {
		return c, err
	}
	if err := flush(inStream > 0); err != nil {
		return c, err
	}
	return c, nil
}

// blockUses returns the use count of the text block of a block or use key written by a Bulk, its value val.
func blockUses(key, val []byte, dead map[uint64]int) (int, error) {
	num := binary.BigEndian.Uint64(key[1:])
	var n int
	if key[0] == prefixUse {
		var err error
		if n, err = decodeUse(val); err != nil {
			return 0, err
		}
	} else {
		members, _, err := decodeBlockHeader(val, nil)
		if err != nil {
			return 0, err
		}
		n = len(members)
	}
	return n - dead[num], nil
}

// recordID returns the id in an encoded record.
func recordID(rec []byte) ([]byte, error) {
	if len(rec) < 2 {
		return nil, ErrCorrupt
	}
	n, w := binary.Uvarint(rec[1:])
	if w <= 0 || uint64(len(rec)-1-w) < n {
		return nil, ErrCorrupt
	}
	return rec[1+w : 1+w+int(n)], nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", dir, err)
	}
	return nil
}

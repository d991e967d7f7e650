package store

// Badger's private layout.
//
// This file holds the store's assumptions about Badger internals that its public API does not give, each pinned
// by a test against the Badger version in go.mod (TestBadgerPinned checks that version): an upgrade of Badger
// means rereading this file and running those tests. They are: the iterators' table errors (below; badger_test.go),
// the write-ahead log's transaction markers and the commit version of a transaction (TestOrderedGroup), the
// refusals of Txn.modify (TestOrderedGroupRefused), and the StreamWriter's encoding of an entry
// (TestKVToBufferMatchesBadger).
//
// Table block errors. Badger checks every table block's checksum when it reads it (Options.ChecksumVerificationMode
// OnBlockRead), but an iterator that meets a block it cannot read ends that table silently: the table iterator
// keeps the error in an unexported field and reports itself exhausted, the merge of the levels goes on with the
// other tables, and badger.Iterator has no Err method. A prefix scan then takes the damage for the end of its
// postings, and a query answers short with no error. txn.Get does the same (it seeks a table iterator of its own
// and takes its end for "not found").
//
// checkedIter therefore walks the iterator tree badger.Txn.NewIterator built (a merge of the memtables' skiplist
// iterators, one table iterator per level-0 table and one concatenation per other level) once, keeping the
// table iterators and concatenations it holds, and Err reads their error fields: a few pointer loads per table,
// made after every scan (BenchmarkCheckedScan measures it against a bare iterator). A table iterator's io.EOF is
// its ordinary end; any other error is a block that failed its checksum or could not be read or decompressed.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"unsafe"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"github.com/dgraph-io/ristretto/v2/z"
	"google.golang.org/protobuf/encoding/protowire"
)

// badgerLayout holds the offsets of the unexported fields checkedIter reads, found by name at start-up; ok is
// false when one is missing or of another type (a Badger version whose layout differs), and Err then reports
// errLayout rather than guess.
var badgerLayout = func() (l struct {
	iitr, left, right, nodeIter, concatIters, tableErr uintptr
	ok                                                 bool
}) {
	yIter := reflect.TypeFor[y.Iterator]()
	field := func(t reflect.Type, name string, want reflect.Type, off *uintptr) bool {
		f, found := t.FieldByName(name)
		if !found || f.Type != want || len(f.Index) != 1 {
			return false
		}
		*off = f.Offset
		return true
	}
	merge := reflect.TypeFor[table.MergeIterator]()
	left, _ := merge.FieldByName("left")
	l.ok = field(reflect.TypeFor[badger.Iterator](), "iitr", yIter, &l.iitr) &&
		left.Type != nil &&
		field(merge, "left", left.Type, &l.left) &&
		field(merge, "right", left.Type, &l.right) &&
		field(left.Type, "iter", yIter, &l.nodeIter) &&
		field(reflect.TypeFor[table.ConcatIterator](), "iters", reflect.TypeFor[[]*table.Iterator](), &l.concatIters) &&
		field(reflect.TypeFor[table.Iterator](), "err", reflect.TypeFor[error](), &l.tableErr)
	return l
}()

// errLayout says that this build's Badger keeps its iterators in another layout than checkedIter reads.
var errLayout = errors.New("store: Badger's iterator layout is not the one this build reads (see store/badger.go)")

// checkedIter is a Badger iterator whose table block errors are seen: Err after a scan.
type checkedIter struct {
	*badger.Iterator
	tables  []*table.Iterator       // level-0 tables' iterators
	concats []*table.ConcatIterator // other levels', each creating its tables' iterators as it reaches them
}

// newIter returns txn.NewIterator(opt) with its table iterators found.
func newIter(txn *badger.Txn, opt badger.IteratorOptions) *checkedIter {
	return checked(txn.NewIterator(opt))
}

func checked(bit *badger.Iterator) *checkedIter {
	it := &checkedIter{Iterator: bit}
	if badgerLayout.ok {
		it.walk(*(*y.Iterator)(unsafe.Add(unsafe.Pointer(it.Iterator), badgerLayout.iitr)))
	}
	return it
}

func (it *checkedIter) walk(n y.Iterator) {
	switch v := n.(type) {
	case *table.MergeIterator:
		p := unsafe.Pointer(v)
		it.walk(*(*y.Iterator)(unsafe.Add(p, badgerLayout.left+badgerLayout.nodeIter)))
		it.walk(*(*y.Iterator)(unsafe.Add(p, badgerLayout.right+badgerLayout.nodeIter)))
	case *table.ConcatIterator:
		it.concats = append(it.concats, v)
	case *table.Iterator:
		it.tables = append(it.tables, v)
	}
}

// Err returns an error wrapping ErrCorrupt when a table iterator of it met a block it could not read since its
// last seek. Call it after a scan ends (and before the next Seek, which clears a table's error).
func (it *checkedIter) Err() error {
	if !badgerLayout.ok {
		return errLayout
	}
	for _, t := range it.tables {
		if err := tableErr(t); err != nil {
			return err
		}
	}
	for _, c := range it.concats {
		for _, t := range *(*[]*table.Iterator)(unsafe.Add(unsafe.Pointer(c), badgerLayout.concatIters)) {
			if t == nil {
				continue // not reached
			}
			if err := tableErr(t); err != nil {
				return err
			}
		}
	}
	return nil
}

func tableErr(t *table.Iterator) error {
	err := *(*error)(unsafe.Add(unsafe.Pointer(t), badgerLayout.tableErr))
	if err == nil || err == io.EOF {
		return nil
	}
	return fmt.Errorf("%w: a table block cannot be read (%v)", ErrCorrupt, err)
}

// getChecked is txn.Get that does not take a block it cannot read for a missing key: a miss is confirmed by a
// checked seek (a miss is rare on the read paths: a posting's article, an id asked for), which turns an unreadable
// block into ErrCorrupt.
func getChecked(txn *badger.Txn, key []byte) (*badger.Item, error) {
	item, err := txn.Get(key)
	if !errors.Is(err, badger.ErrKeyNotFound) {
		return item, err
	}
	opt := badger.DefaultIteratorOptions
	opt.PrefetchValues = false
	// A key iterator: only the tables whose range and bloom filter may hold the key (the filter is kept apart
	// from the blocks, so a damaged block's table is still picked). It shows every version, newest first.
	it := checked(txn.NewKeyIterator(key, opt))
	defer it.Close()
	it.Seek(key)
	found := it.Valid() && string(it.Item().Key()) == string(key) && !it.Item().IsDeletedOrExpired()
	if err := it.Err(); err != nil {
		return nil, err
	}
	if found {
		return nil, fmt.Errorf("%w: a key the index holds was not found by a read", ErrCorrupt)
	}
	return nil, badger.ErrKeyNotFound
}

// Transaction markers. (Used by ordered.go, which writes a group as Badger writes a transaction.)
//
// The markers are Badger's: its write-ahead log format (value.go's bitDelete, bitTxn, bitFinTxn; db.go's
// txnKey), which every existing Badger folder depends on. TestOrderedGroup pins what is relied on: a loaded group
// invisible until its transaction commits, whole after a replay with its marker, absent without it.
const (
	badgerDelete = 1 << 0 // the entry is a deletion
	badgerTxn    = 1 << 6 // the entry belongs to a transaction
	badgerFinTxn = 1 << 7 // the entry ends the transaction of its version
)

var (
	badgerPrefix = []byte("!badger!")
	badgerTxnKey = []byte("!badger!txn")
	metaSet      = []byte{badgerTxn}
	metaDelete   = []byte{badgerTxn | badgerDelete}
	metaFin      = []byte{badgerFinTxn}
)

// commitVersion is the version the next commit of a transaction opened as txn takes, for a group written at it
// before the transaction commits (ordered.go): Badger's oracle hands a read-write transaction's commit the read
// timestamp plus one while no other writer commits between (the store's writer lock keeps every other out).
// TestOrderedGroup pins it: a group loaded at this version is invisible until the transaction commits, and
// whole then.
func commitVersion(txn *badger.Txn) uint64 { return txn.ReadTs() + 1 }

// Snapshots for several goroutines. A Badger transaction is not safe for concurrent use (txn.go: "a transaction
// itself isn't thread safe, and should only be run serially"), so a scan split across goroutines gives each its
// own read-only transaction; they see one snapshot when they read at the same timestamp (ReadTs), which holds
// when no commit came between their creations. TestSnapshotTxns pins it.

// snapshotTxns returns n read-only transactions that read the same snapshot: created in turn, again while a
// commit lands between the first and the last. The caller discards them.
func snapshotTxns(db *badger.DB, n int) ([]*badger.Txn, error) {
	txns := make([]*badger.Txn, n)
	for range 1000 {
		same := true
		for i := range txns {
			txns[i] = db.NewTransaction(false)
			if txns[i].ReadTs() != txns[0].ReadTs() {
				same = false
			}
		}
		if same {
			return txns, nil
		}
		for _, t := range txns {
			t.Discard()
		}
	}
	return nil, errors.New("store: no snapshot held still for a scan (a commit landed at each of 1000 tries)")
}

// Badger's refusals, as Txn.modify makes them.
// maxKeySize is the longest key Badger takes (its maxKeySize).
const maxKeySize = 65000

// check refuses the whole group, before anything is written, as Badger refuses a transaction (Txn.modify): for a
// key that is empty, in Badger's own namespace or too long, or a value longer than a value-log file.
func (g *group) check(maxValue int64) error {
	for _, p := range g.ents {
		key := g.slab[p.k0:p.k1]
		switch {
		case len(key) == 0:
			return badger.ErrEmptyKey
		case bytes.HasPrefix(key, badgerPrefix):
			return fmt.Errorf("%w: %q", badger.ErrInvalidKey, key)
		case len(key) > maxKeySize:
			return fmt.Errorf("%w: a key of %d bytes", badger.ErrInvalidRequest, len(key))
		case !p.del && int64(p.v1-p.v0) > maxValue:
			return fmt.Errorf("%w: a value of %d bytes", badger.ErrInvalidRequest, p.v1-p.v0)
		}
	}
	return nil
}

// The StreamWriter's encoding. (Used by bulk.go.)

// kvToBuffer appends an entry for the StreamWriter to buf, as badger.KVToBuffer does for a pb.KV with these
// fields: their protocol buffer encoding, written by hand (badger.KVToBuffer's reflection took 4 of the 41 s of
// CPU of a million-article build). TestKVToBufferMatchesBadger pins it to badger.KVToBuffer.
func kvToBuffer(buf *z.Buffer, key, val []byte, version, exp uint64, stream uint32, done bool) {
	n := 0
	if len(key) > 0 {
		n += 1 + protowire.SizeBytes(len(key))
	}
	if len(val) > 0 {
		n += 1 + protowire.SizeBytes(len(val))
	}
	if version != 0 {
		n += 1 + protowire.SizeVarint(version)
	}
	if exp != 0 {
		n += 1 + protowire.SizeVarint(exp)
	}
	if stream != 0 {
		n += 1 + protowire.SizeVarint(uint64(stream))
	}
	if done {
		n += 2
	}
	b := buf.SliceAllocate(n)[:0]
	if len(key) > 0 {
		b = protowire.AppendBytes(protowire.AppendTag(b, 1, protowire.BytesType), key)
	}
	if len(val) > 0 {
		b = protowire.AppendBytes(protowire.AppendTag(b, 2, protowire.BytesType), val)
	}
	if version != 0 {
		b = protowire.AppendVarint(protowire.AppendTag(b, 4, protowire.VarintType), version)
	}
	if exp != 0 {
		b = protowire.AppendVarint(protowire.AppendTag(b, 5, protowire.VarintType), exp)
	}
	if stream != 0 {
		b = protowire.AppendVarint(protowire.AppendTag(b, 10, protowire.VarintType), uint64(stream))
	}
	if done {
		protowire.AppendVarint(protowire.AppendTag(b, 11, protowire.VarintType), 1)
	}
}

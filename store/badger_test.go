package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
)

// badgerVersion is the Badger release whose private layout badger.go was read against. A go.mod that names
// another fails TestBadgerPinned: reread badger.go against it, then change this line.
const badgerVersion = "v4.9.6"

// TestBadgerPinned: the Badger this build links is the one badger.go was read against, and the fields it reads
// are where it expects them.
func TestBadgerPinned(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/dgraph-io/badger/v4 (\S+)`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod names no github.com/dgraph-io/badger/v4")
	}
	if string(m[1]) != badgerVersion {
		t.Fatalf("go.mod names Badger %s, badger.go was read against %s: reread it", m[1], badgerVersion)
	}
	if !badgerLayout.ok {
		t.Fatal("Badger's iterator fields are not where badger.go reads them")
	}
}

// TestCheckedIterWalk: the walk finds a table iterator or concatenation for the tables of every level, so that
// Err sees them all.
func TestCheckedIterWalk(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, &Options{Params: testParams, MemTableSize: 1 << 20})
	fill(t, s, 3000)
	s.Close()
	s = openTest(t, dir, &Options{ReadOnly: true})
	levels := map[int]bool{}
	for _, ti := range s.db.Tables() {
		levels[ti.Level] = true
	}
	if len(levels) == 0 {
		t.Fatal("no tables written")
	}
	err := s.db.View(func(txn *badger.Txn) error {
		it := keyIterator(txn, 0)
		defer it.Close()
		want := 0
		for l := range levels {
			if l != 0 {
				want++
			}
		}
		if len(it.concats) != want {
			return fmt.Errorf("%d concatenations for %d levels past 0", len(it.concats), want)
		}
		if levels[0] && len(it.tables) == 0 {
			return errors.New("no table iterator for level 0")
		}
		for it.Rewind(); it.Valid(); it.Next() {
		}
		return it.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCorruptBucketDetected: a flipped byte in a table makes the band lookups that reach the damaged block fail
// with ErrCorrupt; every other lookup answers in full. Without the check the damaged buckets come back short.
func TestCorruptBucketDetected(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, &Options{Params: testParams, MemTableSize: 1 << 20})
	const n = 3000
	fill(t, s, n)
	s.Close()
	flipSST(t, dir)
	s, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	corrupt, whole := 0, 0
	for i := range n {
		key := uint64(i)*1000003 + 7919 + 1 // band 1 of article i (fill)
		c, err := s.Candidates([]uint64{key})
		switch {
		case errors.Is(err, ErrCorrupt):
			corrupt++
		case err != nil:
			t.Fatalf("article %d: %v", i, err)
		case !slices.Contains(c, DocNum(fmt.Sprintf("article-%06d", i))):
			t.Fatalf("article %d is missing from its bucket without an error", i)
		default:
			whole++
		}
	}
	if corrupt == 0 {
		t.Fatalf("no lookup reported the damaged block (%d whole)", whole)
	}
	t.Logf("%d lookups ErrCorrupt, %d whole", corrupt, whole)
}

// BenchmarkCheckedScan is the cost of the block-error check on the band lookups of a query: 17 bucket seeks in
// one iterator, bare (Badger's iterator alone) and checked (the walk at creation, Err after every bucket).
func BenchmarkCheckedScan(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(dir, &Options{Params: testParams, MemTableSize: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	fill(b, s, 20000)
	s.Close()
	s, err = Open(dir, &Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	w := s.params.bandBytes()
	keys := func(i int) []uint64 {
		out := make([]uint64, 17)
		for j := range out {
			out[j] = uint64(i%20000)*1000003 + uint64(j)*7919 + 1
		}
		return out
	}
	scan := func(it interface {
		Seek([]byte)
		ValidForPrefix([]byte) bool
		Next()
		Item() *badger.Item
	}, bands []uint64, check func() error) int {
		p := make([]byte, 9)
		p[0] = prefixBand
		n := 0
		for _, key := range bands {
			binary.BigEndian.PutUint64(p[1:], keptBand(key, w))
			for it.Seek(p[:1+w]); it.ValidForPrefix(p[:1+w]); it.Next() {
				n++
			}
			if check != nil && check() != nil {
				b.Fatal("corrupt")
			}
		}
		return n
	}
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			s.db.View(func(txn *badger.Txn) error {
				opt := badger.DefaultIteratorOptions
				opt.PrefetchValues = false
				it := txn.NewIterator(opt)
				defer it.Close()
				if scan(it, keys(i), nil) != 17 {
					b.Fatal("short")
				}
				return nil
			})
		}
	})
	b.Run("checked", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			s.db.View(func(txn *badger.Txn) error {
				it := keyIterator(txn, 0)
				defer it.Close()
				if scan(it, keys(i), it.Err) != 17 {
					b.Fatal("short")
				}
				return nil
			})
		}
	})
}

// TestSnapshotTxns: the transactions snapshotTxns returns read one snapshot, while writes commit meanwhile: each
// sees the same articles, all or none of a batch.
func TestSnapshotTxns(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			if _, err := s.Put(article(fmt.Sprintf("w%d", i), Set{uint32(i) + 1}, uint64(i)+1)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 50 {
		txns, err := snapshotTxns(s.db, 4)
		if err != nil {
			t.Fatal(err)
		}
		var counts []int64
		for _, txn := range txns {
			c, _, err := readCounts(txn)
			if err != nil {
				t.Fatal(err)
			}
			counts = append(counts, c.Articles)
			txn.Discard()
		}
		for _, c := range counts[1:] {
			if c != counts[0] {
				t.Fatalf("the snapshot's transactions read %v articles", counts)
			}
		}
	}
	<-done
}

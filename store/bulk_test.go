package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
)

// bulkArticles returns articles of every kind of key, with replacements (an id written twice), shared content
// keys and texts.
func bulkArticles() []*Article {
	rng := rand.New(rand.NewPCG(5, 6))
	var out []*Article
	for i := range 3000 {
		id := fmt.Sprintf("a%d", rng.IntN(2500)) // about 400 ids written twice or more
		var set Set
		for v := uint32(rng.IntN(1000)); len(set) < 20; v += uint32(1 + rng.IntN(50)) {
			set = append(set, v)
		}
		band := uint64(rng.IntN(5000)) + 1
		a := article(id, set, band, band+5000)
		a.Digest = uint64(i)
		a.Anchors = Set{set[0], set[10]}
		if rng.IntN(4) == 0 {
			a.ContentKey = uint64(1 + rng.IntN(50))
		}
		if rng.IntN(3) == 0 {
			a.Passages = []Passage{{Start: 0, End: 4, Bands: []uint64{uint64(rng.IntN(100)), 1000}, Set: Set{set[0]}}}
		}
		a.Text = []byte(strings.Repeat("text ", rng.IntN(100)))
		out = append(out, a)
	}
	return out
}

// dump returns every key and value of the index in dir but the parameters, with the texts in place of their
// blocks: a record's text block and span, and the blocks themselves, depend on where the transactions of a batch
// ended. Verify checks the blocks' use counts.
func dump(t *testing.T, dir string) []string {
	t.Helper()
	s := openTest(t, dir, &Options{ReadOnly: true})
	var out []string
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			switch {
			case string(k) == "mparams", k[0] == prefixBlock, k[0] == prefixUse:
				continue
			case k[0] == prefixDoc:
				a, err := decodeArticle(v, partAll)
				if err != nil {
					return err
				}
				text, err := textOf(txn, binary.BigEndian.Uint64(k[1:]), a, nil)
				if err != nil {
					return fmt.Errorf("text of %q: %w", a.ID, err)
				}
				a.ref = textRef{}
				v = append(a.encode(nil), text...)
			}
			out = append(out, hexs(k)+"="+hexs(v))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return out
}

// TestBulkEqualsBatch: a bulk build gives, key for key and value for value, the index that a batch builds from
// the same articles, across several runs and streams; it opens, reads and takes writes like any other.
func TestBulkEqualsBatch(t *testing.T) {
	arts := bulkArticles()
	batchDir := filepath.Join(t.TempDir(), "batch")
	s := openTest(t, batchDir, nil)
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		if _, err := b.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Close()

	bulkDir := filepath.Join(t.TempDir(), "bulk")
	bk, err := CreateBulk(bulkDir, &Options{Params: testParams})
	if err != nil {
		t.Fatal(err)
	}
	bk.runBytes, bk.streamKeys = 40<<10, 1000 // many runs and streams
	for _, a := range arts {
		if err := bk.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	if len(bk.runs) < 5 {
		t.Fatalf("%d runs, want several", len(bk.runs))
	}
	if ok, _ := Exists(bulkDir); ok {
		t.Fatal("the index is visible before Commit")
	}
	c, err := bk.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bulkDir + ".bulk"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the build folder is left: %v", err)
	}
	want, got := dump(t, batchDir), dump(t, bulkDir)
	if !slices.Equal(got, want) {
		t.Errorf("bulk index differs from the batch one: %d entries against %d", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("first difference at %d:\n bulk  %.120s\n batch %.120s", i, got[i], want[i])
			}
		}
	}
	ids := map[string]bool{}
	for _, a := range arts {
		ids[a.ID] = true
	}
	if c.Articles != int64(len(ids)) || c.Anchors != 2*c.Articles || c.Passages == 0 {
		t.Errorf("counts %+v for %d ids", c, len(ids))
	}
	s = openTest(t, bulkDir, &Options{})
	if s.Params().Anchors != testParams.Anchors {
		t.Errorf("params %+v", s.Params())
	}
	if _, err := s.Put(article("later", Set{1, 2}, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestBulkRefuses(t *testing.T) {
	dir := t.TempDir()
	openTest(t, filepath.Join(dir, "ix"), nil).Close()
	if _, err := CreateBulk(filepath.Join(dir, "ix"), &Options{Params: testParams}); !errors.Is(err, ErrExists) {
		t.Errorf("an existing index: %v", err)
	}
	if _, err := CreateBulk(filepath.Join(dir, "new"), &Options{}); !errors.Is(err, ErrNoParams) {
		t.Errorf("no params: %v", err)
	}
	// Two ids of one docnum cannot be made here; a record naming another id under a doc key stands for it.
	bk, err := CreateBulk(filepath.Join(dir, "new"), &Options{Params: testParams})
	if err != nil {
		t.Fatal(err)
	}
	if err := bk.Put(article("x", Set{1}, 1)); err != nil {
		t.Fatal(err)
	}
	forged := article("y", Set{2}, 2)
	bk.buf = forged.encode(bk.buf[:0])
	bk.add(docKey(nil, DocNum("x")), bk.buf, 1, 0)
	bk.docs = append(bk.docs, 12345) // another docnum for the sequence: not stale
	if _, err := bk.Commit(); !errors.Is(err, ErrCollision) {
		t.Errorf("two ids under one docnum: %v", err)
	}
	if ok, _ := Exists(filepath.Join(dir, "new")); ok {
		t.Error("a failed build left an index")
	}
}

// TestSortEnts checks the radix sort of a run against a comparison sort by key, then sequence number: keys of
// every length from 0 to 20 bytes (so shorter than the 8-byte prefix too), many sharing a prefix or the whole key,
// bytes with one value for every entry (passes skipped) and bytes that differ.
func TestSortEnts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var scratch []bulkEnt
	for _, n := range []int{0, 1, 2, 3, 100, 5000, 60000} {
		var slab []byte
		var ents []bulkEnt
		for i := range n {
			var key []byte
			switch rng.IntN(4) {
			case 0: // a common prefix, then random bytes: runs of one prefix
				key = append([]byte{'b', 3, 0, 0, 0, 0, 0, byte(rng.IntN(3))}, byte(rng.IntN(4)), byte(rng.IntN(256)))
			case 1: // short keys, some equal to the start of others
				key = []byte{'b', 3, 0, 0}[:rng.IntN(5)]
			default:
				key = make([]byte, rng.IntN(21))
				for j := range key {
					key[j] = byte(rng.IntN(4)) * 85
				}
			}
			k0 := uint32(len(slab))
			slab = append(slab, key...)
			k1 := uint32(len(slab))
			slab = append(slab, byte(i))
			ents = append(ents, bulkEnt{keyPrefix(key), k0, k1, uint32(len(slab)), uint32(rng.IntN(n + 1)), uint64(i)})
		}
		want := slices.Clone(ents)
		slices.SortStableFunc(want, func(x, y bulkEnt) int { return compareEnts(slab, x, y) })
		scratch = sortEnts(ents, scratch, slab)
		for i := range want {
			if compareEnts(slab, ents[i], want[i]) != 0 {
				t.Fatalf("n=%d: entry %d is key %x seq %d, want key %x seq %d", n, i,
					slab[ents[i].k0:ents[i].k1], ents[i].seq, slab[want[i].k0:want[i].k1], want[i].seq)
			}
		}
		if n > 0 && !slices.IsSortedFunc(ents, func(x, y bulkEnt) int { return compareEnts(slab, x, y) }) {
			t.Fatalf("n=%d: not sorted", n)
		}
	}
	// Every byte of the prefix the same for all entries: no pass at all, only the comparison of the rest.
	slab := []byte("samesame-2samesame-1samesame-3")
	ents := []bulkEnt{{0, 0, 10, 10, 0, 0}, {0, 10, 20, 20, 0, 0}, {0, 20, 30, 30, 0, 0}}
	for i := range ents {
		ents[i].prefix = keyPrefix(slab[ents[i].k0:ents[i].k1])
	}
	sortEnts(ents, nil, slab)
	if got := string(slab[ents[0].k0:ents[0].k1]) + string(slab[ents[2].k0:ents[2].k1]); got != "samesame-1samesame-3" {
		t.Errorf("same prefixes sorted to %q", got)
	}
}

// benchRun returns a run's mix of a million entries: 12-byte keys (a band posting's prefix byte, six times in nine,
// or a record's or an anchor's, then a band byte and random bytes), every 20th with a 600-byte record as its value.
func benchRun() (slab []byte, ents []bulkEnt) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 1 << 20 {
		key := []byte{"bbbbbbdaa"[i%9], byte(rng.IntN(17))}
		for range 10 {
			key = append(key, byte(rng.Uint32()))
		}
		k0 := uint32(len(slab))
		slab = append(slab, key...)
		k1 := uint32(len(slab))
		if i%20 == 0 {
			slab = append(slab, make([]byte, 600)...)
		}
		ents = append(ents, bulkEnt{keyPrefix(key), k0, k1, uint32(len(slab)), uint32(i / 20), 0})
	}
	return slab, ents
}

func BenchmarkSortEnts(b *testing.B) {
	slab, ents := benchRun()
	work := make([]bulkEnt, len(ents))
	var scratch []bulkEnt
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			copy(work, ents)
			scratch = sortEnts(work, scratch, slab)
		}
	})
	b.Run("comparison", func(b *testing.B) {
		for b.Loop() {
			copy(work, ents)
			slices.SortFunc(work, func(x, y bulkEnt) int { return compareEnts(slab, x, y) })
		}
	})
}

// TestKVToBufferMatchesBadger: the hand-written encoding of a StreamWriter entry is badger.KVToBuffer's, byte for
// byte, for empty and long keys and values, versions and expiry times of one to ten varint bytes, stream ids and
// the stream's end marker.
func TestKVToBufferMatchesBadger(t *testing.T) {
	long := strings.Repeat("v", 300)
	for _, key := range []string{"", "k", "\x00\x01band-key"} {
		for _, val := range []string{"", "x", long} {
			for _, version := range []uint64{0, 1, 1 << 40} {
				for _, exp := range []uint64{0, 127, 128, 1<<64 - 1} {
					for _, stream := range []uint32{0, 1, 300, 1<<32 - 1} {
						for _, done := range []bool{false, true} {
							got, want := z.NewBuffer(1<<10, "test"), z.NewBuffer(1<<10, "test")
							kvToBuffer(got, []byte(key), []byte(val), version, exp, stream, done)
							badger.KVToBuffer(&pb.KV{Key: []byte(key), Value: []byte(val), Version: version, ExpiresAt: exp, StreamId: stream, StreamDone: done}, want)
							if !bytes.Equal(got.Bytes(), want.Bytes()) {
								t.Errorf("key %q val %d bytes version %d exp %d stream %d done %v:\n got %x\nwant %x", key, len(val), version, exp, stream, done, got.Bytes(), want.Bytes())
							}
							got.Release()
							want.Release()
						}
					}
				}
			}
		}
	}
}

// BenchmarkRunWrite sorts and writes one run of a million entries.
func BenchmarkRunWrite(b *testing.B) {
	slab, ents := benchRun()
	work := make([]bulkEnt, len(ents))
	var scratch []bulkEnt
	dir := b.TempDir()
	b.SetBytes(int64(len(slab)))
	for b.Loop() {
		copy(work, ents)
		r := &runFile{name: filepath.Join(dir, "run")}
		if err := r.write(slab, work, &scratch); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBulkCommitCancelled: a commit whose context is cancelled, before it starts or while it merges, returns
// the context's error, leaves nothing visible and no files beside the folder; a build started again commits.
func TestBulkCommitCancelled(t *testing.T) {
	arts := bulkArticles()
	for _, when := range []string{"before", "during"} {
		dir := filepath.Join(t.TempDir(), "bulk")
		bk, err := CreateBulk(dir, &Options{Params: testParams})
		if err != nil {
			t.Fatal(err)
		}
		bk.runBytes = 40 << 10
		for _, a := range arts {
			if err := bk.Put(a); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		if when == "before" {
			cancel()
		} else {
			// The merge checks at every 8 MiB it buffers and before the rename: a cancel that lands while it
			// runs is seen by the last check whatever the corpus's size.
			go func() { time.Sleep(time.Millisecond); cancel() }()
		}
		_, err = bk.CommitContext(ctx)
		cancel()
		if err == nil && when == "during" {
			t.Log("the commit finished before the cancel landed")
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: commit of a cancelled build: %v", when, err)
		}
		if ok, _ := Exists(dir); ok {
			t.Fatalf("%s: a cancelled build is visible", when)
		}
		if left, _ := filepath.Glob(dir + ".*"); len(left) > 0 {
			t.Fatalf("%s: a cancelled build left %v", when, left)
		}
	}
}

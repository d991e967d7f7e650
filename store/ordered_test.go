package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
)

// copyDir copies the files of an open Badger folder: what a killed process leaves, its write-ahead log included
// (written through memory maps, so a reader sees it as written).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func getValue(t *testing.T, db *badger.DB, key string) ([]byte, bool) {
	t.Helper()
	var val []byte
	err := db.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(key))
		if err != nil {
			return err
		}
		val, err = item.ValueCopy(nil)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return val, true
}

func testGroup(keys ...string) *group {
	g := newGroup()
	for _, k := range keys {
		g.set([]byte(k), []byte("v-"+k), 0)
	}
	g.sort()
	return g
}

// TestOrderedGroup pins what ordered group writes rely on in Badger: a group loaded at the next commit timestamp
// is invisible until a transaction commits at it, then wholly visible; after a kill, its write-ahead log replays
// the group whole when its end marker was written, and drops it when it was not.
func TestOrderedGroup(t *testing.T) {
	dir := t.TempDir()
	o := Options{}
	db, err := badger.Open(o.badgerOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Visibility: loaded, invisible; committed, visible, at one version.
	txn := db.NewTransaction(true)
	ts := txn.ReadTs() + 1
	g := testGroup("z1", "a1", "m1", "a1") // out of order, and a key written twice
	g.delete([]byte("m1"))                 // then deleted: the last write wins
	g.sort()
	if err := g.load(db, ts, []byte("counts-1")); err != nil {
		t.Fatal(err)
	}
	if _, ok := getValue(t, db, "a1"); ok {
		t.Fatal("a loaded group is visible before its transaction commits")
	}
	if err := txn.Set(countsKey, []byte("counts-1")); err != nil {
		t.Fatal(err)
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a1", "z1"} {
		if v, ok := getValue(t, db, k); !ok || string(v) != "v-"+k {
			t.Errorf("%s after the commit: %q %v", k, v, ok)
		}
	}
	if _, ok := getValue(t, db, "m1"); ok {
		t.Error("m1, deleted after it was set in the same group, is present")
	}
	err = db.View(func(txn *badger.Txn) error {
		if txn.ReadTs() != ts {
			t.Errorf("read timestamp %d after the commit, want the group's %d", txn.ReadTs(), ts)
		}
		item, err := txn.Get([]byte("z1"))
		if err == nil && item.Version() != ts {
			t.Errorf("z1 at version %d, want %d", item.Version(), ts)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// A kill after a group was loaded with its marker but before its transaction committed: the copy of the
	// folder, opened, holds the whole group (the write is durable; the counts came with it).
	ts2 := ts + 1
	g2 := testGroup("b2", "y2")
	if err := g2.load(db, ts2, []byte("counts-2")); err != nil {
		t.Fatal(err)
	}
	// A group whose end marker never reached the log: written as load writes it, less the marker.
	l := db.NewKVLoader(1)
	g3 := testGroup("c3", "x3")
	for _, e := range g3.order {
		kv := pbKV(g3.slab[e.k0:e.k1], g3.slab[e.k1:e.v1], ts2+1, metaSet)
		if err := l.Set(kv); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Finish(); err != nil {
		t.Fatal(err)
	}
	killed := filepath.Join(t.TempDir(), "killed")
	copyDir(t, dir, killed)
	db2, err := badger.Open(o.badgerOptions(killed))
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	for _, k := range []string{"a1", "z1", "b2", "y2"} {
		if v, ok := getValue(t, db2, k); !ok || string(v) != "v-"+k {
			t.Errorf("%s after the kill: %q %v", k, v, ok)
		}
	}
	if v, _ := getValue(t, db2, string(countsKey)); string(v) != "counts-2" {
		t.Errorf("counts after the kill: %q, want the last whole group's", v)
	}
	for _, k := range []string{"c3", "x3"} {
		if _, ok := getValue(t, db2, k); ok {
			t.Errorf("%s, of a group without its end marker, is present after the kill", k)
		}
	}
}

// TestOrderedGroupRefused: a group with a key Badger refuses is refused whole, before anything is written.
func TestOrderedGroupRefused(t *testing.T) {
	db, err := badger.Open(Options{}.badgerOptions(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	refused := map[string]string{"empty": "", "badger's": "!badger!x", "long": string(make([]byte, maxKeySize+1))}
	for name, key := range refused {
		g := testGroup("ok")
		g.set([]byte(key), nil, 0)
		g.sort()
		txn := db.NewTransaction(true)
		if err := g.load(db, txn.ReadTs()+1, nil); err == nil {
			t.Errorf("%s key: loaded", name)
		}
		txn.Discard()
		if _, ok := getValue(t, db, "ok"); ok {
			t.Errorf("%s key: the rest of the group was written", name)
		}
	}
	// A group that would not fit in one write request (Batch.reserve never makes one).
	g := testGroup("ok")
	for i := range db.MaxBatchCount() {
		g.set([]byte(fmt.Sprintf("k%09d", i)), nil, 0)
	}
	g.sort()
	txn := db.NewTransaction(true)
	defer txn.Discard()
	if err := g.load(db, txn.ReadTs()+1, nil); err == nil {
		t.Error("a group beyond Badger's batch limits: loaded")
	}
	if _, ok := getValue(t, db, "ok"); ok {
		t.Error("a group beyond Badger's batch limits: written")
	}
}

func pbKV(key, val []byte, ts uint64, meta []byte) *pb.KV {
	return &pb.KV{Key: key, Value: val, Version: ts, Meta: meta}
}

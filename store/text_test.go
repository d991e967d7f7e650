package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
)

// blockKeys returns the numbers of the text blocks in the index.
func blockKeys(t *testing.T, s *Store) []uint64 {
	t.Helper()
	var out []uint64
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixBlock}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			out = append(out, binary.BigEndian.Uint64(it.Item().Key()[1:]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkTexts fails unless every article of want is there with its text, and EachText gives each once.
func checkTexts(t *testing.T, s *Store, want map[string]string) {
	t.Helper()
	for id, text := range want {
		got, err := s.Text(DocNum(id))
		if err != nil || string(got) != text {
			t.Fatalf("text of %s: %v, %.40q want %.40q", id, err, got, text)
		}
	}
	seen := map[string]bool{}
	err := s.EachText(func(num uint64, a *Article, text []byte) error {
		if seen[a.ID] {
			return fmt.Errorf("%s given twice", a.ID)
		}
		seen[a.ID] = true
		if w, ok := want[a.ID]; !ok || string(text) != w {
			return fmt.Errorf("EachText: %s: %.40q want %.40q", a.ID, text, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(want) {
		t.Fatalf("EachText gave %d articles, want %d", len(seen), len(want))
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
}

func textOfSize(rng *rand.Rand, id string, n int) string {
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, "%s word%d ", id, rng.IntN(1000))
	}
	return b.String()
}

// TestTextBlocks: texts are kept in blocks of about textBlockSize, each text exactly as given, through
// replacements and deletions in the same batch and in later ones, across transactions; a block goes with the
// last article naming it; a discarded batch writes no block.
func TestTextBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	want := map[string]string{}
	put := func(b *Batch, id string, n int) {
		t.Helper()
		a := article(id, Set{uint32(rng.IntN(1000))}, uint64(1+rng.IntN(100)))
		a.Digest = rng.Uint64()
		text := textOfSize(rng, id, n)
		a.Text = []byte(text)
		if _, err := b.Put(a); err != nil {
			t.Fatal(err)
		}
		want[id] = text
	}
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	b.maxN = 200 // several transactions, so blocks are closed early too
	for i := range 300 {
		put(b, fmt.Sprintf("a%d", i), 500+rng.IntN(1500))
	}
	for i := range 300 { // replaced in the same batch: in the open block, in a closed one, in a committed one
		if i%3 == 0 {
			put(b, fmt.Sprintf("a%d", i), rng.IntN(800))
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := len(blockKeys(t, s)); n < 4 {
		t.Fatalf("%d text blocks for 300 articles of about 1 KB", n)
	}
	checkTexts(t, s, want)

	// Later batches release blocks they did not write: delete every article of the first block.
	first := blockKeys(t, s)[0]
	b, _ = s.NewBatch()
	for id := range want {
		a, err := s.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if a.ref.block == first {
			if ok, err := b.Delete(id); !ok || err != nil {
				t.Fatal(ok, err)
			}
			delete(want, id)
		}
	}
	put(b, "a1", 100)
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, n := range blockKeys(t, s) {
		if n == first {
			t.Fatalf("text block %d outlives its articles", first)
		}
	}
	checkTexts(t, s, want)

	// A discarded batch leaves nothing; the next one goes on.
	b, _ = s.NewBatch()
	put(b, "gone", 2000)
	blocks := len(blockKeys(t, s))
	b.Discard()
	delete(want, "gone")
	if len(blockKeys(t, s)) != blocks {
		t.Fatal("a discarded batch wrote a text block")
	}
	s.Close()
	s = openTest(t, dir, &Options{})
	b, _ = s.NewBatch()
	put(b, "after", 300)
	put(b, "a2", 300)
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	checkTexts(t, s, want)

	// A version without a text drops the text; EachText gives the article with none.
	a := article("a4", Set{1}, 1)
	if _, err := s.Put(a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Text(DocNum("a4")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("text of a version without one: %v", err)
	}
	delete(want, "a4")
	var bare []string
	err = s.EachText(func(num uint64, a *Article, text []byte) error {
		if text == nil {
			bare = append(bare, a.ID)
		}
		return nil
	})
	if err != nil || len(bare) != 1 || bare[0] != "a4" {
		t.Fatalf("articles without text: %v %v", bare, err)
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestTextBlockVerify: Verify names a block whose use count is off and a record whose block is gone.
func TestTextBlockVerify(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	a := article("a", Set{1}, 1)
	a.Text = []byte("some text")
	if _, err := s.Put(a); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(useKey(nil, 1), encodeUse(2)) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); err == nil || !strings.Contains(err.Error(), "counts 2 articles, 1 records name it") {
		t.Errorf("use count off: %v", err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Delete(useKey(nil, 1)); err != nil {
			return err
		}
		return txn.Delete(blockKey(nil, 1))
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("block gone: %v", err)
	}
	if _, err := s.Text(DocNum("a")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("text of a record whose block is gone: %v", err)
	}
	if err := s.EachText(func(uint64, *Article, []byte) error { return nil }); !errors.Is(err, ErrCorrupt) {
		t.Errorf("EachText over a record whose block is gone: %v", err)
	}
}

// TestTextFormat3: an index of format 3 keeps a zstd frame an article under a t key, and goes on doing so:
// the frame written by an earlier build (testdata/golden/text.zst) reads back, and writes, replacements and
// deletions keep to that layout.
func TestTextFormat3(t *testing.T) {
	dir := t.TempDir()
	setFormat(t, openTest(t, dir, nil), 3)
	s := openTest(t, dir, &Options{})
	frame, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "text.zst"))
	if err != nil {
		t.Fatal(err)
	}
	golden := article("golden", Set{1}, 1)
	if _, err := s.Put(golden); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(textKey(nil, DocNum("golden")), frame) }); err != nil {
		t.Fatal(err)
	}
	got, err := s.Text(DocNum("golden"))
	if err != nil || !strings.HasPrefix(string(got), "LONDON (Reuters) - Oil prices rose on Monday") {
		t.Fatalf("golden frame: %v %q", err, got)
	}
	want := map[string]string{"golden": string(got)}
	for i, text := range []string{"first version", "second version"} {
		a := article("b", Set{uint32(i + 2)}, uint64(i+2))
		a.Text = []byte(text)
		if _, err := s.Put(a); err != nil {
			t.Fatal(err)
		}
		want["b"] = text
	}
	checkTexts(t, s, want)
	if len(blockKeys(t, s)) != 0 {
		t.Fatal("a format 3 index got a text block")
	}
	if ok, err := s.Delete("b"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(textKey(nil, DocNum("b")))
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("t key of a deleted article: %v", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var stored Params
	if err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(paramsKey)
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error { return json.Unmarshal(v, &stored) })
	}); err != nil || stored.Format != 3 {
		t.Fatalf("format %d after writes (%v)", stored.Format, err)
	}
}

func FuzzDecodeBlock(f *testing.F) {
	var o openBlock
	o.reset(1)
	o.add(7, []byte("some text"), 0)
	o.add(8, []byte("more"), 0)
	f.Add(o.encode(nil))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeBlock(b, nil, nil) // must not panic or allocate without bound
	})
}

package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

var testParams = Params{Format: FormatVersion, ShingleUnit: "words", ShingleSize: 5, Algorithm: "fss", K: 128, Seed: 1, Threshold: 0.8, Bands: 4, Rows: 2, Anchors: 40, Text: true}

func openTest(t *testing.T, dir string, o *Options) *Store {
	t.Helper()
	if o == nil {
		o = &Options{Params: testParams}
	}
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func article(id string, set Set, bands ...uint64) *Article {
	return &Article{ID: id, Title: "t " + id, Set: set, Full: true, Size: len(set), Bands: bands, Digest: uint64(len(id)) + uint64(len(set))*31 + bands[0]}
}

func TestUpsertDeleteQuery(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	a := article("a", Set{1, 2, 3, 4, 5}, 10, 11, 12, 13)
	b := article("b", Set{1, 2, 3, 4, 6}, 10, 21, 22, 23)
	for _, x := range []*Article{a, b} {
		if r, err := s.Put(x); err != nil || r != Added {
			t.Fatalf("put %s: %v %v", x.ID, r, err)
		}
	}
	if r, _ := s.Put(a); r != Unchanged {
		t.Errorf("re-put identical: %v", r)
	}
	ms, err := s.Query(Query{Bands: a.Bands, Set: a.Set, Full: true, Exclude: "a", Threshold: 0.5})
	if err != nil || len(ms) != 1 || ms[0].Article.ID != "b" {
		t.Fatalf("query: %v %+v", err, ms)
	}
	if got := ms[0].Jaccard; got != 4.0/6 {
		t.Errorf("jaccard %v, want 4/6", got)
	}
	if got := ms[0].Containment; got != 4.0/5 {
		t.Errorf("containment %v, want 4/5", got)
	}
	// Replace b with other bands: no stale posting may remain under the old ones.
	b2 := article("b", Set{7, 8, 9}, 30, 31, 32, 33)
	b2.Digest = 999
	if r, err := s.Put(b2); err != nil || r != Replaced {
		t.Fatalf("replace: %v %v", r, err)
	}
	for _, key := range []uint64{21, 22, 23} {
		if c, _ := s.Candidates([]uint64{key}); len(c) != 0 {
			t.Errorf("stale posting under band %d: %v", key, c)
		}
	}
	if c, _ := s.Candidates([]uint64{10}); !slices.Equal(c, []uint64{DocNum("a")}) {
		t.Errorf("band 10 holds %v, want only a", c)
	}
	if c, _ := s.Candidates([]uint64{30}); !slices.Equal(c, []uint64{DocNum("b")}) {
		t.Errorf("band 30 holds %v, want b", c)
	}
	got, err := s.Get("b")
	if err != nil || !slices.Equal(got.Set, b2.Set) || got.Title != "t b" {
		t.Fatalf("get b: %v %+v", err, got)
	}
	if ok, err := s.Delete("b"); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if ok, _ := s.Delete("b"); ok {
		t.Error("second delete found the article")
	}
	if _, err := s.Get("b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get deleted: %v", err)
	}
	if c, _ := s.Candidates([]uint64{30, 31, 32, 33}); len(c) != 0 {
		t.Errorf("postings survive delete: %v", c)
	}
	if n, _ := s.Count(); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
}

func TestReopenAndParams(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, &Options{Params: testParams})
	if err != nil {
		t.Fatal(err)
	}
	s.Put(article("a", Set{1, 2}, 1, 2, 3, 4))
	s.Close()

	empty := t.TempDir()
	if _, err := Open(empty, &Options{}); !errors.Is(err, ErrNoIndex) {
		t.Errorf("new index without params: %v", err)
	}
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Errorf("a refused open left %d files in the folder", len(ents))
	}
	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Params() != testParams {
		t.Errorf("stored params %v", s.Params())
	}
	if _, err := s.Get("a"); err != nil {
		t.Errorf("article lost on reopen: %v", err)
	}
	s.Close()

	other := testParams
	other.K = 64
	_, err = Open(dir, &Options{Params: other})
	if !errors.Is(err, ErrParams) || !strings.Contains(err.Error(), `"k":128`) || !strings.Contains(err.Error(), `"k":64`) {
		t.Errorf("mismatch error does not name both: %v", err)
	}
	ro, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Put(article("b", Set{1}, 1, 2, 3, 4)); err == nil {
		t.Error("read-only store accepted a write")
	}
}

func TestRetention(t *testing.T) {
	s := openTest(t, t.TempDir(), &Options{Params: testParams, Retention: time.Hour})
	old := article("old", Set{1}, 1, 2, 3, 4)
	old.DateUnix = time.Now().Add(-2 * time.Hour).Unix()
	if _, err := s.Put(old); !errors.Is(err, ErrExpired) {
		t.Errorf("expired article: %v", err)
	}
	soon := article("soon", Set{1}, 5, 6, 7, 8)
	soon.DateUnix = time.Now().Add(-time.Hour + 2*time.Second).Unix()
	fresh := article("fresh", Set{1}, 9, 10, 11, 12)
	for _, a := range []*Article{soon, fresh} {
		a.Text = []byte("text of " + a.ID)
		if _, err := s.Put(a); err != nil { // a text block each
			t.Fatal(err)
		}
	}
	// Two in one text block: it lives as long as the later.
	b, _ := s.NewBatch()
	for _, a := range []*Article{article("soon2", Set{1}, 13), article("fresh2", Set{1}, 14)} {
		a.DateUnix = soon.DateUnix
		if a.ID == "fresh2" {
			a.DateUnix = 0
		}
		a.Text = []byte("text of " + a.ID)
		if _, err := b.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := len(blockKeys(t, s)); n != 3 {
		t.Fatalf("%d text blocks, want 3", n)
	}
	if testing.Short() {
		t.Skip("the rest waits 3.5 s for a block to expire (Badger's expiry is in seconds): not in -short")
	}
	time.Sleep(3500 * time.Millisecond)
	if n := len(blockKeys(t, s)); n != 2 {
		t.Errorf("%d text blocks after one expired, want 2", n)
	}
	for _, id := range []string{"fresh", "fresh2"} {
		if text, err := s.Text(DocNum(id)); err != nil || string(text) != "text of "+id {
			t.Errorf("text of %s: %q %v", id, text, err)
		}
	}
	if err := s.Verify(); err != nil {
		t.Error(err)
	}
	if _, err := s.Get("soon"); !errors.Is(err, ErrNotFound) {
		t.Errorf("article past retention still there: %v", err)
	}
	if c, _ := s.Candidates(soon.Bands); len(c) != 0 {
		t.Errorf("postings of an expired article remain: %v", c)
	}
	if _, err := s.Get("fresh"); err != nil {
		t.Errorf("fresh article gone: %v", err)
	}
}

func TestOrphanPostingsIgnored(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	a := article("a", Set{1, 2, 3}, 1, 2, 3, 4)
	s.Put(a)
	// A posting whose article is absent, as a writer that died between two transactions of an older layout
	// might leave: queries and scans skip it.
	err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(bandKey(nil, s.params.bandBytes(), 1, 12345), nil) })
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.Query(Query{Bands: a.Bands, Set: a.Set, Full: true, Threshold: 0.1})
	if err != nil || len(ms) != 1 || ms[0].Article.ID != "a" {
		t.Errorf("query with an orphan: %v %+v", err, ms)
	}
}

func TestBatchAtomicAcrossFlushes(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	b.maxN, b.maxB = 50, 1<<20 // force many transactions
	for i := range 200 {
		id := string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		if _, err := b.Put(article(id, Set{uint32(i)}, uint64(i), uint64(i+1000), uint64(i+2000), uint64(i+3000))); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(); n != 200 {
		t.Errorf("count %d", n)
	}
	big := article("big", Set{1}, make([]uint64, 100)...)
	b, _ = s.NewBatch()
	b.maxN = 50
	if _, err := b.Put(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized article: %v", err)
	}
	b.Discard()
}

func TestSetEncodingAndSimilarity(t *testing.T) {
	set := MakeSet(nil, []uint64{5 << 32, 1 << 32, 5 << 32, 3<<32 | 7, 1<<63 + 9})
	if !slices.Equal(set, Set{1, 3, 5, 1 << 31}) {
		t.Fatalf("MakeSet = %v", set)
	}
	enc := appendSet(nil, set)
	dec, rest, err := decodeSet(nil, enc)
	if err != nil || len(rest) != 0 || !slices.Equal(dec, set) {
		t.Fatalf("round trip: %v %v %v", dec, rest, err)
	}
	if _, _, err := decodeSet(nil, enc[:len(enc)-1]); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated set: %v, want ErrCorrupt", err)
	}
	// A record whose set is cut short is corrupt, and says so through errors.Is.
	rec := article("a", Set{1, 2, 3}, 1).encode(nil)
	cut := bytes.Index(rec, appendSet(nil, Set{1, 2, 3}))
	if _, err := decodeArticle(rec[:cut+2], partSet); !errors.Is(err, ErrCorrupt) {
		t.Errorf("record with a cut set: %v, want ErrCorrupt", err)
	}
	j, c := Similarity(Set{1, 2, 3, 4}, Set{3, 4, 5}, true, true)
	if j != 2.0/5 || c != 0.5 {
		t.Errorf("similarity %v %v", j, c)
	}
	if j, _ := Similarity(nil, Set{1}, true, true); j != 0 {
		t.Error("empty set similar")
	}
}

// TestRecordGolden pins the record encoding: a change breaks every stored index.
func TestRecordGolden(t *testing.T) {
	a := &Article{ID: "x", Title: "T", URL: "u", Source: "s", Date: "2020-01-02", DateUnix: 1577923200, Extra: []byte(`{"k":1}`),
		TextLen: 42, Digest: 0x0102030405060708, Set: Set{3, 300}, Full: true, Size: 2, Bands: []uint64{0xff},
		Passages: []Passage{{Start: 4, End: 9, Bands: []uint64{7}, Set: Set{5, 6}}}, ContentKey: 0x1122334455667788}
	got := a.encode(nil)
	const want = "0101780154017501730a323032302d30312d303280cae9e00b077b226b223a317d2a020807060504030201010203a902" +
		"01ff000000000000000104050107000000000000000205018877665544332211"
	if hexs(got) != want {
		t.Errorf("record encoding changed:\n got %s\nwant %s", hexs(got), want)
	}
	back, err := decodeArticle(got, partAll)
	if err != nil || back.ID != "x" || back.DateUnix != a.DateUnix || !slices.Equal(back.Set, a.Set) || back.Passages[0].End != 9 || back.Bands[0] != 0xff || back.ContentKey != a.ContentKey {
		t.Errorf("decode: %v %+v", err, back)
	}
	for i := range got {
		if _, err := decodeArticle(got[:i], partAll); err == nil {
			t.Fatalf("truncated record (%d bytes) decoded", i)
		}
	}
}

func hexs(b []byte) string {
	const d = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, d[c>>4], d[c&15])
	}
	return string(out)
}

func FuzzDecodeArticle(f *testing.F) {
	f.Add((&Article{ID: "x", Set: Set{1, 2}, Bands: []uint64{1}}).encode(nil))
	f.Add((&Article{ID: "x", Set: Set{1, 2}, Bands: []uint64{1}, ref: textRef{3, 10, 20}}).encode(nil))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	for _, v := range []byte{4, 5} {
		a := &Article{ID: "x", Set: Set{1, 2, 1 << 31}, Bands: []uint64{1<<64 - 1}, Anchors: []uint32{2, 9}, ContentKey: 7, version: v}
		a.Passages = []Passage{{Start: 1, End: 3, Bands: []uint64{5}, Set: Set{2}}}
		f.Add(a.encode(nil))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeArticle(b, partAll) // must not panic or allocate without bound
	})
}

func TestContentKey(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	a := article("a", Set{1, 2}, 1, 2, 3, 4)
	a.ContentKey = 99
	if _, err := s.Put(a); err != nil {
		t.Fatal(err)
	}
	got, err := s.ByContent(99)
	if err != nil || got.ID != "a" || len(got.Bands) != 4 {
		t.Fatalf("ByContent: %v %+v", err, got)
	}
	if _, err := s.ByContent(98); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
	if ok, _ := s.Delete("a"); !ok {
		t.Fatal("delete")
	}
	if _, err := s.ByContent(99); !errors.Is(err, ErrNotFound) {
		t.Errorf("content key survives delete: %v", err)
	}
}

// TestBatchPipelineReadsOwnWrites writes, replaces and deletes ids whose earlier writes are still in a group
// that is being built or committed: every later operation must see them, and no stale posting may remain.
func TestBatchPipelineReadsOwnWrites(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Discard()
	b.maxN = 40 // a few articles per transaction, so that groups are in flight all the time
	put := func(a *Article, want Result) {
		t.Helper()
		if r, err := b.Put(a); err != nil || r != want {
			t.Fatalf("put %s: %v %v, want %v", a.ID, r, err, want)
		}
	}
	for round := range 3 {
		for i := range 30 {
			id := "x" + strings.Repeat("y", i)
			a := article(id, Set{uint32(round), uint32(10 + i)}, uint64(1000*round+i), uint64(1000*round+i+100), 7777, 8888)
			a.Digest = uint64(round*100 + i)
			a.ContentKey = uint64(500 + i) // the same content key for the id in every round
			want := Added
			if round > 0 {
				want = Replaced
			}
			put(a, want)
			if i%5 == 0 {
				b.Flush()
			}
		}
	}
	// Unchanged while the last round may still be in flight.
	a := article("x", Set{2, 10}, 2000, 2100, 7777, 8888)
	a.Digest = 200
	put(a, Unchanged)
	// Delete right after a Put of the same id in the same group.
	z := article("z", Set{9}, 9009, 9009, 9009, 9009)
	put(z, Added)
	if ok, err := b.Delete("z"); !ok || err != nil {
		t.Fatalf("delete z in flight: %v %v", ok, err)
	}
	// A content key moves from one article to another while both writes are pending.
	c1 := article("c1", Set{1}, 9001, 9001, 9001, 9001)
	c1.ContentKey = 77
	put(c1, Added)
	c2 := article("c2", Set{2}, 9002, 9002, 9002, 9002)
	c2.ContentKey = 77
	put(c2, Added)
	c1b := article("c1", Set{3}, 9003, 9003, 9003, 9003)
	c1b.ContentKey, c1b.Digest = 78, 12345
	put(c1b, Replaced) // must not delete content key 77, which c2 holds now
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(z); err == nil {
		t.Error("Put after Commit succeeded")
	}
	b.Discard() // safe after Commit
	if _, err := s.Put(article("bad", Set{3, 1}, 1, 2, 3, 4)); !errors.Is(err, ErrInvalid) {
		t.Errorf("unsorted set: %v, want ErrInvalid", err)
	}

	if n, _ := s.Count(); n != 32 {
		t.Errorf("count %d, want 32 (30 x ids, c1, c2)", n)
	}
	for round := range 2 {
		for i := range 30 {
			if c, _ := s.Candidates([]uint64{uint64(1000*round + i)}); len(c) != 0 {
				t.Fatalf("stale posting of round %d, article %d: %v", round, i, c)
			}
		}
	}
	for i := range 30 {
		if c, _ := s.Candidates([]uint64{uint64(2000 + i)}); len(c) != 1 {
			t.Fatalf("article %d of the last round: %v", i, c)
		}
		got, err := s.ByContent(uint64(500 + i))
		if err != nil || got.ID != "x"+strings.Repeat("y", i) {
			t.Fatalf("content key %d: %v %v", 500+i, got, err)
		}
	}
	if c, _ := s.Candidates([]uint64{7777}); len(c) != 30 {
		t.Errorf("band 7777 holds %d articles, want 30", len(c))
	}
	if c, _ := s.Candidates([]uint64{9009}); len(c) != 0 {
		t.Errorf("deleted z still in its band: %v", c)
	}
	if c, _ := s.Candidates([]uint64{9001}); len(c) != 0 {
		t.Errorf("replaced c1 still in its old band: %v", c)
	}
	if got, err := s.ByContent(77); err != nil || got.ID != "c2" {
		t.Errorf("content key 77: %v %v, want c2", got, err)
	}
	if got, err := s.ByContent(78); err != nil || got.ID != "c1" {
		t.Errorf("content key 78: %v %v, want c1", got, err)
	}
}

// TestBatchAgainstModel runs random sequences of puts (new, changed and unchanged), deletes and flushes over a
// few ids, in batches that keep several groups in flight, and compares the store with a map after every batch:
// the same articles, each in exactly its own band buckets and content key, nothing else.
func TestBatchAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	model := map[string]*Article{}
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	version := 0
	var log []string
	for round := range 20 {
		b, err := s.NewBatch()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.Discard)              // on a failure, before the store closes; a no-op after Commit
		b.maxN = int64(28 + rng.IntN(40)) // a replace takes up to 24 entries
		for range 200 {
			id := ids[rng.IntN(len(ids))]
			switch op := rng.IntN(10); {
			case op < 6: // put new or changed content
				version++
				v := uint64(version)
				// The first band key has high bytes that a record of version 5 does not keep (its postings do
				// not either): deleting and verifying must not need them.
				a := article(id, Set{uint32(v), uint32(v) + 1}, v*0x9e3779b97f4a7c15&^(1<<40-1)|(1e6+v), 2e6+v, 3e6+v, 4e6+v)
				a.Digest = v
				a.Anchors = []uint32{uint32(v) + uint32(v%2)} // the even value of the set
				if rng.IntN(3) == 0 {
					a.ContentKey = uint64(1 + rng.IntN(4)) // a few shared keys: they move between ids
				}
				for j := range rng.IntN(3) { // passages with band keys of their own
					a.Passages = append(a.Passages, Passage{Start: uint32(j), End: uint32(j + 1), Bands: []uint64{5e6 + 10*v + uint64(j), 6e6 + 10*v + uint64(j)}, Set: Set{uint32(j)}})
				}
				want := Added
				if model[id] != nil {
					want = Replaced
				}
				if r, err := b.Put(a); err != nil || r != want {
					t.Fatalf("round %d: put %s: %v %v, want %v; the last operations:\n%s", round, id, r, err, want, strings.Join(log[max(0, len(log)-40):], "\n"))
				}
				log = append(log, fmt.Sprintf("r%d put %s v%d ck%d %v", round, id, v, a.ContentKey, want))
				model[id] = a
			case op < 7: // put the same content again
				if old := model[id]; old != nil {
					if r, err := b.Put(old); err != nil || r != Unchanged {
						t.Fatalf("round %d: re-put %s: %v %v", round, id, r, err)
					}
				}
			case op < 9:
				ok, err := b.Delete(id)
				log = append(log, fmt.Sprintf("r%d del %s %v", round, id, ok))
				if err != nil || ok != (model[id] != nil) {
					t.Fatalf("round %d: delete %s: %v %v, model has it: %v", round, id, ok, err, model[id] != nil)
				}
				delete(model, id)
			default:
				if err := b.Flush(); err != nil {
					t.Fatal(err)
				}
				log = append(log, "flush")
			}
		}
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
		checkModel(t, s, model)
		if round%5 == 4 { // reopened, the store reloads its docnums
			s.Close()
			s = openTest(t, dir, nil)
			checkModel(t, s, model)
		}
	}
}

func checkModel(t *testing.T, s *Store, model map[string]*Article) {
	t.Helper()
	if n, _ := s.Count(); n != len(model) {
		t.Fatalf("count %d, model %d", n, len(model))
	}
	postings := 0
	for id, want := range model {
		got, err := s.Get(id)
		kept := make([]uint64, len(want.Bands)) // a record keeps the last keptBandBytes bytes of a band key
		for i, key := range want.Bands {
			kept[i] = key & (1<<(8*keptBandBytes) - 1)
		}
		if err != nil || got.Digest != want.Digest || !slices.Equal(got.Bands, kept) {
			t.Fatalf("get %s: %v %+v, want digest %d", id, err, got, want.Digest)
		}
		for _, key := range want.Bands {
			if c, _ := s.Candidates([]uint64{key}); !slices.Equal(c, []uint64{DocNum(id)}) {
				t.Fatalf("band %d holds %v, want only %s", key, c, id)
			}
		}
		postings += len(want.Bands)
		for j, p := range want.Passages {
			for _, key := range p.Bands {
				if c, _ := s.PassageCandidates([]uint64{key}); !slices.Equal(c, []PassageHit{{DocNum(id), j}}) {
					t.Fatalf("passage band %d holds %v, want only passage %d of %s", key, c, j, id)
				}
			}
			postings += len(p.Bands)
		}
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Postings != postings {
		t.Fatalf("%d postings, want %d: stale postings remain", st.Postings, postings)
	}
	if c, err := s.Counts(); err != nil || c.Articles != int64(len(model)) || c.Bands+c.Passages != int64(postings) {
		t.Fatalf("counts %+v (%v), want %d articles and %d postings", c, err, len(model), postings)
	}
	// A content key names the article that wrote it last, if that one still has it; when that article goes, the key
	// goes too, even if an earlier article had the same source bytes (its next copy is then hashed, not copied).
	for key := uint64(1); key <= 4; key++ {
		got, err := s.ByContent(key)
		if err == nil && (got.ContentKey != key || model[got.ID] == nil || model[got.ID].Digest != got.Digest) {
			t.Fatalf("content key %d names %s, which does not have it", key, got.ID)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
	}
}

// TestBatchCommitError: a transaction Badger refuses fails its own group only; the error comes back from the
// next call, and the articles of the other groups are whole.
func TestBatchCommitError(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Discard)
	if _, err := b.Put(article("a", Set{1}, 1, 2, 3, 4)); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(article("b", Set{2}, 5, 6, 7, 8)); err != nil {
		t.Fatal(err)
	}
	b.cur.set(nil, nil, 0) // an empty key: Badger refuses the whole transaction
	if err := b.Commit(); err == nil {
		t.Fatal("Commit succeeded with a refused transaction")
	}
	if _, err := s.Get("a"); err != nil {
		t.Errorf("a, committed in its own transaction: %v", err)
	}
	if _, err := s.Get("b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("b shares the refused transaction but is there: %v", err)
	}
	if c, _ := s.Candidates([]uint64{5, 6, 7, 8}); len(c) != 0 {
		t.Errorf("postings of b: %v", c)
	}
	if _, err := s.Put(article("c", Set{3}, 9, 10, 11, 12)); err != nil {
		t.Errorf("the store after a refused transaction: %v", err)
	}
	// The counts were taken afresh after the failure: a and c, 4 band postings each.
	if c, err := s.Counts(); err != nil || c != (Counts{Articles: 2, Bands: 8}) {
		t.Errorf("counts after a refused transaction: %+v %v", c, err)
	}
	if _, err := s.Stats(); err != nil {
		t.Errorf("stats after a refused transaction: %v", err)
	}
}

// TestVerify: a whole index passes; a missing posting and an extra one are both named.
func TestVerify(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	a := article("a", Set{1, 2}, 1, 2, 3, 4)
	a.Passages = []Passage{{Start: 0, End: 1, Bands: []uint64{7, 8}, Set: Set{1}}}
	if _, err := s.Put(a); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); err != nil {
		t.Fatalf("whole index: %v", err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete(passageKey(nil, 8, DocNum("a"), 0)) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); err == nil || !strings.Contains(err.Error(), "passage 0 of a is missing") {
		t.Errorf("missing passage posting: %v", err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(passageKey(nil, 8, DocNum("a"), 0), nil); err != nil { // whole again
			return err
		}
		return txn.Set(bandKey(nil, s.params.bandBytes(), 99, 12345), nil)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); err == nil || !strings.Contains(err.Error(), "postings, but") {
		t.Errorf("extra posting: %v", err)
	}
}

// TestTextKept: an article's text is kept, replaced and deleted with the article.
func TestTextKept(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	a := article("a", Set{1, 2}, 1, 2)
	a.Text = []byte("compressed text v1")
	if _, err := s.Put(a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Text(DocNum("a")); err != nil || string(got) != "compressed text v1" {
		t.Fatalf("text: %q %v", got, err)
	}
	b := article("a", Set{3}, 3, 4)
	b.Text = []byte("compressed text v2")
	if _, err := s.Put(b); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Text(DocNum("a")); err != nil || string(got) != "compressed text v2" {
		t.Fatalf("replaced text: %q %v", got, err)
	}
	c := article("a", Set{5}, 5, 6) // replaced by a version without text
	if _, err := s.Put(c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Text(DocNum("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("text of a version given without one: %v", err)
	}
	c2 := article("a", Set{7}, 7, 8)
	c2.Text = []byte("v4")
	if _, err := s.Put(c2); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Delete("a"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, err := s.Text(DocNum("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("text of a deleted article: %v", err)
	}
}

// setFormat records format v in the parameters of s and closes it: the next Open reads the index as one of
// format v.
func setFormat(t *testing.T, s *Store, v int) {
	t.Helper()
	p := s.params
	p.Format = v
	b, _ := json.Marshal(p)
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(paramsKey, b) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// TestReadsFormat1: an index written before texts were kept (format 1) opens, reads and takes writes; a format
// this build does not know is refused.
func TestReadsFormat1(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	if _, err := s.Put(article("a", Set{1, 2}, 1, 2)); err != nil {
		t.Fatal(err)
	}
	setFormat(t, s, 1)
	s = openTest(t, dir, &Options{})
	if s.Params().Format != 1 {
		t.Fatalf("format %d", s.Params().Format)
	}
	if _, err := s.Put(article("b", Set{3}, 3, 4)); err != nil {
		t.Fatalf("write to a format 1 index: %v", err)
	}
	if _, err := s.Get("a"); err != nil {
		t.Fatal(err)
	}
	setFormat(t, s, 99)
	if _, err := Open(dir, &Options{}); !errors.Is(err, ErrParams) {
		t.Fatalf("format 99: %v", err)
	}
}

// TestOlderFormatsKeepTheirRecords: an index of format 7 writes records of version 6 (provenance), one of format
// 6 records of version 5 (5-byte band keys) and
// postings of 5-byte band keys; one of format 5 goes on writing version 4 (packed sets, whole band keys in the
// record) and one of format 4 version 3 and whole band keys in its postings, which the builds that wrote them
// read. A replaced article's postings are deleted whatever version its record was written in, with band keys of
// all 8 bytes.
func TestOlderFormatsKeepTheirRecords(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	set := span(1, 200)
	for i := range set {
		set[i] *= 20_000_000 // spread over 32 bits as an article's values are
	}
	version := func(id string) byte {
		var v []byte
		err := s.db.View(func(txn *badger.Txn) error {
			item, err := txn.Get(docKey(nil, DocNum(id)))
			if err != nil {
				return err
			}
			v, err = item.ValueCopy(nil)
			return err
		})
		if err != nil || len(v) == 0 {
			t.Fatalf("record of %s: %v", id, err)
		}
		return v[0]
	}
	found := func(id string, bands ...uint64) {
		t.Helper()
		if got, err := s.Candidates(bands); err != nil || !slices.Contains(got, DocNum(id)) {
			t.Fatalf("%s not found in its buckets %x: %v %v", id, bands, got, err)
		}
	}
	gone := func(id string, bands ...uint64) {
		t.Helper()
		if got, err := s.Candidates(bands); err != nil || slices.Contains(got, DocNum(id)) {
			t.Fatalf("%s still in its old buckets %x: %v %v", id, bands, got, err)
		}
	}
	const big = 0x1122334455667788 // a band key whose first 3 bytes a format 6 record does not keep
	put := func(id string, bands ...uint64) {
		t.Helper()
		a := article(id, set, bands...)
		a.Text = []byte("text " + id)
		if _, err := s.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	put("a", big, 2)
	if v := version("a"); v != 6 {
		t.Fatalf("format %d index wrote record version %d", FormatVersion, v)
	}
	if got, err := s.Get("a"); err != nil || !slices.Equal(got.Bands, []uint64{big & (1<<40 - 1), 2}) {
		t.Fatalf("bands of a: %v %v", got, err)
	}
	found("a", big, 2)
	put("z", big+1, 9)
	put("z", 10, 11) // a replacement deletes the postings its version 6 record names
	gone("z", big+1, 9)
	found("z", 10, 11)

	setFormat(t, s, 6)
	s = openTest(t, dir, &Options{})
	put("f6", big, 14)
	if v := version("f6"); v != 5 {
		t.Fatalf("format 6 index wrote record version %d", v)
	}
	put("a", 15, 16) // a version 6 record replaced in a format 6 index
	gone("a", big, 2)
	found("a", 15, 16)

	setFormat(t, s, 5)
	s = openTest(t, dir, &Options{})
	put("b", big, 6)
	if v := version("b"); v != 4 {
		t.Fatalf("format 5 index wrote record version %d", v)
	}
	if got, err := s.Get("b"); err != nil || !slices.Equal(got.Bands, []uint64{big, 6}) {
		t.Fatalf("bands of b: %v %v", got, err)
	}
	found("b", big, 6)
	put("b", 7, 8)
	gone("b", big, 6)
	put("a", 12, 13) // a version 5 record replaced in a format 5 index
	gone("a", big, 2)
	if err := s.Verify(); err != nil { // records of versions 4 and 5 name their postings
		t.Fatalf("verify: %v", err)
	}

	setFormat(t, s, 4)
	s = openTest(t, dir, &Options{})
	put("c", 3, 4)
	if v := version("c"); v != 3 {
		t.Fatalf("format 4 index wrote record version %d", v)
	}
	found("c", 3, 4) // in postings of the whole band keys
	if err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(bandKey(nil, 8, 3, DocNum("c")))
		return err
	}); err != nil {
		t.Fatalf("format 4 posting: %v", err)
	}
	for _, id := range []string{"a", "b", "c", "z"} {
		got, err := s.Get(id)
		if err != nil || !slices.Equal(got.Set, set) {
			t.Fatalf("%s: %v", id, err)
		}
		if text, err := s.Text(DocNum(id)); err != nil || string(text) != "text "+id {
			t.Fatalf("text of %s: %q %v", id, text, err)
		}
	}
}

// TestPackedSet: the packed set (record version 4) gives back every set it encodes, of every size and spread
// (one value, the extremes of 32 bits, dense runs, a long gap after dense values, a MaxSetSize set), in at most a
// byte more than the uvarint deltas and 15% less for values spread as an article's are, and refuses every
// truncation.
func TestPackedSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	random := func(n int) Set {
		h := make([]uint64, n)
		for i := range h {
			h[i] = rng.Uint64()
		}
		return MakeSet(nil, h)
	}
	sets := []Set{nil, {0}, {1<<32 - 1}, {0, 1<<32 - 1}, span(0, 1000), slices.Concat(span(0, 500), Set{1<<32 - 1}),
		span(1<<32-300, 1<<32-1), random(1), random(5), random(150), random(2000), random(MaxSetSize)}
	for _, n := range []int{150, 2000} { // the values of an article's set are spread over 32 bits
		s := random(n)
		if packed, old := len(appendPackedSet(nil, s)), len(appendSet(nil, s)); packed > old*85/100 {
			t.Errorf("%d random values: packed %d bytes, uvarint deltas %d", n, packed, old)
		}
	}
	for _, s := range sets {
		enc := appendPackedSet([]byte{0xaa}, s)
		if enc[0] != 0xaa {
			t.Fatal("appendPackedSet overwrote dst")
		}
		enc = append(enc[1:], 0x55) // a byte of the record after the set
		got, rest, err := decodePackedSet(nil, enc)
		if err != nil || !slices.Equal(got, s) || len(rest) != 1 || rest[0] != 0x55 {
			t.Fatalf("%d values: %v, rest %v, equal %v", len(s), err, rest, slices.Equal(got, s))
		}
		if old := len(appendSet(nil, s)); len(enc)-1 > old+1 {
			t.Errorf("%d values: packed %d bytes, uvarint deltas %d", len(s), len(enc)-1, old)
		}
		if len(s) > 5000 {
			continue
		}
		for i := range len(enc) - 1 {
			if got, _, err := decodePackedSet(nil, enc[:i]); err == nil && len(s) > 0 {
				t.Fatalf("%d values: truncated to %d bytes decoded as %d values", len(s), i, len(got))
			}
		}
	}
	// The layout, pinned: ten values 1,000 apart, Rice parameter 9, each gap a 0 bit, a 1 bit and its low 9 bits.
	every1000 := make(Set, 10)
	for i := range every1000 {
		every1000[i] = uint32(1000 * (i + 1))
	}
	if got := hexs(appendPackedSet(nil, every1000)); got != "0a090ea217bde8452f7ad18b5ef4a2173d" {
		t.Errorf("packed set changed: %s", got)
	}
	for _, x := range []uint64{0, 1, 127, 128, 16383, 16384, 1<<32 - 1, 1<<64 - 1} {
		if uvarintLen(x) != len(binary.AppendUvarint(nil, x)) {
			t.Errorf("uvarintLen(%d) = %d", x, uvarintLen(x))
		}
	}
	// Records of versions 4 and 5 without a text block, with and without a content key and anchors, and every
	// truncation of each, refused. Version 5 keeps the last 5 bytes of a band key; passages keep all 8.
	for _, v := range []byte{4, 5} {
		for _, content := range []uint64{0, 0xfeed} {
			a := article("a", random(150), 1, 2, 0x1122334455667788, 4)
			a.Passages = []Passage{{Start: 1, End: 9, Bands: []uint64{0xaabbccddeeff0011}, Set: Set{7, 9}}}
			a.ContentKey, a.version = content, v
			if content != 0 {
				a.Anchors = []uint32{5, 1 << 20, 1<<32 - 1}
			}
			rec := a.encode(nil)
			back, err := decodeArticle(rec, partAll)
			wantBand := uint64(0x1122334455667788)
			if v == 5 {
				wantBand = 0x4455667788
			}
			if rec[0] != v || err != nil || !slices.Equal(back.Set, a.Set) || back.ref != (textRef{}) ||
				!slices.Equal(back.Bands, []uint64{1, 2, wantBand, 4}) || back.ContentKey != content ||
				!slices.Equal(back.Anchors, a.Anchors) || !slices.Equal(back.Passages[0].Bands, a.Passages[0].Bands) {
				t.Fatalf("record version %d: %v %+v", rec[0], err, back)
			}
			for i := range rec {
				if _, err := decodeArticle(rec[:i], partAll); err == nil {
					t.Fatalf("truncated record of version %d (%d bytes) decoded", v, i)
				}
			}
		}
	}
}

func FuzzDecodePackedSet(f *testing.F) {
	f.Add(appendPackedSet(nil, Set{3, 4, 300}))
	f.Add(appendPackedSet(nil, span(0, 100)))
	f.Add([]byte{2, 31, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, _, err := decodePackedSet(nil, b) // must not panic or allocate without bound
		if err != nil {
			return
		}
		again, _, err := decodePackedSet(nil, appendPackedSet(nil, s))
		if err != nil || !slices.Equal(again, s) {
			t.Fatalf("%v re-encoded: %v %v", s, again, err)
		}
	})
}

// BenchmarkSetCodec decodes and encodes a set of 150 values spread over 32 bits (a news article's), as uvarint
// deltas (record versions 1-3) and packed (version 4); SetBytes counts the values' 4 bytes each.
func BenchmarkSetCodec(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	h := make([]uint64, 150)
	for i := range h {
		h[i] = rng.Uint64()
	}
	set := MakeSet(nil, h)
	codecs := []struct {
		name   string
		encode func([]byte, Set) []byte
		decode func(Set, []byte) (Set, []byte, error)
	}{{"deltas", appendSet, decodeSet}, {"packed", appendPackedSet, decodePackedSet}}
	for _, c := range codecs {
		enc := c.encode(nil, set)
		b.Run("decode/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(4 * len(set)))
			b.ReportAllocs()
			dst := make(Set, 0, len(set))
			for b.Loop() {
				dst, _, _ = c.decode(dst, enc)
			}
			b.ReportMetric(float64(len(enc)), "bytes")
		})
		b.Run("encode/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(4 * len(set)))
			b.ReportAllocs()
			buf := make([]byte, 0, 2*len(enc)+16)
			for b.Loop() {
				buf = c.encode(buf[:0], set)
			}
		})
	}
}

// TestMakeSet compares MakeSet with its definition (the distinct high 32 bits of the hashes, sorted) on uniform
// hashes of every size around the bucket sort's bounds, and on inputs that defeat it: all equal, clustered in
// one bucket, sorted backwards, and repeats.
func TestMakeSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	want := func(hashes []uint64) Set {
		s := make(Set, 0, len(hashes))
		for _, h := range hashes {
			s = append(s, uint32(h>>32))
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	check := func(name string, hashes []uint64) {
		t.Helper()
		if got, w := MakeSet(nil, hashes), want(hashes); !slices.Equal(got, w) {
			t.Fatalf("%s (%d hashes): MakeSet differs from its definition", name, len(hashes))
		}
		dst := make(Set, 3, len(hashes)+5) // reused, with values in it
		if got := MakeSet(dst, hashes); !slices.Equal(got, want(hashes)) {
			t.Fatalf("%s (%d hashes), reusing dst: MakeSet differs", name, len(hashes))
		}
	}
	for _, n := range []int{0, 1, 2, 31, 32, 33, 150, 1000, 1024, 1025, 5000, 8192, 8193, 20000} {
		h := make([]uint64, n)
		for i := range h {
			h[i] = rng.Uint64()
		}
		check("uniform", h)
		check("repeated", append(slices.Clone(h), h...))
		clustered := make([]uint64, n) // one bucket: the top 20 bits equal
		for i := range clustered {
			clustered[i] = 0xabcde<<44 | rng.Uint64()>>20
		}
		check("clustered", clustered)
		slices.Sort(h)
		slices.Reverse(h)
		check("backwards", h)
		same := make([]uint64, n)
		for i := range same {
			same[i] = 42 << 32
		}
		check("equal", same)
	}
	h := make([]uint64, 150)
	for i := range h {
		h[i] = rng.Uint64()
	}
	dst := make(Set, 0, len(h))
	if allocs := testing.AllocsPerRun(100, func() { dst = MakeSet(dst, h) }); allocs != 0 {
		t.Errorf("MakeSet into a large enough dst: %.0f allocations", allocs)
	}
}

// BenchmarkMakeSet: an article's 150 shingle hashes and a long article's 3,000, into a reused set.
func BenchmarkMakeSet(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{150, 3000} {
		h := make([]uint64, n)
		for i := range h {
			h[i] = rng.Uint64()
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dst := make(Set, 0, n)
			b.ReportAllocs()
			for b.Loop() {
				dst = MakeSet(dst, h)
			}
		})
	}
}

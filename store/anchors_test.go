package store

import (
	"errors"
	"slices"
	"strings"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
)

// span returns the set {lo, lo+1, ..., hi-1}.
func span(lo, hi uint32) Set {
	var s Set
	for v := lo; v < hi; v++ {
		s = append(s, v)
	}
	return s
}

func TestAnchorsOf(t *testing.T) {
	if got := AnchorsOf(nil, Set{1, 2, 3, 8, 9, 16}, 8); !slices.Equal(got, []uint32{8, 16}) {
		t.Errorf("anchors %v", got)
	}
	if got := AnchorsOf(nil, Set{8}, 0); got != nil {
		t.Errorf("rate 0 gave anchors %v", got)
	}
}

func TestMinShared(t *testing.T) {
	for _, c := range []struct {
		n    int
		c    float64
		want int
	}{{1, 0.8, 1}, {5, 0.8, 1}, {50, 0.8, 31}, {10, 1, 10}, {200, 0.5, 78}} {
		if got := minShared(c.n, c.c); got != c.want {
			t.Errorf("minShared(%d, %v) = %d, want %d", c.n, c.c, got, c.want)
		}
	}
}

// TestContained: a release inside a carrier five times its size (Jaccard 0.2) is found with its exact
// containment; an article holding only 0.75 of it is not at 0.8 and is at 0.7; replace and delete take the
// anchors with the article.
func TestContained(t *testing.T) {
	s := openTest(t, t.TempDir(), nil) // anchor rate 2
	release := span(1000, 1100)
	carrier := slices.Concat(span(1, 401), release)
	partial := slices.Concat(span(1000, 1075), span(5000, 5100))
	other := span(7000, 7300)
	for _, a := range []*Article{article("carrier", carrier, 1), article("partial", partial, 2), article("other", other, 3), article("release", release, 4)} {
		if _, err := s.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(ms []Match) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Article.ID)
		}
		return strings.Join(out, " ")
	}
	ms, info, err := s.Contained(ContainQuery{Set: release, Full: true, Exclude: "release", Containment: 0.8})
	if err != nil || ids(ms) != "carrier" {
		t.Fatalf("containment 0.8: %q %v", ids(ms), err)
	}
	if m := ms[0]; m.Containment != 1 || m.Jaccard != 100.0/500 {
		t.Errorf("carrier scores %v %v, want exact 1 and 0.2", m.Containment, m.Jaccard)
	}
	if info.Anchors != 50 || info.Common != 0 {
		t.Errorf("info %+v", info)
	}
	if ms, _, _ := s.Contained(ContainQuery{Set: release, Full: true, Exclude: "release", Containment: 0.7}); ids(ms) != "carrier partial" || ms[1].Containment != 0.75 {
		t.Errorf("containment 0.7: %q", ids(ms))
	}
	keep := func(a *Article) bool { return a.ID != "carrier" }
	if ms, _, _ := s.Contained(ContainQuery{Set: release, Full: true, Containment: 0.7, Keep: keep}); ids(ms) != "release partial" {
		t.Errorf("with a filter: %q", ids(ms))
	}
	// The carrier rewritten without the release, then deleted: its anchors go with it.
	if _, err := s.Put(article("carrier", span(1, 400), 5)); err != nil {
		t.Fatal(err)
	}
	if ms, _, _ := s.Contained(ContainQuery{Set: release, Full: true, Exclude: "release", Containment: 0.7}); ids(ms) != "partial" {
		t.Errorf("after the replace: %q", ids(ms))
	}
	if ok, err := s.Delete("partial"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ms, _, _ := s.Contained(ContainQuery{Set: release, Full: true, Exclude: "release", Containment: 0.7}); len(ms) != 0 {
		t.Errorf("after the delete: %q", ids(ms))
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Counts(); c.Anchors != int64(len(AnchorsOf(nil, span(1, 400), 2))+50+150) {
		t.Errorf("anchor count %d", c.Anchors)
	}
}

func TestContainedNeedsAnchors(t *testing.T) {
	p := testParams
	p.Anchors = 0
	s := openTest(t, t.TempDir(), &Options{Params: p})
	if _, _, err := s.Contained(ContainQuery{Set: Set{1}, Containment: 0.8}); !errors.Is(err, ErrNoAnchors) {
		t.Fatalf("got %v, want ErrNoAnchors", err)
	}
}

// TestKeyLayoutGolden pins the keys of one article, every kind (format 3).
func TestKeyLayoutGolden(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	a := article("x", Set{3, 4, 300}, 0xb1)
	a.Passages = []Passage{{Start: 0, End: 5, Bands: []uint64{0xc1}, Set: Set{3}}}
	a.ContentKey = 0xd1
	a.Text = []byte("text")
	if _, err := s.Put(a); err != nil {
		t.Fatal(err)
	}
	var keys []string
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			keys = append(keys, string(k[:1])+" "+hexs(k[1:]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = "a 000000045c80c09683041123|a 0000012c5c80c09683041123|" +
		"b 00000000000000b15c80c09683041123|c 00000000000000d1|d 5c80c09683041123|m 636f756e7473|" +
		"m 706172616d73|p 00000000000000c15c80c0968304112300000000|t 5c80c09683041123"
	if got := strings.Join(keys, "|"); got != want {
		t.Errorf("key layout changed:\n got %s\nwant %s", got, want)
	}
}

package store

import (
	"errors"
	"fmt"
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

// anchored returns an article whose anchors are the even values of its set.
func anchored(id string, set Set, band uint64) *Article {
	a := article(id, set, band)
	for _, v := range set {
		if v%2 == 0 {
			a.Anchors = append(a.Anchors, v)
		}
	}
	return a
}

// TestContained: a release inside a carrier five times its size (Jaccard 0.2) is found with its exact
// containment; an article holding only 0.75 of it is not at 0.8 and is at 0.7; MinShared filters before
// verification; replace and delete take the anchors with the article.
func TestContained(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	release := span(1000, 1100)
	carrier := slices.Concat(span(1, 401), release)
	partial := slices.Concat(span(1000, 1075), span(5000, 5100))
	other := span(7000, 7300)
	for _, a := range []*Article{anchored("carrier", carrier, 1), anchored("partial", partial, 2), anchored("other", other, 3), anchored("release", release, 4)} {
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
	q := func(c float64) ContainQuery {
		return ContainQuery{Set: release, Full: true, Probe: release, MinShared: 1, Exclude: "release", Containment: c}
	}
	ms, info, err := s.Contained(q(0.8))
	if err != nil || ids(ms) != "carrier" {
		t.Fatalf("containment 0.8: %q %v", ids(ms), err)
	}
	if m := ms[0]; m.Containment != 1 || m.Jaccard != 100.0/500 {
		t.Errorf("carrier scores %v %v, want exact 1 and 0.2", m.Containment, m.Jaccard)
	}
	if info.Probed != 100 || info.Common != 0 || info.Verified != 2 {
		t.Errorf("info %+v", info) // carrier and partial hold anchors of the release; other none
	}
	if ms, _, _ := s.Contained(q(0.7)); ids(ms) != "carrier partial" || ms[1].Containment != 0.75 {
		t.Errorf("containment 0.7: %q", ids(ms))
	}
	few := q(0.7)
	few.MinShared = 40 // partial holds 38 of the release's 50 anchors
	if ms, _, _ := s.Contained(few); ids(ms) != "carrier" {
		t.Errorf("with MinShared 40: %q", ids(ms))
	}
	keep := q(0.7)
	keep.Exclude, keep.Keep = "", func(a *Article) bool { return a.ID != "carrier" }
	if ms, _, _ := s.Contained(keep); ids(ms) != "release partial" {
		t.Errorf("with a filter: %q", ids(ms))
	}
	// The carrier rewritten without the release, then deleted: its anchors go with it.
	if _, err := s.Put(anchored("carrier", span(1, 400), 5)); err != nil {
		t.Fatal(err)
	}
	if ms, _, _ := s.Contained(q(0.7)); ids(ms) != "partial" {
		t.Errorf("after the replace: %q", ids(ms))
	}
	if ok, err := s.Delete("partial"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ms, _, _ := s.Contained(q(0.7)); len(ms) != 0 {
		t.Errorf("after the delete: %q", ids(ms))
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Counts(); c.Anchors != 199+50+150 { // carrier 2..398 even, release, other
		t.Errorf("anchor count %d", c.Anchors)
	}
	// Anchors not in order, or given to an index without them, are refused.
	bad := anchored("bad", Set{2, 4}, 6)
	bad.Anchors = []uint32{4, 2}
	if _, err := s.Put(bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("unsorted anchors: %v", err)
	}
}

func TestContainedNeedsAnchors(t *testing.T) {
	p := testParams
	p.Anchors = 0
	s := openTest(t, t.TempDir(), &Options{Params: p})
	if _, _, err := s.Contained(ContainQuery{Set: Set{1}, Containment: 0.8}); !errors.Is(err, ErrNoAnchors) {
		t.Fatalf("got %v, want ErrNoAnchors", err)
	}
	if _, err := s.Put(anchored("a", Set{2}, 1)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("anchors on an index without them: %v", err)
	}
}

// TestKeyLayoutGolden pins the keys of one article, every kind (format 5 and later: the b keys keep a band key's
// last 5 bytes; format 4 all 8), its record (version 6; version 5 as format 6 writes it, version 4 as format 5 writes it, version 3 as format 4
// does, and version 2 as written without a text block) and its text block.
func TestKeyLayoutGolden(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	a := anchored("x", Set{3, 4, 300}, 0xb1)
	a.Passages = []Passage{{Start: 0, End: 5, Bands: []uint64{0xc1}, Set: Set{3}}}
	a.ContentKey = 0xd1
	a.Text = []byte("text")
	if _, err := s.Put(a); err != nil {
		t.Fatal(err)
	}
	var keys []string
	var block []byte
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			keys = append(keys, string(k[:1])+" "+hexs(k[1:]))
			if k[0] == prefixBlock {
				block, _ = it.Item().ValueCopy(nil)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = "a 000000045c80c09683041123|a 0000012c5c80c09683041123|" +
		"b 00000000b15c80c09683041123|c 00000000000000d1|d 5c80c09683041123|m 636f756e7473|" +
		"m 706172616d73|p 00000000000000c15c80c0968304112300000000|u 0000000000000001|x 0000000000000001"
	if got := strings.Join(keys, "|"); got != want {
		t.Errorf("key layout changed:\n got %s\nwant %s", got, want)
	}
	if got := hexs(bandKey(nil, 5, 0x1122334455667788, 1)); got != "6244556677880000000000000001" {
		t.Errorf("format 5 band posting: %s", got)
	}
	if got := hexs(bandKey(nil, 8, 0x1122334455667788, 1)); got != "6211223344556677880000000000000001" {
		t.Errorf("format 4 band posting: %s", got)
	}
	const record6 = "0601780374207800000000000000030f010000000000000701000403ff0301a80201b10000000001000501c10000000000000001ff03d10000000000000002ff04a802"
	if got := hexs(a.encode(nil)); got != record6 {
		t.Errorf("record (version 6) changed:\n got %s\nwant %s", got, record6)
	}
	v5 := *a
	v5.version = 5
	const record5 = "05017803742078000000000000030f010000000000000701000403ff0301a80201b10000000001000501c10000000000000001ff03d10000000000000002ff04a802"
	if got := hexs(v5.encode(nil)); got != record5 {
		t.Errorf("record (version 5) changed:\n got %s\nwant %s", got, record5)
	}
	back, err := decodeArticle(a.encode(nil), partAll)
	if err != nil || !slices.Equal(back.Anchors, []uint32{4, 300}) || back.ref != (textRef{1, 0, 4}) ||
		!slices.Equal(back.Set, Set{3, 4, 300}) || len(back.Passages) != 1 || !slices.Equal(back.Passages[0].Set, Set{3}) ||
		!slices.Equal(back.Bands, []uint64{0xb1}) || back.ContentKey != 0xd1 {
		t.Errorf("decode: %v %+v", err, back)
	}
	v4 := *a
	v4.version = 4
	const record4 = "04017803742078000000000000030f010000000000000301000403ff0301a80201b10000000000000001000501c10000000000000001ff03d1000000000000000204a802"
	if got := hexs(v4.encode(nil)); got != record4 {
		t.Errorf("record (version 4) changed:\n got %s\nwant %s", got, record4)
	}
	v3 := *a
	v3.version = 0
	const record = "03017803742078000000000000030f0100000000000001010004030301a80201b10000000000000001000501c1000000000000000103d1000000000000000204a802"
	if got := hexs(v3.encode(nil)); got != record {
		t.Errorf("record (version 3) changed:\n got %s\nwant %s", got, record)
	}
	v2 := v3
	v2.ref = textRef{}
	const record2 = "02017803742078000000000000030f0100000000000001030301a80201b10000000000000001000501c1000000000000000103d1000000000000000204a802"
	if got := hexs(v2.encode(nil)); got != record2 {
		t.Errorf("record (version 2) changed:\n got %s\nwant %s", got, record2)
	}
	// The block's header: version 1, one member, its docnum and text length; then a zstd frame.
	if got := hexs(block[:min(len(block), 11)]); got != "01015c80c0968304112304" {
		t.Errorf("text block header changed: %s", got)
	}
	if members, raw, err := decodeBlock(block, nil, nil); err != nil || len(members) != 1 || string(raw) != "text" {
		t.Errorf("text block: %v %v %q", err, members, raw)
	}
}

// TestCommonAnchorsNeedTwo: articles that share with the query only an anchor found in more than
// RareAnchorBucket articles (a boilerplate line) are not verified; a container sharing it and a rare one is.
func TestCommonAnchorsNeedTwo(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Discard()
	for i := range RareAnchorBucket + 1 {
		a := article(fmt.Sprintf("boiler-%d", i), Set{2, uint32(10_000 + 2*i)}, uint64(i)+1)
		a.Anchors = Set{2}
		if _, err := b.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	release := slices.Concat(Set{2}, span(100, 140))
	carrier := anchored("carrier", slices.Concat(release, span(200, 400)), 1)
	if _, err := s.Put(carrier); err != nil {
		t.Fatal(err)
	}
	ms, info, err := s.Contained(ContainQuery{Set: release, Full: true, Probe: release, MinShared: 1, Containment: 0.8})
	if err != nil || len(ms) != 1 || ms[0].Article.ID != "carrier" {
		t.Fatalf("%v %v", ms, err)
	}
	if info.Verified != 1 {
		t.Errorf("verified %d articles, want only the carrier", info.Verified)
	}
}

package store

import (
	"errors"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
)

// TestProvenanceGolden pins a version 6 record with a crawled page's provenance, and its decoding: every field
// back, a truncated record refused.
func TestProvenanceGolden(t *testing.T) {
	a := &Article{ID: "x", Date: "2026-12-06", DateUnix: 1796515200, Set: Set{1}, Full: true, Size: 1, version: 6,
		Provenance: &Provenance{Format: ProvenanceWARC, File: "/c/w.warc", Offset: 300, Site: "a.org", Digest: "sha1:AB", Charset: "utf-8", Captured: "2026-12-07T01:02:03Z"}}
	got := a.encode(nil)
	const want = "0601780000000a323032362d31322d30368096a5b10d0036" + // version, id, title, url, source, date, extra
		"02ac02092f632f772e7761726305612e6f726707736861313a4142057574662d3814323032362d31322d30375430313a30323a30335a" + // provenance
		"000100000000000000000101ff01000000"
	if hexs(got) != want {
		t.Errorf("record encoding changed:\n got %s\nwant %s", hexs(got), want)
	}
	back, err := decodeArticle(got, partMeta)
	if err != nil || back.Provenance == nil || *back.Provenance != *a.Provenance {
		t.Fatalf("decode: %v %+v", err, back.Provenance)
	}
	html := *a
	html.Provenance = &Provenance{Format: ProvenanceHTML, File: "/p/x.html", Site: "folder:/p"}
	if back, err := decodeArticle(html.encode(nil), partAll); err != nil || *back.Provenance != *html.Provenance {
		t.Fatalf("decode of a saved page's: %v %+v", err, back)
	}
	for i := range got {
		if _, err := decodeArticle(got[:i], partAll); err == nil {
			t.Fatalf("truncated record (%d bytes) decoded", i)
		}
	}
	bad := append([]byte(nil), got...)
	bad[24] = 9 // an unknown format code
	if _, err := decodeArticle(bad, partMeta); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("unknown provenance format: %v", err)
	}
}

// TestUndatedKeys: an article whose date was given but not understood has an n key, which goes with a
// replacement that has a date understood and with a delete; Undated counts them.
func TestUndatedKeys(t *testing.T) {
	s := openTest(t, t.TempDir(), nil)
	put := func(id, date string, unix int64) {
		t.Helper()
		a := article(id, Set{1, 2}, 7)
		a.Date, a.DateUnix = date, unix
		a.Digest = uint64(len(date)) // a new digest: a replacement, not the same article again
		if _, err := s.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	keys := func() int {
		n := 0
		s.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixUndated}})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				n++
			}
			return nil
		})
		return n
	}
	put("a", "the day after", 0)
	put("b", "", 0)
	put("c", "2026-12-06", 1796515200)
	put("d", "soon", 0)
	if n := keys(); n != 2 {
		t.Fatalf("%d undated keys, want 2 (a, d)", n)
	}
	n, first, err := s.Undated(1)
	if err != nil || n != 2 || len(first) != 1 || first[0].Date == "" {
		t.Fatalf("Undated: %d %+v %v", n, first, err)
	}
	put("a", "2026-12-06", 1796515200)
	if ok, err := s.Delete("d"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if n := keys(); n != 0 {
		t.Fatalf("%d undated keys after a dated replacement and a delete", n)
	}
}

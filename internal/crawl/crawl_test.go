package crawl

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/input"
)

// crawlDocs returns pages of several sites, interleaved: each page a story of its own between its site's menu and
// footer blocks.
func crawlDocs(sites, perSite int) []*input.Doc {
	var docs []*input.Doc
	for i := range perSite {
		for s := range sites {
			site := fmt.Sprintf("site%d.example", s)
			story := fmt.Sprintf("Story %d of %s tells of the harbour %d, the council vote and the rain that fell on the %d roofs of the old town.", i, site, i*7+s, i+s)
			docs = append(docs, &input.Doc{
				ID:         fmt.Sprintf("https://%s/story/%d", site, i),
				Text:       "Home News Sport Weather of " + site + "\n\n" + story + "\n\nContact us. Privacy policy of " + site + ". All rights reserved.",
				Provenance: &input.Provenance{Format: input.ProvenanceHTML, Site: site},
			})
		}
	}
	return docs
}

func clone(docs []*input.Doc) []*input.Doc {
	out := make([]*input.Doc, len(docs))
	for i, d := range docs {
		c := *d
		out[i] = &c
	}
	return out
}

// run holds the pages with the given bounds and returns them as sent, with the most held at any time.
func run(t *testing.T, docs []*input.Doc, maxBytes, maxPages int) (sent []*input.Doc, most int) {
	t.Helper()
	h := NewHold(func(d *input.Doc) error { sent = append(sent, d); return nil }, nil)
	h.maxBytes, h.maxPages = maxBytes, maxPages
	for _, d := range docs {
		h.Page(d, []uint64{1, 2, 3}, nil)
		if err := h.Add(d); err != nil {
			t.Fatal(err)
		}
		if h.Held() > maxBytes {
			t.Fatalf("%d bytes held, bound %d", h.Held(), maxBytes)
		}
		most = max(most, h.Held())
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	if h.Held() != 0 || len(h.pages.blocks) != 0 {
		t.Fatalf("after Flush %d bytes and %d pages' blocks are still held", h.Held(), len(h.pages.blocks))
	}
	return sent, most
}

// TestHoldBelowBounds: below the bounds the pages come out in the order read, with the texts of all of them
// stripped together.
func TestHoldBelowBounds(t *testing.T) {
	docs := crawlDocs(3, 12)
	want := clone(docs)
	Strip(want, nil, nil)
	sent, _ := run(t, clone(docs), HoldBytes, SitePages)
	if len(sent) != len(want) {
		t.Fatalf("%d pages sent, %d read", len(sent), len(want))
	}
	for i := range want {
		if sent[i].ID != want[i].ID || sent[i].Text != want[i].Text {
			t.Fatalf("page %d: sent %s %q, want %s %q", i, sent[i].ID, sent[i].Text, want[i].ID, want[i].Text)
		}
	}
	if strings.Contains(sent[0].Text, "Privacy policy") || !strings.Contains(sent[0].Text, "Story 0") {
		t.Fatalf("the furniture was not stripped: %q", sent[0].Text)
	}
}

// TestHoldBounded: with a small bound of bytes, or of pages a site, memory stays under it, every page is sent
// once, each site's pages in the order read, and furniture is still learnt from the pages held together.
func TestHoldBounded(t *testing.T) {
	docs := crawlDocs(4, 30)
	per := len(docs[0].Text) + 24 + pageOverhead
	for _, c := range []struct{ bytes, pages int }{{20 * per, SitePages}, {HoldBytes, 8}, {9 * per, 5}} {
		sent, most := run(t, clone(docs), c.bytes, c.pages)
		if most > c.bytes {
			t.Errorf("bounds %v: %d bytes held", c, most)
		}
		ids := func(ds []*input.Doc, site string) []string {
			var out []string
			for _, d := range ds {
				if Site(d) == site {
					out = append(out, d.ID)
				}
			}
			return out
		}
		for s := range 4 {
			site := fmt.Sprintf("site%d.example", s)
			if got, want := ids(sent, site), ids(docs, site); !slices.Equal(got, want) {
				t.Fatalf("bounds %v: %s sent as %v, read as %v", c, site, got, want)
			}
		}
		stripped := 0
		for _, d := range sent {
			if !strings.Contains(d.Text, "Privacy policy") {
				stripped++
			}
		}
		if stripped != len(sent) {
			t.Errorf("bounds %v: %d of %d pages stripped of their footer", c, stripped, len(sent))
		}
	}
}

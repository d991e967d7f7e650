// Package crawl holds the crawled pages of a run (HTML and WARC input) for their site furniture: what each page
// was extracted from, the pages held per site until their furniture is learnt (package furniture), and the
// stripping of it from their texts.
//
// Furniture is learnt within one site, so pages are held per site, and a site's pages can be cleared and sent
// without waiting for the others. A run holds them until every file is read, within two bounds that keep its
// memory from growing with the crawl: HoldBytes of page text in all (past it, the site holding the most is
// cleared and sent first) and SitePages pages of one site (its furniture is then learnt over those pages, and
// again over the next). Below both bounds the result is that of all the pages together, and pages are sent in
// the order they were read.
package crawl

import (
	"cmp"
	"slices"

	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/furniture"
)

// The bounds of a run's held pages.
const (
	// HoldBytes bounds the text (and whole-page blocks) of the pages held in all.
	HoldBytes = 512 << 20
	// SitePages bounds the pages of one site held together: plenty to learn furniture that is on 5% of a site's
	// pages (furniture.DefaultShare) and on 3 or more of them.
	SitePages = 50_000
)

// pageOverhead is what a held page costs besides its text and blocks (its Doc, provenance, map entries).
const pageOverhead = 512

// Pages keep, for crawled pages, the text blocks of each whole page and how to extract it again (furniture.Refine).
type Pages struct {
	blocks map[*input.Doc][]uint64
	again  map[*input.Doc]input.Again
}

// NewPages returns an empty record of pages.
func NewPages() *Pages {
	return &Pages{blocks: map[*input.Doc][]uint64{}, again: map[*input.Doc]input.Again{}}
}

// Add records a page's blocks and how to read it again (nil: it cannot be); it is input.Options.Page.
func (c *Pages) Add(d *input.Doc, blocks []uint64, again input.Again) {
	c.blocks[d] = blocks
	if again != nil {
		c.again[d] = again
	}
}

// forget drops what is recorded of the pages.
func (c *Pages) forget(docs []*input.Doc) {
	for _, d := range docs {
		delete(c.blocks, d)
		delete(c.again, d)
	}
}

// Site returns the site a crawled page's provenance records ("" for other articles).
func Site(d *input.Doc) string {
	if d.Provenance == nil {
		return ""
	}
	return d.Provenance.Site
}

// Strip takes site furniture out of the texts of crawled pages, learnt from the pages together (package
// furniture), extracting again the pages that are mostly furniture with the furniture out of the way (pages may
// be nil: no whole-page blocks, nothing extracted again). An exact copy given without its text (a WARC payload
// already indexed) is left as it is. told, if set, is told what each page lost.
func Strip(docs []*input.Doc, pages *Pages, told func(d *input.Doc, gone []string)) {
	var in []furniture.Page
	var idx []int
	for i, d := range docs {
		if d.Text == "" {
			continue
		}
		p := furniture.Page{Site: Site(d), Text: d.Text}
		if pages != nil {
			p.Blocks = pages.blocks[d]
		}
		in = append(in, p)
		idx = append(idx, i)
	}
	again := func(j int, drop func(string) bool) (string, bool) {
		if pages == nil || pages.again[docs[idx[j]]] == nil {
			return "", false
		}
		p, err := pages.again[docs[idx[j]]](drop)
		if err != nil {
			return "", false
		}
		return p.Text, true
	}
	for j, r := range furniture.Refine(in, furniture.Rule{}, again) {
		d := docs[idx[j]]
		d.Text = r.Text
		if d.Text == "" {
			// All furniture: an empty article, not an exact copy given without its text (which is what an
			// empty text with a content key means); a later capture of the same payload is extracted again.
			d.ContentKey = ""
		}
		if told != nil {
			told(d, r.Furniture)
		}
	}
}

// Hold holds a run's crawled pages per site, clears them of their furniture and sends them on, within the
// bounds of the package doc.
type Hold struct {
	send     func(*input.Doc) error
	told     func(d *input.Doc, gone []string)
	pages    *Pages
	sites    map[string]*held
	known    map[string]*furniture.Known // the furniture of sites cleared before, for their later pages
	seq      int                         // pages held so far, for the order of the last release
	bytes    int                         // held in all
	maxBytes int
	maxPages int
}

// held are one site's pages, in the order read.
type held struct {
	docs  []*input.Doc
	seqs  []int
	bytes int
}

// NewHold returns a hold that sends the pages on to send, telling told (if set) what each page lost.
func NewHold(send func(*input.Doc) error, told func(d *input.Doc, gone []string)) *Hold {
	return &Hold{send: send, told: told, pages: NewPages(), sites: map[string]*held{}, known: map[string]*furniture.Known{}, maxBytes: HoldBytes, maxPages: SitePages}
}

// Page is input.Options.Page: it records the blocks of a page about to be held.
func (h *Hold) Page(d *input.Doc, blocks []uint64, again input.Again) { h.pages.Add(d, blocks, again) }

// Held is how many bytes the hold has (page text and blocks, and a fixed cost a page).
func (h *Hold) Held() int { return h.bytes }

// Add holds a crawled page, clearing and sending a site's pages when a bound is passed. It returns send's error.
func (h *Hold) Add(d *input.Doc) error {
	site := Site(d)
	s := h.sites[site]
	if s == nil {
		s = &held{}
		h.sites[site] = s
	}
	n := len(d.Text) + 8*len(h.pages.blocks[d]) + pageOverhead
	s.docs, s.seqs, s.bytes = append(s.docs, d), append(s.seqs, h.seq), s.bytes+n
	h.seq++
	h.bytes += n
	if len(s.docs) >= h.maxPages {
		if err := h.release(site); err != nil {
			return err
		}
	}
	for h.bytes > h.maxBytes {
		largest := ""
		for name, s := range h.sites {
			if h.sites[largest] == nil || s.bytes > h.sites[largest].bytes || s.bytes == h.sites[largest].bytes && name < largest {
				largest = name
			}
		}
		if err := h.release(largest); err != nil {
			return err
		}
	}
	return nil
}

// release clears one site's held pages and sends them in the order read.
func (h *Hold) release(site string) error {
	s := h.sites[site]
	delete(h.sites, site)
	h.bytes -= s.bytes
	h.strip(s.docs, true)
	for _, d := range s.docs {
		if err := h.send(d); err != nil {
			return err
		}
	}
	return nil
}

// strip clears pages of their furniture: the furniture learnt from them together, and that of their sites'
// pages cleared before. When remember is set, what the pages lose is kept for their sites' later pages.
func (h *Hold) strip(docs []*input.Doc, remember bool) {
	gone := map[*input.Doc][]string{}
	Strip(docs, h.pages, func(d *input.Doc, g []string) { gone[d] = g })
	h.pages.forget(docs)
	for _, d := range docs {
		g, stripped := gone[d]
		if k := h.known[Site(d)]; k != nil && d.Text != "" {
			r := k.Cut(d.Text)
			if d.Text = r.Text; d.Text == "" {
				d.ContentKey = "" // all furniture: an empty article (as Strip leaves one)
			}
			g, stripped = append(g, r.Furniture...), true
		}
		if remember && len(g) > 0 {
			k := h.known[Site(d)]
			if k == nil {
				k = furniture.NewKnown()
				h.known[Site(d)] = k
			}
			k.Add(g)
		}
		if h.told != nil && stripped {
			h.told(d, g)
		}
	}
}

// Flush clears every page still held, learning each site's furniture from its pages, and sends them in the
// order they were read. It returns send's error.
func (h *Hold) Flush() error {
	type page struct {
		seq int
		d   *input.Doc
	}
	var ps []page
	for _, s := range h.sites {
		for i, d := range s.docs {
			ps = append(ps, page{s.seqs[i], d})
		}
	}
	slices.SortFunc(ps, func(a, b page) int { return cmp.Compare(a.seq, b.seq) })
	all := make([]*input.Doc, len(ps))
	for i, p := range ps {
		all[i] = p.d
	}
	h.sites, h.bytes = map[string]*held{}, 0
	h.strip(all, false)
	for _, d := range all {
		if err := h.send(d); err != nil {
			return err
		}
	}
	return nil
}

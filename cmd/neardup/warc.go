package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/par"
	"github.com/neardup/neardup/internal/warc"
)

// warcTotals add up what the WARC files of one run held.
type warcTotals struct {
	files    int
	pages    int // saved HTML pages read
	records  map[string]int
	articles int
	revisits int
	copies   int
	skipped  map[string]int
	errors   int
}

// read hands the articles of one WARC file to send, reporting unreadable records as FILE:OFFSET: reason. It
// returns send's error (the run was cancelled).
func (w *warcTotals) read(e *env, known func(string) bool, name string, idFrom warc.IDFrom, read *atomic.Int64, send func(*neardup.Doc) error, pages *crawlPages) error {
	if w.records == nil {
		w.records, w.skipped = map[string]int{}, map[string]int{}
	}
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			e.errorf("%v", err)
			w.errors++
			return nil
		}
		defer f.Close()
		r = f
	}
	w.files++
	file := absPath(name) // what the provenance records: relearn reads it again from any folder
	// The page hook is told each article just before it is emitted: the document made for the hook is the one
	// sent, so that the furniture learnt from its page is applied to it.
	var hooked *warc.Article
	var hookedDoc *neardup.Doc
	var hook func(*warc.Article, *warc.Page, int64)
	if add := pages.warc(file); add != nil {
		hook = func(a *warc.Article, p *warc.Page, offset int64) {
			hooked, hookedDoc = a, warcDoc(a)
			add(hookedDoc, p, offset)
		}
	}
	emit := func(a *warc.Article) error {
		d := hookedDoc
		if a != hooked {
			d = warcDoc(a)
		}
		return send(d)
	}
	st, err := warc.Articles(input.CountingReader{R: r, N: read}, file, warc.Options{IDFrom: idFrom, Known: known, Page: hook}, emit, func(re *warc.RecordError) {
		fmt.Fprintf(e.stderr, "%s:%d: %s\n", name, re.Offset, re.Reason)
		w.errors++
	})
	for k, v := range st.Records {
		w.records[k] += v
	}
	for k, v := range st.Skipped {
		w.skipped[k] += v
	}
	w.articles += st.Articles
	w.revisits += st.Revisits
	w.copies += st.Copies
	return err
}

// warcDoc is the document of a WARC article: its provenance typed, its payload digest its content key.
func warcDoc(a *warc.Article) *neardup.Doc {
	d := &neardup.Doc{ID: a.ID, Title: a.Title, URL: a.URL, Date: a.Date, Text: a.Text, ContentKey: a.Digest,
		Provenance: &neardup.Provenance{Format: neardup.ProvenanceWARC, File: a.File, Offset: a.Offset, Site: a.Site,
			Digest: a.Digest, Charset: a.Charset, Captured: a.Captured}}
	if a.Full != nil {
		d.Full = func() (*neardup.Doc, error) {
			f, err := a.Full()
			if err != nil {
				return nil, err
			}
			return warcDoc(f), nil
		}
	}
	return d
}

// report prints one summary line of the WARC input, if there was any.
func (w *warcTotals) report(e *env) {
	if w.pages > 0 {
		fmt.Fprintf(e.stderr, "neardup: html: %d pages, %d articles; skipped: %s\n", w.pages, w.articles, counts(w.skipped))
	}
	if w.files == 0 {
		return
	}
	total := 0
	for _, v := range w.records {
		total += v
	}
	fmt.Fprintf(e.stderr, "neardup: warc: %d files, %d records (%s), %d articles (%d exact copies of indexed payloads), %d revisits, %d unreadable; skipped: %s\n",
		w.files, total, counts(w.records), w.articles, w.copies, w.revisits, w.errors, counts(w.skipped))
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

// htmlFiles expands folders into the .html and .htm files under them.
func htmlFiles(e *env, names []string, bad func()) []string {
	return filesUnder(e, names, bad, ".html", ".htm", ".html.gz", ".htm.gz")
}

// filesUnder expands the folders among names into the files under them whose names end in one of suffixes (in
// any case), in name order; a file named is kept whatever its name, and one that cannot be found is reported
// and counted by bad.
func filesUnder(e *env, names []string, bad func(), suffixes ...string) []string {
	var out []string
	for _, name := range names {
		fi, err := os.Stat(name)
		if err != nil {
			e.errorf("%v", err)
			bad()
			continue
		}
		if !fi.IsDir() {
			out = append(out, name)
			continue
		}
		filepath.WalkDir(name, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				l := strings.ToLower(p)
				if slices.ContainsFunc(suffixes, func(s string) bool { return strings.HasSuffix(l, s) }) {
					out = append(out, p)
				}
			}
			return nil
		})
	}
	return out
}

// readHTMLFiles turns saved HTML pages into articles on every core, handing them to send in file order; a page
// that cannot be read is reported and counted in rejected, one without article text is a skip, counted in w as a
// WARC response without text is. It returns send's error.
func readHTMLFiles(e *env, names []string, read, rejected *atomic.Int64, w *warcTotals, send func(*neardup.Doc) error, pages *crawlPages) error {
	if w.records == nil {
		w.records, w.skipped = map[string]int{}, map[string]int{}
	}
	const batch = 64
	for len(names) > 0 {
		n := min(batch, len(names))
		docs := make([]*neardup.Doc, n)
		found := make([]*warc.Page, n)
		errs := make([]error, n)
		par.For(n, func(i int) { docs[i], found[i], errs[i] = readHTML(names[i], read, nil) })
		for i := range n {
			w.pages++
			if errors.Is(errs[i], errNoText) {
				w.skipped["no article text"]++
				continue
			}
			if errs[i] != nil {
				e.errorf("%s", trimPrefixes(errs[i].Error()))
				rejected.Add(1)
				continue
			}
			pages.html(docs[i], found[i], names[i])
			w.articles++
			if err := send(docs[i]); err != nil {
				return err
			}
		}
		names = names[n:]
	}
	return nil
}

// readHTML turns one saved HTML page (gzipped or not) into an article, taking out first the elements drop
// reports true for (nil: none). Its id is the URL the page declares (canonical, og:url), normalised as a WARC
// page's is, else the file's absolute, cleaned path: the same page read by any path is one article. Its site is
// the registered domain of that URL, or else the folder holding the file. A page with no article text is
// errNoText.
func readHTML(name string, read *atomic.Int64, drop func(string) bool) (*neardup.Doc, *warc.Page, error) {
	body, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, err
	}
	if read != nil {
		read.Add(int64(len(body)))
	}
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %v", name, err)
		}
		if body, err = io.ReadAll(io.LimitReader(zr, warc.MaxBlock)); err != nil {
			return nil, nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	file := absPath(name)
	page, err := warc.ExtractWithout(body, "", "file://"+filepath.ToSlash(file), drop)
	if err != nil || strings.TrimSpace(page.Text) == "" { // as for a WARC response: no text to index, a skip
		return nil, nil, fmt.Errorf("%s: %w", name, errNoText)
	}
	id := file
	if page.URL != "" {
		id = warc.NormalizeURL(page.URL)
	}
	site := warc.Site(page.URL)
	if site == "" {
		site = "folder:" + filepath.ToSlash(filepath.Dir(file))
	}
	prov := &neardup.Provenance{Format: neardup.ProvenanceHTML, File: file, Site: site, Charset: page.Charset}
	return &neardup.Doc{ID: id, Title: page.Title, URL: page.URL, Date: page.Date, Text: page.Text, Provenance: prov}, page, nil
}

// errNoText is a saved page in which no article text was found: a skip, counted, not a failure (as in a WARC).
var errNoText = errors.New("no article text found")

// absPath is name as an absolute, cleaned path ("-", standard input, as it is); name itself when the working
// folder cannot be had.
func absPath(name string) string {
	if name == "-" {
		return name
	}
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

// pageSource extracts a crawled page again from where it was read, with the elements drop reports true taken
// out first (nil: none).
type pageSource func(drop func(string) bool) (*warc.Page, error)

// htmlSource reads a saved page again from its file.
func htmlSource(name string) pageSource {
	return func(drop func(string) bool) (*warc.Page, error) {
		_, p, err := readHTML(name, nil, drop)
		return p, err
	}
}

// warcSource reads a page again from its response record at offset in a WARC file.
func warcSource(file string, offset int64) pageSource {
	return func(drop func(string) bool) (*warc.Page, error) { return warc.ExtractAt(file, offset, drop) }
}

// crawlPages keep, for the crawled pages of a run held for their site furniture, the text blocks of each whole
// page and its source, to extract it again (package furniture: Refine).
type crawlPages struct {
	blocks map[*neardup.Doc][]uint64
	again  map[*neardup.Doc]pageSource
}

func newCrawlPages() *crawlPages {
	return &crawlPages{blocks: map[*neardup.Doc][]uint64{}, again: map[*neardup.Doc]pageSource{}}
}

// add records a page's blocks and its source (nil: it cannot be read again).
func (c *crawlPages) add(d *neardup.Doc, blocks []uint64, src pageSource) {
	c.blocks[d] = blocks
	if src != nil {
		c.again[d] = src
	}
}

// html records a saved page, read again from its file.
func (c *crawlPages) html(d *neardup.Doc, p *warc.Page, name string) {
	if c != nil {
		c.add(d, p.Blocks, htmlSource(name))
	}
}

// warc returns the page hook for the records of a WARC file, read again at their offsets (not from stdin).
func (c *crawlPages) warc(file string) func(*neardup.Doc, *warc.Page, int64) {
	if c == nil {
		return nil
	}
	return func(d *neardup.Doc, p *warc.Page, offset int64) {
		var src pageSource
		if file != "-" {
			src = warcSource(file, offset)
		}
		c.add(d, p.Blocks, src)
	}
}

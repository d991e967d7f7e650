package input

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"

	"github.com/neardup/neardup/internal/par"
	"github.com/neardup/neardup/internal/warc"
)

// CrawlStats add up what the HTML and WARC files of one run held.
type CrawlStats struct {
	Files    int            // WARC files read
	Pages    int            // saved HTML pages read
	Records  map[string]int // WARC records by type
	Articles int
	Revisits int
	Copies   int
	Skipped  map[string]int // pages and records that became no article, by reason
	Errors   int            // unreadable WARC files and records
}

func (c *CrawlStats) init() {
	if c.Records == nil {
		c.Records, c.Skipped = map[string]int{}, map[string]int{}
	}
}

// crawlStats is o.Crawl, or a count of its own when the caller keeps none.
func (o *Options) crawlStats() *CrawlStats {
	if o.Crawl == nil {
		o.Crawl = &CrawlStats{}
	}
	o.Crawl.init()
	return o.Crawl
}

// warcSource reads the HTML responses of WARC files as articles.
func warcSource(files []string, o *Options) Source {
	return sourceFunc(func(ctx context.Context, emit func(*Doc) error, bad func(error)) error {
		w := o.crawlStats()
		for _, name := range files {
			if err := readWARC(name, o, w, emit, bad); err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		return nil
	})
}

// readWARC hands the articles of one WARC file to emit, and its unreadable records to bad. It returns emit's
// error.
func readWARC(name string, o *Options, w *CrawlStats, emit func(*Doc) error, bad func(error)) error {
	var r io.Reader
	if name == "-" {
		r = o.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			w.Errors++
			bad(err)
			return nil
		}
		defer f.Close()
		r = f
	}
	// What the provenance records: relearn reads the file again from any folder.
	return readWARCFrom(r, name, AbsPath(name), o, w, emit, bad)
}

// ReadWARC hands the articles of the WARC stream r (gzipped or not), named name in the articles' provenance and
// in errors, to emit, and its unreadable records to bad; it returns emit's error. o's Known, IDFrom, Page and
// Crawl apply.
func ReadWARC(r io.Reader, name string, o *Options, emit func(*Doc) error, bad func(error)) error {
	return readWARCFrom(r, name, name, o, o.crawlStats(), emit, bad)
}

// readWARCFrom reads one WARC stream: name is how errors name it, file what the provenance records ("-" for
// stdin, which cannot be read again).
func readWARCFrom(r io.Reader, name, file string, o *Options, w *CrawlStats, emit func(*Doc) error, bad func(error)) error {
	if o.Read != nil {
		r = CountingReader{R: r, N: o.Read}
	}
	w.Files++
	// The page hook is told each article just before it is emitted: the document made for the hook is the one
	// emitted, so that the furniture learnt from its page is applied to it.
	var hooked *warc.Article
	var hookedDoc *Doc
	var hook func(*warc.Article, *warc.Page, int64)
	if o.Page != nil {
		hook = func(a *warc.Article, p *warc.Page, offset int64) {
			hooked, hookedDoc = a, warcDoc(a)
			var again Again
			if file != "-" {
				again = WARCAgain(file, offset)
			}
			o.Page(hookedDoc, p.Blocks, again)
		}
	}
	st, err := warc.Articles(r, file, warc.Options{IDFrom: o.IDFrom, Known: o.Known, Page: hook}, func(a *warc.Article) error {
		d := hookedDoc
		if a != hooked {
			d = warcDoc(a)
		}
		return emit(d)
	}, func(re *warc.RecordError) {
		w.Errors++
		bad(fmt.Errorf("%s:%d: %s", name, re.Offset, re.Reason))
	})
	for k, v := range st.Records {
		w.Records[k] += v
	}
	for k, v := range st.Skipped {
		w.Skipped[k] += v
	}
	w.Articles += st.Articles
	w.Revisits += st.Revisits
	w.Copies += st.Copies
	return err
}

// warcDoc is the document of a WARC article: its provenance typed, its payload digest its content key.
func warcDoc(a *warc.Article) *Doc {
	d := &Doc{ID: a.ID, Title: a.Title, URL: a.URL, Date: a.Date, Text: a.Text, ContentKey: a.Digest,
		Provenance: &Provenance{Format: ProvenanceWARC, File: a.File, Offset: a.Offset, Site: a.Site,
			Digest: a.Digest, Charset: a.Charset, Captured: a.Captured}}
	if a.Full != nil {
		d.Full = func() (*Doc, error) {
			f, err := a.Full()
			if err != nil {
				return nil, err
			}
			return warcDoc(f), nil
		}
	}
	return d
}

// htmlSource turns saved HTML pages into articles on every core, emitting them in file order; a page that cannot
// be read goes to bad, one without article text is a skip (counted as a WARC response without text is).
func htmlSource(names []string, o *Options) Source {
	return sourceFunc(func(ctx context.Context, emit func(*Doc) error, bad func(error)) error {
		w := o.crawlStats()
		const batch = 64
		for len(names) > 0 {
			n := min(batch, len(names))
			docs := make([]*Doc, n)
			found := make([]*warc.Page, n)
			errs := make([]error, n)
			par.For(n, func(i int) { docs[i], found[i], errs[i] = ReadHTML(names[i], o.Read, nil) })
			for i := range n {
				w.Pages++
				if errors.Is(errs[i], ErrNoText) {
					w.Skipped["no article text"]++
					continue
				}
				if errs[i] != nil {
					bad(errs[i])
					continue
				}
				if o.Page != nil {
					o.Page(docs[i], found[i].Blocks, HTMLAgain(names[i]))
				}
				w.Articles++
				if err := emit(docs[i]); err != nil {
					return err
				}
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			names = names[n:]
		}
		return nil
	})
}

// ReadHTML turns one saved HTML page (gzipped or not) into an article, taking out first the elements drop
// reports true for (nil: none). Its id is the URL the page declares (canonical, og:url), normalised as a WARC
// page's is, else the file's absolute, cleaned path: the same page read by any path is one article. Its site is
// the registered domain of that URL, or else the folder holding the file. A page with no article text is
// ErrNoText. read, if set, counts the bytes read.
func ReadHTML(name string, read *atomic.Int64, drop func(string) bool) (*Doc, *warc.Page, error) {
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
	file := AbsPath(name)
	page, err := warc.ExtractWithout(body, "", "file://"+filepath.ToSlash(file), drop)
	if err != nil || strings.TrimSpace(page.Text) == "" { // as for a WARC response: no text to index, a skip
		return nil, nil, fmt.Errorf("%s: %w", name, ErrNoText)
	}
	id := file
	if page.URL != "" {
		id = warc.NormalizeURL(page.URL)
	}
	site := warc.Site(page.URL)
	if site == "" {
		site = "folder:" + filepath.ToSlash(filepath.Dir(file))
	}
	prov := &Provenance{Format: ProvenanceHTML, File: file, Site: site, Charset: page.Charset}
	return &Doc{ID: id, Title: page.Title, URL: page.URL, Date: page.Date, Text: page.Text, Provenance: prov}, page, nil
}

// ErrNoText is a saved page in which no article text was found: a skip, counted, not a failure (as in a WARC).
var ErrNoText = errors.New("no article text found")

// AbsPath is name as an absolute, cleaned path ("-", standard input, as it is); name itself when the working
// folder cannot be had.
func AbsPath(name string) string {
	if name == "-" {
		return name
	}
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

// HTMLAgain reads a saved page again from its file.
func HTMLAgain(name string) Again {
	return func(drop func(string) bool) (*warc.Page, error) {
		_, p, err := ReadHTML(name, nil, drop)
		return p, err
	}
}

// WARCAgain reads a page again from its response record at offset in a WARC file.
func WARCAgain(file string, offset int64) Again {
	return func(drop func(string) bool) (*warc.Page, error) { return warc.ExtractAt(file, offset, drop) }
}

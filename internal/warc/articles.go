package warc

import (
	"errors"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/neardup/neardup/internal/par"
)

// Stats count what a WARC file held and what became of it.
type Stats struct {
	Records  map[string]int `json:"records"`  // by WARC-Type
	Articles int            `json:"articles"` // HTML 200 responses with text, handed on
	Revisits int            `json:"revisits"` // unchanged captures of a page (not indexed again)
	Skipped  map[string]int `json:"skipped"`  // responses not indexed, by reason
	Errors   int            `json:"errors"`   // unreadable records
	// Copies are the articles whose payload digest was already indexed: handed on without extracting their text,
	// to be indexed from the earlier capture without hashing.
	Copies int `json:"copies"`
}

// Options configure Articles.
type Options struct {
	// IDFrom chooses article ids (default IDFromURL).
	IDFrom IDFrom
	// Known, if set, reports whether a payload digest is already indexed; such responses skip text extraction
	// (their Article is a Copy, without its text).
	Known func(digest string) bool
	// Page, if set, is told the page each article was extracted from and the offset of its record, before the
	// article is emitted (for its Blocks: the site furniture of a crawl is learnt from whole pages; and for
	// ExtractAt, to read the page again).
	Page func(a *Article, p *Page, offset int64)
}

// Article is an HTML 200 response of a WARC file as an article: what the indexer makes a document of, with
// where it was read (File and Offset, the payload digest, the charset and the capture time).
type Article struct {
	ID, Title, URL string
	// Date is the page's own published date (RFC 3339), "" when it declares none; Captured is when the crawler
	// fetched it (WARC-Date, as given).
	Date, Captured string
	Text           string
	// File is the WARC file (as Articles was given it) and Offset the record's offset in it.
	File   string
	Offset int64
	// Site is the registered domain of the page's URL, for its furniture.
	Site string
	// Digest is the WARC payload digest; Charset the encoding the page was decoded from.
	Digest, Charset string
	// Copy reports an article whose payload digest is indexed already (Options.Known): it comes without its text,
	// and Full extracts it after all, for when the indexed capture is gone by the time it is written.
	Copy bool
	Full func() (*Article, error)
}

// IDFrom chooses article ids.
type IDFrom string

const (
	IDFromURL    IDFrom = "url"    // the normalised WARC-Target-URI (default): a re-crawl replaces or confirms
	IDFromRecord IDFrom = "record" // the WARC-Record-ID
)

// candidate is an HTML 200 response waiting for its text to be extracted.
type candidate struct {
	rec    *Record
	resp   *Response
	target string
	page   *Page
	err    error
	copy   bool // the payload is indexed already: no extraction
}

// batch is the number of responses whose text is extracted in parallel before they are handed on in order.
const batch = 64

// Articles reads a WARC stream and hands every HTML 200 response with text to emit as an article, in file order,
// with where it was read (file names the stream: an absolute path, or "-"). An article's date is the page's own
// published date, "" when it declares none; the capture time is Captured.
// Text extraction, the costly part, runs on every core. Unreadable records go to bad and reading goes on.
// emit's error stops it.
func Articles(r io.Reader, file string, o Options, emit func(*Article) error, bad func(*RecordError)) (Stats, error) {
	idFrom := o.IDFrom
	st := Stats{Records: map[string]int{}, Skipped: map[string]int{}}
	rd := NewReader(r)
	var pending []*candidate
	// doc makes the document of candidate c from its page.
	doc := func(c *candidate, page *Page) *Article {
		id := NormalizeURL(c.target)
		if idFrom == IDFromRecord || id == "" {
			id = strings.Trim(c.rec.Header.Get("WARC-Record-ID"), "<>")
		}
		// The page's own published date only: the capture time is when the crawler came, kept as such.
		a := &Article{ID: id, Title: page.Title, URL: c.target, Date: page.Date, Captured: c.rec.Header.Get("WARC-Date"),
			Text: page.Text, File: file, Offset: c.rec.Offset, Site: Site(c.target),
			Digest: c.rec.Header.Get("WARC-Payload-Digest"), Charset: page.Charset}
		if a.Site == "" {
			a.Site = Site(page.URL)
		}
		return a
	}
	flush := func() error {
		extractAll(pending)
		for _, c := range pending {
			if !c.copy && (c.err != nil || strings.TrimSpace(c.page.Text) == "") {
				st.Skipped["no article text"]++
				continue
			}
			d := doc(c, c.page)
			if d.ID == "" {
				st.Skipped["no id"]++
				continue
			}
			st.Articles++
			if c.copy {
				st.Copies++
				// The indexed capture with this payload may be replaced before this copy is written: then the
				// copy is extracted after all.
				d.Copy = true
				d.Full = func() (*Article, error) {
					page, err := Extract(c.resp.Body, c.resp.Charset, c.target)
					if err != nil {
						return nil, err
					}
					return doc(c, page), nil
				}
			}
			if o.Page != nil && !c.copy {
				o.Page(d, c.page, c.rec.Offset)
			}
			if err := emit(d); err != nil {
				return err
			}
		}
		pending = pending[:0]
		return nil
	}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return st, flush()
		}
		var re *RecordError
		if errors.As(err, &re) {
			st.Errors++
			bad(re)
			continue
		}
		if err != nil {
			return st, err
		}
		typ := rec.Type()
		st.Records[typ]++
		switch typ {
		case "revisit":
			st.Revisits++
			continue
		case "response":
		default:
			continue
		}
		resp, err := ParseResponse(rec.Block)
		if err != nil {
			st.Skipped["not HTTP"]++
			continue
		}
		switch {
		case resp.Status != 200:
			st.Skipped["status not 200"]++
			continue
		case !IsHTML(resp.ContentType):
			st.Skipped["not HTML"]++
			continue
		}
		rec.Block = nil // the response holds what is needed
		target := strings.Trim(strings.TrimSpace(rec.Header.Get("WARC-Target-URI")), "<>")
		c := &candidate{rec: rec, resp: resp, target: target}
		if dg := rec.Header.Get("WARC-Payload-Digest"); dg != "" && o.Known != nil && o.Known(dg) {
			c.copy, c.page = true, &Page{} // the response stays, for Doc.Full
		}
		pending = append(pending, c)
		if len(pending) == batch {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
}

// extractAll extracts the candidates' text on every core.
func extractAll(cs []*candidate) {
	par.For(len(cs), func(i int) {
		if c := cs[i]; !c.copy {
			c.page, c.err = Extract(c.resp.Body, c.resp.Charset, c.target)
			c.resp = nil
		}
	})
}

// trackingParams are query parameters dropped from article ids: they mark how a reader arrived, not what they
// read.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "ref_src": true,
}

// NormalizeURL makes the id of a page from its URL: scheme and host lower-cased, the default port and the
// fragment dropped, utm_* and the other tracking parameters above removed (the rest kept in order), an empty path
// made "/". A URL that does not parse is returned trimmed.
func NormalizeURL(raw string) string {
	raw = strings.Trim(strings.TrimSpace(raw), "<>")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http" || p == "443" && u.Scheme == "https") {
		host += ":" + p
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		var kept []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			if kl := strings.ToLower(k); kv == "" || strings.HasPrefix(kl, "utm_") || trackingParams[kl] {
				continue
			}
			kept = append(kept, kv)
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	return u.String()
}

// ExtractAt extracts again the page of the response record at offset in a WARC file (an offset Articles gave in
// an article's Provenance.Offset), with the elements drop reports true taken out first (ExtractWithout).
func ExtractAt(file string, offset int64, drop func(text string) bool) (*Page, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, err
	}
	rec, err := NewReader(f).Next()
	if err != nil {
		return nil, err
	}
	resp, err := ParseResponse(rec.Block)
	if err != nil {
		return nil, err
	}
	target := strings.Trim(strings.TrimSpace(rec.Header.Get("WARC-Target-URI")), "<>")
	return ExtractWithout(resp.Body, resp.Charset, target, drop)
}

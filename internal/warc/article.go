package warc

import (
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"mime"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"
	unicodeutf8 "unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/klauspost/compress/gzip"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Response is an HTTP response parsed out of a response record.
type Response struct {
	Status      int
	ContentType string // media type, lower-cased, without parameters
	Charset     string // from the Content-Type header, "" when absent
	Header      textproto.MIMEHeader
	Body        []byte // decoded from chunked transfer and gzip or deflate content coding when they apply
}

// ParseResponse parses the HTTP message of a response record's block. Headers that lie (chunked or gzip on a body
// already decoded) are tolerated: a decoding that fails leaves the body as it is.
func ParseResponse(block []byte) (*Response, error) {
	br := bufio.NewReader(bytes.NewReader(block))
	tp := textproto.NewReader(br)
	status, err := tp.ReadLine()
	if err != nil {
		return nil, err
	}
	f := strings.Fields(status)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return nil, &RecordError{Reason: "not an HTTP response: " + trunc(status)}
	}
	code, err := strconv.Atoi(f[1])
	if err != nil {
		return nil, &RecordError{Reason: "bad HTTP status: " + trunc(status)}
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return nil, &RecordError{Reason: "bad HTTP header: " + err.Error()}
	}
	body, _ := io.ReadAll(br)
	r := &Response{Status: code, Header: h, Body: body}
	if mt, params, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil {
		r.ContentType, r.Charset = strings.ToLower(mt), params["charset"]
	} else if ct := h.Get("Content-Type"); ct != "" {
		r.ContentType = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	if strings.Contains(strings.ToLower(h.Get("Transfer-Encoding")), "chunked") {
		if b, ok := dechunk(r.Body); ok {
			r.Body = b
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
		if len(r.Body) > 2 && r.Body[0] == 0x1f && r.Body[1] == 0x8b {
			if zr, err := gzip.NewReader(bytes.NewReader(r.Body)); err == nil {
				if b, err := io.ReadAll(io.LimitReader(zr, MaxBlock)); err == nil {
					r.Body = b
				}
			}
		}
	case "deflate":
		if b, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(r.Body)), MaxBlock)); err == nil && len(b) > 0 {
			r.Body = b
		}
	}
	return r, nil
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// dechunk decodes a chunked body, reporting false when it is not validly chunked.
func dechunk(b []byte) ([]byte, bool) {
	var out []byte
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil, false
		}
		sizeText := strings.TrimSpace(string(b[:i]))
		if j := strings.IndexByte(sizeText, ';'); j >= 0 {
			sizeText = sizeText[:j]
		}
		n, err := strconv.ParseInt(sizeText, 16, 64)
		if err != nil || n < 0 || n > int64(len(b)) {
			return nil, false
		}
		b = b[i+1:]
		if n == 0 {
			return out, true
		}
		if int64(len(b)) < n {
			return nil, false
		}
		out = append(out, b[:n]...)
		b = b[n:]
		b = bytes.TrimPrefix(bytes.TrimPrefix(b, []byte("\r")), []byte("\n"))
	}
}

// IsHTML reports whether a media type is an HTML page.
func IsHTML(mediaType string) bool {
	return mediaType == "text/html" || mediaType == "application/xhtml+xml"
}

// Page is the article text extracted from an HTML page.
type Page struct {
	Title string
	Text  string // paragraphs separated by blank lines
	Date  string // the page's published date (RFC 3339), "" when not found
	// Charset is the encoding the page was decoded from.
	Charset string
	// URL is the page's own URL as it declares it (<link rel="canonical">, og:url), "" when it declares none.
	URL string
}

// Extract decodes an HTML page to UTF-8 (the charset from the HTTP header, else the page's <meta>, else
// sniffed) and extracts its main text and title with readability.
func Extract(body []byte, headerCharset, pageURL string) (page *Page, err error) {
	defer func() {
		// Hostile markup must not take the run down with it: a panic in the parser is this page's error.
		if r := recover(); r != nil {
			page, err = nil, fmt.Errorf("html extraction failed: %v", r)
		}
	}()
	ct := "text/html"
	if headerCharset != "" {
		ct += "; charset=" + headerCharset
	}
	enc, name, _ := charset.DetermineEncoding(body, ct)
	if headerCharset != "" {
		if e, n := charset.Lookup(headerCharset); e != nil {
			enc, name = e, n
		}
	}
	var utf8 []byte
	if name == "utf-8" && unicodeutf8.Valid(body) {
		utf8 = body // already UTF-8: no decoding pass (and no copy)
	} else if utf8, _, err = transform.Bytes(enc.NewDecoder(), body); err != nil {
		utf8 = body
	}
	u, _ := url.Parse(pageURL)
	// The page is parsed here rather than by readability.FromReader, which would sniff the charset of the
	// already-decoded bytes again (and could decode them twice) and stream the whole page through NFD, soft-hyphen
	// removal and NFC; the same clean-up is applied below to the extracted text and title only.
	doc, err := html.Parse(bytes.NewReader(utf8))
	if err != nil {
		return nil, err
	}
	declared := declaredURL(doc, u)
	parser := readability.NewParser()
	art, err := parser.ParseAndMutate(doc, u)
	if err != nil {
		return nil, err
	}
	var text strings.Builder
	if err := art.RenderText(&text); err != nil {
		return nil, err
	}
	p := &Page{Title: strings.TrimSpace(cleanText(art.Title())), Text: normaliseParagraphs(cleanText(text.String())), Charset: name, URL: declared}
	if t, err := art.PublishedTime(); err == nil && !t.IsZero() {
		p.Date = t.UTC().Format(time.RFC3339)
	}
	return p, nil
}

// cleanText drops soft hyphens and composes characters (NFC), as the page reader of the Readability port does to
// the whole page.
func cleanText(s string) string {
	if strings.Contains(s, "\u00ad") {
		s = strings.ReplaceAll(s, "\u00ad", "")
	}
	return norm.NFC.String(s)
}

// normaliseParagraphs trims lines and makes every run of blank lines one paragraph break.
func normaliseParagraphs(s string) string {
	var paras []string
	for _, block := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if t := strings.TrimSpace(block); t != "" {
			paras = append(paras, t)
		}
	}
	return strings.Join(paras, "\n\n")
}

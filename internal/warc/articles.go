package warc

import (
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"

	"github.com/neardup/neardup"
)

// Stats count what a WARC file held and what became of it.
type Stats struct {
	Records  map[string]int `json:"records"`  // by WARC-Type
	Articles int            `json:"articles"` // HTML 200 responses with text, handed on
	Revisits int            `json:"revisits"` // unchanged captures of a page (not indexed again)
	Skipped  map[string]int `json:"skipped"`  // responses not indexed, by reason
	Errors   int            `json:"errors"`   // unreadable records
}

// IDFrom chooses article ids.
type IDFrom string

const (
	IDFromURL    IDFrom = "url"    // the normalised WARC-Target-URI (default): a re-crawl replaces or confirms
	IDFromRecord IDFrom = "record" // the WARC-Record-ID
)

// Articles reads a WARC stream and hands every HTML 200 response with text to emit as an article. Unreadable
// records go to bad and reading goes on. emit's error stops it.
func Articles(r io.Reader, file string, idFrom IDFrom, emit func(*neardup.Doc) error, bad func(*RecordError)) (Stats, error) {
	st := Stats{Records: map[string]int{}, Skipped: map[string]int{}}
	rd := NewReader(r)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return st, nil
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
		target := strings.Trim(strings.TrimSpace(rec.Header.Get("WARC-Target-URI")), "<>")
		page, err := Extract(resp.Body, resp.Charset, target)
		if err != nil || strings.TrimSpace(page.Text) == "" {
			st.Skipped["no article text"]++
			continue
		}
		id := NormalizeURL(target)
		if idFrom == IDFromRecord || id == "" {
			id = strings.Trim(rec.Header.Get("WARC-Record-ID"), "<>")
		}
		if id == "" {
			st.Skipped["no id"]++
			continue
		}
		date := page.Date
		if date == "" {
			date = rec.Header.Get("WARC-Date")
		}
		extra, _ := json.Marshal(map[string]any{"warc": file, "warc_offset": rec.Offset, "charset": page.Charset,
			"payload_digest": rec.Header.Get("WARC-Payload-Digest")})
		st.Articles++
		if err := emit(&neardup.Doc{ID: id, Title: page.Title, URL: target, Date: date, Text: page.Text, Extra: extra}); err != nil {
			return st, err
		}
	}
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

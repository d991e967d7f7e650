package warc

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup/internal/corpus"
)

// TestSharedFiles pins, for each real crawler file in ../shared/data/warc, the records by type, the articles
// extracted and the unreadable records with their offsets.
func TestSharedFiles(t *testing.T) {
	dir := filepath.Dir(corpus.Shared(t, "warc/README.md"))
	cases := []struct {
		file     string
		records  map[string]int
		articles int
		revisits int
		errors   []string
	}{
		{"CorentinB+warc__test.warc.gz", map[string]int{"request": 1, "response": 1, "warcinfo": 1}, 0, 0, nil},
		{"ELTE-DH+WebArticleCurator__extract_article_urls_from_page.warc.gz", map[string]int{"request": 26, "response": 26, "warcinfo": 1}, 25, 0, nil},
		{"ELTE-DH+WebArticleCurator__next_page_of_article.warc.gz", map[string]int{"request": 25, "response": 25, "warcinfo": 1}, 25, 0, nil},
		{"ELTE-DH+WebArticleCurator__next_page_of_article_news_ngvmt.warc.gz", map[string]int{"request": 27, "response": 27, "warcinfo": 1}, 27, 0, nil},
		{"ELTE-DH+WebArticleCurator__next_page_url.warc.gz", map[string]int{"request": 19, "response": 19, "warcinfo": 1}, 19, 0, nil},
		{"allenai+dolma__sample-0001.warc.gz", map[string]int{"metadata": 1, "request": 15, "resource": 2, "response": 15, "warcinfo": 1}, 15, 0, nil},
		{"archivesunleashed+aut__issue-493.warc", map[string]int{"request": 15, "response": 10, "revisit": 5, "warcinfo": 2}, 3, 5, nil},
		{"archivesunleashed+aut__issue-514.warc", map[string]int{"metadata": 1, "request": 2, "resource": 2, "response": 2, "warcinfo": 1}, 1, 0, nil},
		{"chatnoir-eu+chatnoir-copycat__clueweb09-en0000-00.warc.gz", map[string]int{"response": 23, "warcinfo": 1}, 23, 0, nil},
		{"chatnoir-eu+chatnoir-resiliparse__clipped.warc.gz", map[string]int{}, 0, 0, []string{"offset 0: truncated block: 75206 of 88275 bytes (truncated or corrupt gzip member: unexpected EOF)"}},
		{"chatnoir-eu+chatnoir-resiliparse__clueweb-quirk.warc.gz", map[string]int{"response": 29, "warcinfo": 1}, 29, 0, nil},
		{"chatnoir-eu+chatnoir-resiliparse__warcfile.warc.gz", map[string]int{"metadata": 16, "request": 17, "response": 16, "warcinfo": 1}, 16, 0, nil},
		{"iipc+jwarc__cc.warc.gz", map[string]int{"response": 1}, 1, 0, nil},
		{"iipc+jwarc__gzip_extra_sl.warc.gz", map[string]int{"warcinfo": 1}, 0, 0, nil},
		{"ukwa+webarchive-test-suite__IAH-urls-wget.warc.gz", map[string]int{"request": 16, "resource": 3, "response": 16, "warcinfo": 1}, 2, 0, nil},
		{"webrecorder+warcio__example-bad-non-chunked.warc.gz", map[string]int{"request": 2, "response": 1, "revisit": 1, "warcinfo": 2}, 1, 1, nil},
		{"webrecorder+warcio__example-digest.warc", map[string]int{"request": 4}, 0, 0, nil},
		{"webrecorder+warcio__example-iana.org-chunked.warc", map[string]int{"request": 1, "response": 1, "warcinfo": 1}, 1, 0, nil},
		{"webrecorder+warcio__example-resource.warc.gz", map[string]int{"resource": 1, "warcinfo": 2}, 0, 0, nil},
		{"webrecorder+warcio__example-space-in-target-uri.warc.gz", map[string]int{"resource": 1, "warcinfo": 1}, 0, 0, nil},
		{"webrecorder+warcio__example-trunc.warc", map[string]int{"request": 1, "response": 1, "warcinfo": 2}, 1, 0, []string{"offset 2560: no WARC record header (skipped to offset 2566)"}},
		{"webrecorder+warcio__example-wget-bad-target-uri.warc.gz", map[string]int{"metadata": 1, "request": 1, "resource": 2, "response": 1, "warcinfo": 1}, 1, 0, nil},
		{"webrecorder+warcio__example-wrong-chunks.warc.gz", map[string]int{"request": 1, "response": 1}, 1, 0, nil},
		{"webrecorder+warcio__example.warc", map[string]int{"request": 2, "response": 1, "revisit": 1, "warcinfo": 2}, 1, 1, nil},
		{"webrecorder+warcio__example.warc.gz", map[string]int{"request": 2, "response": 1, "revisit": 1, "warcinfo": 2}, 1, 1, nil},
	}
	texts := map[string]string{}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var errs []string
			st, err := Articles(f, c.file, Options{}, func(d *Article) error {
				texts[d.ID] = d.Title + "\n" + d.Text
				return nil
			}, func(e *RecordError) { errs = append(errs, e.Error()) })
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Records) != len(c.records) {
				t.Errorf("records %v, want %v", st.Records, c.records)
			}
			for k, v := range c.records {
				if st.Records[k] != v {
					t.Errorf("records %v, want %v", st.Records, c.records)
					break
				}
			}
			if st.Articles != c.articles || st.Revisits != c.revisits || strings.Join(errs, "|") != strings.Join(c.errors, "|") {
				t.Errorf("articles %d revisits %d errors %q; want %d %d %q", st.Articles, st.Revisits, errs, c.articles, c.revisits, c.errors)
			}
		})
	}
	// Charsets decoded to correct UTF-8: words known to be on these pages.
	for _, want := range []string{"ブリーフケース", "Magyarország", "Ukrajna"} {
		found := false
		for _, text := range texts {
			if strings.Contains(text, want) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no extracted page holds %q", want)
		}
	}
}

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{
		"HTTP://Example.COM:80/a?utm_source=x&id=3&fbclid=y#top": "http://example.com/a?id=3",
		"https://example.com:443":                                "https://example.com/",
		"https://example.com:8443/x?b=2&a=1":                     "https://example.com:8443/x?b=2&a=1",
		" <http://example.com/p> ":                               "http://example.com/p",
		"not a url":                                              "not a url",
	} {
		if got := NormalizeURL(in); got != want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseResponseQuirks(t *testing.T) {
	body := "<html><body><p>hello</p></body></html>"
	chunked := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5\r\n<html\r\n" + "21\r\n><body><p>hello</p></body></html>\r\n0\r\n\r\n"
	r, err := ParseResponse([]byte(chunked))
	if err != nil || string(r.Body) != body || r.Charset != "utf-8" || r.ContentType != "text/html" {
		t.Errorf("chunked: %v %q %+v", err, r.Body, r)
	}
	// The header says chunked and gzip, but the body is already decoded: kept as it is.
	lying := "HTTP/1.1 200 OK\nContent-Type: text/html\nTransfer-Encoding: chunked\nContent-Encoding: gzip\n\n" + body
	r, err = ParseResponse([]byte(lying))
	if err != nil || string(r.Body) != body {
		t.Errorf("lying headers: %v %q", err, r.Body)
	}
	if _, err := ParseResponse([]byte("GET / HTTP/1.1\r\n\r\n")); err == nil {
		t.Error("a request parsed as a response")
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte("WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"))
	f.Add([]byte("WARC/0.18\nWARC-Type: response\nContent-Length: 999999999999\n\nx"))
	f.Add([]byte("WARC/1.0\r\nContent-Length: -1\r\n\r\n"))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Add([]byte("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/\r\nContent-Length: 60\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>a b c d e f</p>\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		Articles(bytes.NewReader(b), "fuzz", Options{}, func(*Article) error { n++; return nil }, func(*RecordError) {})
		if n > len(b) {
			t.Fatalf("%d articles from %d bytes", n, len(b))
		}
	})
}

func FuzzExtract(f *testing.F) {
	f.Add([]byte("<html><head><title>t</title></head><body><p>one two three four five six</p></body></html>"), "utf-8")
	f.Add([]byte("<meta charset=gb2312><p>\xc4\xe3\xba\xc3</p>"), "")
	f.Add([]byte("<p><p><p><div><table><tr><td>x"), "nonsense-charset")
	f.Fuzz(func(t *testing.T, body []byte, cs string) {
		Extract(body, cs, "http://example.com/") // must not panic
	})
}

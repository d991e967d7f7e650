package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/neardup/neardup"
)

// TestFurnitureOnlyPagesIndexed: crawled pages left without text (a site's consent wall served for every URL)
// are indexed as empty articles, not rejected as exact copies given without their text, though they carry a
// WARC payload digest.
func TestFurnitureOnlyPagesIndexed(t *testing.T) {
	var docs []*neardup.Doc
	for i := range 6 {
		docs = append(docs, &neardup.Doc{
			ID:         fmt.Sprintf("https://www.example.com/story/%d", i),
			Text:       "We use cookies to improve your experience.\n\nAccept all cookies to continue reading this site.",
			Extra:      []byte(`{"site":"example.com"}`),
			ContentKey: fmt.Sprintf("sha1:PAGE%d", i),
		})
	}
	stripFurniture(docs, nil, nil)
	ix, err := neardup.Open(filepath.Join(t.TempDir(), "db"), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var rejected []neardup.Rejection
	st, err := ix.AddDocs(context.Background(), docs, &neardup.AddOptions{Reject: func(r neardup.Rejection) { rejected = append(rejected, r) }})
	if err != nil || st.Added != 6 || len(rejected) != 0 {
		t.Fatalf("added %d, rejected %v, err %v", st.Added, rejected, err)
	}
	for _, d := range docs {
		if d.Text != "" {
			t.Fatalf("%s kept %q", d.ID, d.Text)
		}
	}
}

// TestSecondLookWARC: pages of a WARC file that are all furniture the first time (a comment thread the
// extractor took for each article) are extracted again from their records, at the offsets the first read
// recorded, gzipped or not; read from stdin they cannot be, and are indexed without text.
func TestSecondLookWARC(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("testdata", "script", "secondlook.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse(script)
	var plain, zipped bytes.Buffer
	n := 0
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "site/") {
			continue
		}
		http := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + string(f.Data)
		rec := fmt.Sprintf("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://www.coast.example/news/%d\r\nWARC-Record-ID: <urn:uuid:rec-%d>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", n, n, len(http), http)
		plain.WriteString(rec)
		zw := gzip.NewWriter(&zipped)
		zw.Write([]byte(rec))
		zw.Close()
		n++
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"crawl.warc": plain.Bytes(), "crawl.warc.gz": zipped.Bytes()} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, stdin := range []bool{false, true} {
			var stdout, stderr bytes.Buffer
			args, in := []string{"extract", path}, io.Reader(strings.NewReader(""))
			if stdin {
				args, in = []string{"extract", "--format", "warc", "-"}, bytes.NewReader(data)
			}
			if code := run(context.Background(), args, &env{stdin: in, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}); code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
			}
			var stories, empty int
			dec := json.NewDecoder(&stdout)
			for dec.More() {
				var a struct{ Text string }
				if err := dec.Decode(&a); err != nil {
					t.Fatal(err)
				}
				switch {
				case a.Text == "":
					empty++
				case !strings.Contains(a.Text, "Commenter") && strings.Count(a.Text, "\n\n") == 1:
					stories++
				default:
					t.Errorf("%v: text %q", args, a.Text)
				}
			}
			if want := 6; !stdin && stories != want || stdin && empty != want {
				t.Errorf("%v: %d stories, %d pages without text", args, stories, empty)
			}
		}
	}
}

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
	"github.com/neardup/neardup/bench/crawl"
	"github.com/neardup/neardup/internal/corpus"
	pagecrawl "github.com/neardup/neardup/internal/crawl"
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
	pagecrawl.Strip(docs, nil, nil)
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

// commentRecords are WARC response records of the pages of secondlook.txtar: six stories of one site, each
// under the comment thread the extractor takes for its article.
func commentRecords(t *testing.T) []string {
	script, err := os.ReadFile(filepath.Join("testdata", "script", "secondlook.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []string
	for _, f := range txtar.Parse(script).Files {
		if !strings.HasPrefix(f.Name, "site/") {
			continue
		}
		n := len(recs)
		http := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + string(f.Data)
		recs = append(recs, fmt.Sprintf("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://www.coast.example/news/%d\r\nWARC-Record-ID: <urn:uuid:rec-%d>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", n, n, len(http), http))
	}
	return recs
}

// TestRelearnWARC: the pages of a site crawled into two WARC files (gzipped), indexed one file a run, are too
// few in each run for the site's furniture; relearn reads every record again at its offset and each article
// gets its story.
func TestRelearnWARC(t *testing.T) {
	recs := commentRecords(t)
	dir := t.TempDir()
	var files []string
	for i, part := range [][]string{recs[:3], recs[3:]} {
		var buf bytes.Buffer
		for _, rec := range part {
			zw := gzip.NewWriter(&buf)
			zw.Write([]byte(rec))
			zw.Close()
		}
		name := filepath.Join(dir, fmt.Sprintf("crawl-%d.warc.gz", i))
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	db := filepath.Join(dir, "db")
	for _, f := range files {
		runOK(t, nil, "index", "--db", db, f)
	}
	stories := func() int {
		ix, err := openForRead(db)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		n := 0
		ix.Docs(context.Background(), func(d *neardup.Doc) error {
			if strings.Count(d.Text, "\n\n") == 1 && !strings.Contains(d.Text, "Commenter") {
				n++
			}
			return nil
		})
		return n
	}
	if n := stories(); n != 0 {
		t.Fatalf("the premise fails: %d stories found one file a run", n)
	}
	if _, out := runOK(t, nil, "relearn", "--db", db); !strings.Contains(out, "6 crawled pages, 6 read again from their sources; 6 re-indexed") {
		t.Fatalf("relearn: %s", out)
	}
	if n := stories(); n != 6 {
		t.Fatalf("%d stories after relearn, want 6", n)
	}
}

// TestSecondLookWARC: pages of a WARC file that are all furniture the first time (a comment thread the
// extractor took for each article) are extracted again from their records, at the offsets the first read
// recorded, gzipped or not; read from stdin they cannot be, and are indexed without text.
func TestSecondLookWARC(t *testing.T) {
	var plain, zipped bytes.Buffer
	for _, rec := range commentRecords(t) {
		plain.WriteString(rec)
		zw := gzip.NewWriter(&zipped)
		zw.Write([]byte(rec))
		zw.Close()
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"crawl.warc": plain.Bytes(), "crawl.warc.gz": zipped.Bytes()} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, stdin := range []bool{false, true} {
			args, in := []string{"extract", path}, io.Reader(nil)
			if stdin {
				args, in = []string{"extract", "--format", "warc", "-"}, bytes.NewReader(data)
			}
			stdout, _ := runOK(t, in, args...)
			var stories, empty int
			dec := json.NewDecoder(strings.NewReader(stdout))
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

// TestRelearnConverges: a generated crawl (real pages of 8 sites carrying BBC stories, bench/crawl) indexed in
// ten runs of shuffled pages (two or three pages of a site in each), then relearnt, holds for every article the text one run over all the pages
// gives, and so dedupes alike.
func TestRelearnConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a generated crawl five times: not in -short")
	}
	html := filepath.Dir(corpus.Shared(t, "html/expectations.jsonl"))
	tpls, err := crawl.LoadTemplates(html, crawl.Tune)
	if err != nil {
		t.Fatal(err)
	}
	stories, err := crawl.LoadStories(corpus.Shared(t, "bbc_news.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := crawl.Generate(tpls, stories, crawl.Config{Seed: 11, Sites: 8, MinPages: 20, MaxPages: 30, Copies: 3})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for i, p := range pages {
		name := filepath.Join(dir, "pages", fmt.Sprintf("%04d.html", i))
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, p.HTML, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	cli := func(args ...string) string {
		t.Helper()
		out, _ := runOK(t, nil, args...)
		return out
	}
	one, inc := filepath.Join(dir, "one.db"), filepath.Join(dir, "inc.db")
	cli(append([]string{"index", "--db", one, "--format", "html"}, files...)...)
	for k := range 10 {
		var run []string
		for i := k; i < len(files); i += 10 { // pages arrive shuffled (Generate shuffles them)
			run = append(run, files[i])
		}
		cli(append([]string{"index", "--db", inc, "--format", "html"}, run...)...)
	}
	texts := func(db string) map[string]string {
		ix, err := neardup.Open(db, &neardup.Options{Store: storeOptions(&buildFlags{})})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		out := map[string]string{}
		if err := ix.Docs(context.Background(), func(d *neardup.Doc) error { out[d.ID] = d.Text; return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := texts(one)
	differ := func() int {
		n := 0
		for id, text := range texts(inc) {
			if want[id] != text {
				n++
			}
		}
		return n
	}
	before := differ()
	if before == 0 {
		t.Fatal("the premise fails: ten runs gave the texts of one run without relearn")
	}
	cli("relearn", "--db", inc)
	if n := differ(); n != 0 {
		t.Fatalf("%d of %d articles differ from one run after relearn (%d before)", n, len(want), before)
	}
	if a, b := cli("dedupe", "--db", one), cli("dedupe", "--db", inc); a != b {
		t.Errorf("dedupe differs after relearn:\n%s\none run:\n%s", b, a)
	}
	t.Logf("%d of %d articles differed from one run before relearn", before, len(want))
}

// runOK runs the command line args with stdin (nil: empty) and returns its stdout and stderr, failing the test
// unless it exits 0.
func runOK(t *testing.T, stdin io.Reader, args ...string) (string, string) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &env{stdin: stdin, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
	}
	return stdout.String(), stderr.String()
}

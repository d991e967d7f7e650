package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/warc"
)

// warcTotals add up what the WARC files of one run held.
type warcTotals struct {
	files    int
	records  map[string]int
	articles int
	revisits int
	copies   int
	skipped  map[string]int
	errors   int
}

// read hands the articles of one WARC file to send, reporting unreadable records as FILE:OFFSET: reason. It
// returns send's error (the run was cancelled).
func (w *warcTotals) read(e *env, ix *neardup.Index, name string, idFrom warc.IDFrom, read *atomic.Int64, send func(*neardup.Doc) error) error {
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
	st, err := warc.Articles(neardup.CountingReader{R: r, N: read}, name, warc.Options{IDFrom: idFrom, Known: ix.HasContent}, send, func(re *warc.RecordError) {
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

// report prints one summary line of the WARC input, if there was any.
func (w *warcTotals) report(e *env) {
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
				if ext := strings.ToLower(filepath.Ext(p)); ext == ".html" || ext == ".htm" {
					out = append(out, p)
				}
			}
			return nil
		})
	}
	return out
}

// readHTML turns one saved HTML page into an article, or reports why it cannot and returns nil.
func readHTML(e *env, name string, read *atomic.Int64) *neardup.Doc {
	body, err := os.ReadFile(name)
	if err != nil {
		e.errorf("%v", err)
		return nil
	}
	read.Add(int64(len(body)))
	page, err := warc.Extract(body, "", "file://"+filepath.ToSlash(name))
	if err != nil || strings.TrimSpace(page.Text) == "" {
		e.errorf("%s: no article text found", name)
		return nil
	}
	return &neardup.Doc{ID: name, Title: page.Title, Date: page.Date, Text: page.Text}
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestReportsApart: the reader of the input and the index both report rejections on stderr while an
// ingest runs (lines that are not JSON, articles older than the retention); under -race this fails if they write it, or
// the reader's counters, unsynchronised. Every rejection is reported once, whole, on a line of its own.
func TestIngestReportsApart(t *testing.T) {
	dir := t.TempDir()
	var in strings.Builder
	const n = 400
	for i := range n {
		fmt.Fprintf(&in, "not json %d\n", i)
		fmt.Fprintf(&in, `{"id":"old%d","date":"1990-01-01","text":"an old article %d about the harbour and its ferries"}`+"\n", i, i)
		fmt.Fprintf(&in, `{"id":"ok%d","text":"an article %d about the harbour and its ferries"}`+"\n", i, i)
	}
	file := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(file, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	code := run(t.Context(), []string{"index", "--db", filepath.Join(dir, "db"), "--no-bulk", "--retention", "720h", file}, &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	if code != exitRejected {
		t.Fatalf("exit %d, want %d: %s", code, exitRejected, stderr.String())
	}
	notJSON, expired := 0, 0
	for _, line := range strings.Split(stderr.String(), "\n") {
		switch {
		case strings.HasPrefix(line, file+":") && strings.Contains(line, "JSON"):
			notJSON++
		case strings.HasPrefix(line, "old") && strings.Contains(line, "retention"):
			expired++
		}
	}
	if notJSON != n || expired != n {
		t.Fatalf("%d lines not JSON and %d expired articles reported, want %d each:\n%.2000s", notJSON, expired, n, stderr.String())
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("%d added, 0 replaced, 0 unchanged, %d rejected", n, 2*n)) {
		t.Fatalf("summary: %s", stderr.String()[max(0, stderr.Len()-400):])
	}
}

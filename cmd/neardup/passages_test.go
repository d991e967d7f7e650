package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup"
)

// TestPassagesReportFailure: when the report cannot be made (here a text over the largest article), passages
// says why and exits 2; it never prints "null" and exits 0.
func TestPassagesReportFailure(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	page := filepath.Join(dir, "page.txt")
	if err := os.WriteFile(page, []byte(strings.Repeat("word ", neardup.MaxArticleBytes/5+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "a.jsonl")
	os.WriteFile(small, []byte(`{"id": "a", "text": "an article of a few words"}`+"\n"), 0o644)
	env := func(stdout, stderr *bytes.Buffer) *env {
		return &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, getenv: func(string) string { return "" }}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"index", "--db", db, small}, env(&stdout, &stderr)); code != exitOK {
		t.Fatalf("index: %d %s", code, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	code := run(context.Background(), []string{"passages", "--db", db, "--file", page}, env(&stdout, &stderr))
	if code != exitError || stdout.Len() != 0 || !strings.Contains(stderr.String(), "the largest article is") {
		t.Fatalf("passages of an oversized text: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

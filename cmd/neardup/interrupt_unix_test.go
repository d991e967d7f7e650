//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptBulk: a new index from a file is built in one pass; interrupted, it indexes nothing, leaves no
// index and no build files, and says so; the rerun builds it whole.
func TestInterruptBulk(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "input.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	sample, err := os.ReadFile(filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "db")
	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		w.Write(sample[:bytes.IndexByte(sample[len(sample)/2:], '\n')+len(sample)/2+1])
		time.Sleep(300 * time.Millisecond)
		cancel()
		time.Sleep(200 * time.Millisecond)
	}()
	if code := run(ctx, []string{"index", "--db", db, fifo}, e); code != exitInterrupted {
		t.Fatalf("interrupted bulk build exited %d:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted; nothing was indexed") {
		t.Errorf("message:\n%s", stderr.String())
	}
	if left, _ := filepath.Glob(db + "*"); len(left) != 0 {
		t.Fatalf("an interrupted bulk build left %v", left)
	}
	input := filepath.Join(dir, "sample.jsonl")
	os.WriteFile(input, sample, 0o644)
	stderr.Reset()
	if code := run(context.Background(), []string{"index", "--db", db, input}, e); code != exitOK || !strings.Contains(stderr.String(), "553 added, 0 replaced") {
		t.Fatalf("rerun exited %d:\n%s", code, stderr.String())
	}
}

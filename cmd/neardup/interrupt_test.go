package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestInterruptResumes cancels an index run part-way (as Ctrl-C does through signal.NotifyContext): it exits
// 130 with the committed articles kept, and rerunning the same command finishes the job, skipping them.
func TestInterruptResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	input := filepath.Join(dir, "big.jsonl")
	f, err := os.Create(input)
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile(filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	total := 0
	for r := range 20 {
		sc := bufio.NewScanner(bytes.NewReader(sample))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var d map[string]any
			json.Unmarshal(sc.Bytes(), &d)
			d["id"] = fmt.Sprintf("%v-%d", d["id"], r)
			d["text"] = fmt.Sprintf("Round %d. %v", r, d["text"])
			b, _ := json.Marshal(d)
			w.Write(append(b, '\n'))
			total++
		}
	}
	w.Flush()
	f.Close()
	db := filepath.Join(dir, "db")
	// The interrupted run reads the first half of the input from a pipe and is cancelled while it waits for more,
	// so the interrupt always lands inside the ingest, whatever the machine's speed. The pipe stays open until
	// the run has returned: an interrupt must not wait for input.
	data, err := os.ReadFile(input)
	if err != nil {
		t.Fatal(err)
	}
	half := bytes.IndexByte(data[len(data)/2:], '\n') + len(data)/2 + 1
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	var stderr bytes.Buffer
	e := &env{stdin: pr, stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		pw.Write(data[:half])
		time.Sleep(500 * time.Millisecond)
		cancel()
	}()
	code := run(ctx, []string{"index", "--db", db, "-"}, e)
	pw.Close()
	if code != exitInterrupted {
		t.Fatalf("interrupted run exited %d, want %d:\n%s", code, exitInterrupted, stderr.String())
	}
	e.stdin = os.Stdin
	re := regexp.MustCompile(`(\d+) added, (\d+) replaced, (\d+) unchanged, (\d+) rejected`)
	m := re.FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no summary:\n%s", stderr.String())
	}
	first, _ := strconv.Atoi(m[1])
	if first >= total {
		t.Fatalf("the interrupted run added %d of %d articles, more than it was given", first, total)
	}
	if first == 0 {
		t.Skipf("nothing was committed in the half second before the interrupt; machine too slow for this timing")
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"index", "--db", db, input}, e); code != exitOK {
		t.Fatalf("rerun exited %d:\n%s", code, stderr.String())
	}
	m = re.FindStringSubmatch(stderr.String())
	added, _ := strconv.Atoi(m[1])
	unchanged, _ := strconv.Atoi(m[3])
	if unchanged != first || added != total-first {
		t.Errorf("rerun: %d added, %d unchanged; the interrupted run had added %d of %d", added, unchanged, first, total)
	}
}

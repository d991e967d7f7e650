package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"
)

// TestSmallScale runs the scale command at a few thousand articles, as CI does, so that it keeps working.
func TestSmallScale(t *testing.T) {
	res := runScale(t, config{n: 3000, queries: 300, seed: 1})
	if res.Articles != 3000 || res.ArticlesPerS <= 0 || res.IndexMB <= 0 || res.QueryP99Ms <= 0 || res.Clusters == 0 {
		t.Errorf("implausible result %+v", res)
	}
}

// TestScaleAdd builds an index in one pass, then adds articles to it article by article: the added articles
// are counted apart and are in the index the queries and the dedupe then read.
func TestScaleAdd(t *testing.T) {
	res := runScale(t, config{n: 2000, queries: 100, seed: 1, bulk: true, add: 500})
	if res.Articles != 2000 || res.Added != 500 || res.AddedPerS <= 0 || res.AddedIndexBytesA <= 0 || res.Clusters == 0 {
		t.Errorf("implausible result %+v", res)
	}
}

// runScale runs the scale command with c and returns the result it prints.
func runScale(t *testing.T, c config) result {
	t.Helper()
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	err := run(c)
	w.Close()
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	io.Copy(&out, r)
	var res result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	t.Logf("%s", out.String())
	return res
}

// TestWriteJSONL writes the generated corpus that neardup index reads: the same articles, in order, as the
// index run sees.
func TestWriteJSONL(t *testing.T) {
	path := t.TempDir() + "/gen.jsonl"
	c := config{n: 50, seed: 7}
	if err := writeJSONL(path, c); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := generator(c)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(lines) != c.n {
		t.Fatalf("%d lines, want %d", len(lines), c.n)
	}
	for i, line := range lines {
		var rec struct{ ID, Title, Date, Source, Text string }
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		want, _ := g.Next()
		if rec.ID != want.ID || rec.Text != want.Text || rec.Title != want.Title || rec.Date != want.Date || rec.Source != want.Source {
			t.Fatalf("line %d: %+v, want %+v", i+1, rec, want)
		}
	}
}

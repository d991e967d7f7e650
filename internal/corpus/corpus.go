// Package corpus reads JSON Lines news corpora for tests and benchmarks.
package corpus

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Doc is one article of a corpus.
type Doc struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Date  string `json:"date"`
}

// Load reads every article of a JSON Lines file. Lines without a string id are skipped.
func Load(path string) ([]Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []Doc
	r := bufio.NewReaderSize(f, 1<<20)
	dec := json.NewDecoder(r)
	for dec.More() {
		var raw map[string]any
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		var d Doc
		var ok bool
		if d.ID, ok = raw["id"].(string); !ok {
			if n, isNum := raw["id"].(float64); isNum {
				b, _ := json.Marshal(n)
				d.ID = string(b)
			} else {
				continue
			}
		}
		d.Text, _ = raw["text"].(string)
		d.Title, _ = raw["title"].(string)
		d.Date, _ = raw["date"].(string)
		docs = append(docs, d)
	}
	return docs, nil
}

// Root is the repository root, found from this file's location.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// TB is the part of testing.TB the helpers use (a *testing.T or *testing.B is one), so that this package, which
// commands import too, does not import testing.
type TB interface {
	Helper()
	Skip(args ...any)
	Skipf(format string, args ...any)
	Fatal(args ...any)
}

// Shared returns the path of a file under ../shared/data beside the repository, skipping the test or benchmark
// with a clear message when it is absent.
func Shared(tb TB, name string) string {
	tb.Helper()
	p, err := SharedPath(name)
	if err != nil {
		tb.Skipf("shared corpus %s not found (expected beside the repository at ../shared/data): %v", name, err)
	}
	return p
}

// SharedPath returns the path of a file under ../shared/data beside the repository, and an error when it is
// absent, for tests that use the file when it is there and go on without it.
func SharedPath(name string) (string, error) {
	p := filepath.Join(Root(), "..", "shared", "data", name)
	_, err := os.Stat(p)
	return p, err
}

// Sample is the public-domain DOJ sample shipped in testdata/.
func Sample() string { return filepath.Join(Root(), "testdata", "doj-press-releases.jsonl") }

// Bench loads the corpus named by NEARDUP_BENCH_CORPUS, skipping when it is unset.
func Bench(tb TB) []Doc {
	tb.Helper()
	p := os.Getenv("NEARDUP_BENCH_CORPUS")
	if p == "" {
		tb.Skip("NEARDUP_BENCH_CORPUS names no JSONL corpus")
	}
	docs, err := Load(p)
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

// Texts returns the texts of docs as byte slices, and their total length in bytes.
func Texts(docs []Doc) ([][]byte, int64) {
	out := make([][]byte, len(docs))
	var n int64
	for i, d := range docs {
		out[i] = []byte(d.Text)
		n += int64(len(d.Text))
	}
	return out, n
}

// InTurns times ways of handling items 0 to n-1 (a benchmark corpus's articles) in turns, for as long as b.Loop
// runs: chunk by chunk of 256 items, each chunk [lo, hi) handed to every side in an order that rotates, each timed
// apart. It returns the time each side spent. On a machine whose speed drifts from second to second, every side meets the
// same speeds, so that the ratios of these times hold where separate runs' figures do not.
func InTurns(b interface{ Loop() bool }, n int, sides ...func(lo, hi int)) []time.Duration {
	const chunk = 256
	spent := make([]time.Duration, len(sides))
	turn := 0
	for b.Loop() {
		for lo := 0; lo < n; lo += chunk {
			hi := min(lo+chunk, n)
			for j := range sides {
				s := (turn + j) % len(sides)
				start := time.Now()
				sides[s](lo, hi)
				spent[s] += time.Since(start)
			}
			turn++
		}
	}
	return spent
}

// GeneratorBase is the corpus benchmarks grow generated corpora from: Reuters-21578 from ../shared/data when it
// is there, else the shipped DOJ sample.
func GeneratorBase() string {
	p := filepath.Join(Root(), "..", "shared", "data", "reuters21578.jsonl")
	if _, err := os.Stat(p); err != nil {
		return Sample()
	}
	return p
}

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
)

// params returns the pipeline's parameters at threshold with the changes of set applied.
func params(t *testing.T, threshold float64, set ...func(*Params)) Params {
	t.Helper()
	p, err := NewParams(threshold)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range set {
		f(&p)
	}
	return p
}

// runPipeline runs the dedupe of file (JSON Lines, or WARC files when warc is set) on prism and returns its
// cluster lines, sorted.
func runPipeline(t *testing.T, file string, p Params, warc bool) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "clusters.jsonl")
	pipe, s := beam.NewPipelineWithRoot()
	var in Inputs
	if warc {
		in = FromWARC(s, fileio.ReadMatches(s, fileio.MatchFiles(s, file), fileio.ReadUncompressed()), p)
	} else {
		in = FromJSONL(s, textio.Read(s, file), p)
	}
	o := Build(s, in, p, 8)
	textio.Write(s, out, o.Clusters)
	textio.Write(s, out+".unconverged", o.Unconverged)
	if _, err := prism.Execute(context.Background(), pipe); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out + ".unconverged"); len(strings.TrimSpace(string(b))) > 0 {
		t.Fatalf("components not converged in 8 rounds: %s", b)
	}
	return sortedLines(t, out)
}

// sortedLines returns the lines of a file, sorted.
func sortedLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	slices.Sort(lines)
	return lines
}

// embedded runs neardup's own dedupe with the same parameters on the same input (files matching pattern) and
// returns its cluster lines, sorted.
func embedded(t *testing.T, pattern string, p Params, warc bool) []string {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	format, _ := input.Lookup("jsonl")
	if warc {
		format, _ = input.Lookup("warc")
	}
	var docs []*neardup.Doc
	err := format.Open(files, &input.Options{Fields: p.Fields}).Read(t.Context(), func(d *neardup.Doc) error { docs = append(docs, d); return nil }, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{Threshold: p.Threshold}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	var lines []string
	o := neardup.DedupeOptions{Threshold: p.Threshold, MinShingles: p.MinShingles, Window: time.Duration(p.Window) * time.Second}
	_, err = ix.DedupeWith(context.Background(), o, func(c neardup.Cluster) error {
		// As neardup dedupe writes it: no HTML escaping.
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err != nil {
			return err
		}
		lines = append(lines, strings.TrimSuffix(b.String(), "\n"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return lines
}

// same runs the pipeline and the embedded dedupe on one input and fails on any difference.
func same(t *testing.T, file string, p Params, warc bool) []string {
	t.Helper()
	got := runPipeline(t, file, p, warc)
	want := embedded(t, file, p, warc)
	if !slices.Equal(got, want) {
		t.Errorf("%s: pipeline %d clusters, embedded %d; first difference:\n%s", file, len(got), len(want), firstDiff(got, want))
	} else {
		t.Logf("%s: %d identical clusters", filepath.Base(file), len(got))
	}
	return got
}

var sample = filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl")

// TestSameAsEmbedded: on the DOJ sample (and Reuters when ../shared is present) the pipeline's clusters are
// exactly neardup dedupe's: same members, same kept article, same similarities.
func TestSameAsEmbedded(t *testing.T) {
	inputs := []string{sample}
	if r := filepath.Join("..", "..", "..", "shared", "data", "reuters21578.jsonl"); !testing.Short() {
		if _, err := os.Stat(r); err == nil {
			inputs = append(inputs, r)
		}
	}
	for _, in := range inputs {
		if got := same(t, in, params(t, 0.8), false); len(got) == 0 {
			t.Errorf("%s: no clusters", in)
		}
	}
}

// TestWindowSameAsEmbedded: with --window the pipeline's clusters are neardup dedupe --window's, at windows that
// split the sample's clusters (23 clusters without a window, 13 within an hour, 17 within a week).
func TestWindowSameAsEmbedded(t *testing.T) {
	whole := len(runPipeline(t, sample, params(t, 0.8), false))
	for _, w := range []int64{3600, 7 * 86400} {
		got := same(t, sample, params(t, 0.8, func(p *Params) { p.Window = w }), false)
		if len(got) == 0 || len(got) >= whole {
			t.Errorf("window %d s: %d clusters, %d without: the window split nothing", w, len(got), whole)
		}
	}
}

// TestMinShingles: two "Page not found" pages are no duplicates at the default least size, and are one
// cluster with --min-shingles 0, as in neardup dedupe.
func TestMinShingles(t *testing.T) {
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, `{"id":"nf-1","text":"Page not found. Sorry."}`+"\n"+`{"id":"nf-2","text":"Page not found. Sorry."}`+"\n"...)
	file := filepath.Join(t.TempDir(), "with-short.jsonl")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	withDefault := same(t, file, params(t, 0.8), false)
	none := same(t, file, params(t, 0.8, func(p *Params) { p.MinShingles = 0 }), false)
	has := func(lines []string) bool {
		return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, `"nf-1"`) })
	}
	if has(withDefault) || !has(none) || len(none) != len(withDefault)+1 {
		t.Errorf("the short pages: clustered at the default %v, at 0 %v (%d and %d clusters)", has(withDefault), has(none), len(withDefault), len(none))
	}
}

// TestWARCSameAsEmbedded: the shared crawler files, read by the pipeline's WARC input, cluster as the same
// articles read by neardup's WARC reader into the embedded index.
func TestWARCSameAsEmbedded(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "warc")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the shared crawler files are not here (%s): %v", dir, err)
	}
	if got := same(t, filepath.Join(dir, "*.warc.gz"), params(t, 0.8), true); len(got) == 0 {
		t.Error("no clusters in the crawler files")
	}
}

// TestWriteKept: the kept corpus is the sample's lines less those of the drop list, each byte for byte, and
// less the lines that are no article.
func TestWriteKept(t *testing.T) {
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, "not json\n"...)
	file := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := params(t, 0.8)
	pipe, s := beam.NewPipelineWithRoot()
	lines := textio.Read(s, file)
	o := Build(s, FromJSONL(s, lines, p), p, 8)
	textio.Write(s, filepath.Join(dir, "drop.txt"), o.Drop)
	textio.Write(s, filepath.Join(dir, "kept.jsonl"), Kept(s, lines, o.Drop, p))
	if _, err := prism.Execute(context.Background(), pipe); err != nil {
		t.Fatal(err)
	}
	drop := map[string]bool{}
	for _, id := range sortedLines(t, filepath.Join(dir, "drop.txt")) {
		drop[id] = true
	}
	var want []string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		d, err := input.ParseDoc([]byte(line))
		if err == nil && !drop[d.ID] {
			want = append(want, line)
		}
	}
	slices.Sort(want)
	got := sortedLines(t, filepath.Join(dir, "kept.jsonl"))
	if len(drop) == 0 || !slices.Equal(got, want) {
		t.Fatalf("%d kept lines, want %d (the sample's %d articles less %d to drop)", len(got), len(want), len(want)+len(drop), len(drop))
	}
}

// TestFieldNames: the sample with its keys renamed, read with --id-field and --text-field, clusters as the
// sample does.
func TestFieldNames(t *testing.T) {
	in := sample
	b, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		m["doc_id"], m["body"] = m["id"], m["text"]
		delete(m, "id")
		delete(m, "text")
		j, _ := json.Marshal(m)
		out.Write(j)
		out.WriteString("\n")
	}
	renamed := filepath.Join(t.TempDir(), "renamed.jsonl")
	if err := os.WriteFile(renamed, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	got := runPipeline(t, renamed, params(t, 0.8, func(p *Params) { p.Fields = input.Fields{ID: "doc_id", Text: "body"} }), false)
	if want := runPipeline(t, in, params(t, 0.8), false); !slices.Equal(got, want) || len(got) == 0 {
		t.Fatalf("renamed fields: %d clusters, the sample %d; first difference:\n%s", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return "pipeline: " + a[i] + "\nembedded: " + b[i]
		}
	}
	return "(one is a prefix of the other)"
}

func TestMain(m *testing.M) {
	beam.Init()
	os.Exit(m.Run())
}

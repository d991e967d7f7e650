package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
)

// runPipeline runs the dedupe on prism and returns its cluster lines, sorted.
func runPipeline(t *testing.T, file string, threshold float64, fields ...input.Fields) []string {
	t.Helper()
	p, err := NewParams(threshold)
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) > 0 {
		p.Fields = fields[0]
	}
	out := filepath.Join(t.TempDir(), "clusters.jsonl")
	pipe, s := beam.NewPipelineWithRoot()
	o := Build(s, textio.Read(s, file), p, 8)
	textio.Write(s, out, o.Clusters)
	textio.Write(s, out+".unconverged", o.Unconverged)
	if _, err := prism.Execute(context.Background(), pipe); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out + ".unconverged"); len(strings.TrimSpace(string(b))) > 0 {
		t.Fatalf("components not converged in 8 rounds: %s", b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	slices.Sort(lines)
	return lines
}

// embedded runs neardup's own dedupe on the same input and returns its cluster lines, sorted.
func embedded(t *testing.T, file string, threshold float64) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []*neardup.Doc
	input.ReadJSONL(f, file, func(d *neardup.Doc) error { docs = append(docs, d); return nil }, func(*input.InputError) {})
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{Threshold: threshold}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	var lines []string
	_, err = ix.Dedupe(context.Background(), threshold, func(c neardup.Cluster) error {
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

// TestSameAsEmbedded: on the DOJ sample (and Reuters when ../shared is present) the pipeline's clusters are
// exactly neardup dedupe's: same members, same kept article, same similarities.
func TestSameAsEmbedded(t *testing.T) {
	inputs := []string{filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl")}
	if r := filepath.Join("..", "..", "..", "shared", "data", "reuters21578.jsonl"); !testing.Short() {
		if _, err := os.Stat(r); err == nil {
			inputs = append(inputs, r)
		}
	}
	for _, in := range inputs {
		got := runPipeline(t, in, 0.8)
		want := embedded(t, in, 0.8)
		if !slices.Equal(got, want) {
			t.Errorf("%s: pipeline %d clusters, embedded %d; first difference:\n%s", in, len(got), len(want), firstDiff(got, want))
		} else {
			t.Logf("%s: %d identical clusters", filepath.Base(in), len(got))
		}
	}
}

// TestFieldNames: the sample with its keys renamed, read with --id-field and --text-field, clusters as the
// sample does.
func TestFieldNames(t *testing.T) {
	in := filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl")
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
	got := runPipeline(t, renamed, 0.8, input.Fields{ID: "doc_id", Text: "body"})
	if want := runPipeline(t, in, 0.8); !slices.Equal(got, want) || len(got) == 0 {
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

package neardup_test

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/store"
)

// answers are what a user reads from an index, each read on its own: for every id a query by threshold, one by
// containment and the stored article, then the dedupe clusters and the statistics. A read that fails gives its
// error's text, prefixed "error:"; nil for an index that does not open.
func answers(dir string, ids []string) []string {
	ix, err := neardup.Open(dir, &neardup.Options{Store: store.Options{ReadOnly: true}})
	if err != nil {
		return nil
	}
	defer ix.Close()
	ctx := context.Background()
	var out []string
	add := func(v any, err error) {
		if err != nil {
			out = append(out, "error: "+err.Error())
			return
		}
		j, _ := json.Marshal(v)
		out = append(out, string(j))
	}
	for _, id := range ids {
		add(ix.QueryID(ctx, id, 0.8, 0))
		add(ix.QueryIDWith(ctx, id, neardup.QueryOptions{Containment: 0.5}))
		add(ix.Get(id))
	}
	var clusters []neardup.Cluster
	st, err := ix.DedupeWith(ctx, neardup.DedupeOptions{Threshold: 0.8}, func(c neardup.Cluster) error {
		clusters = append(clusters, c)
		return nil
	})
	add([]any{clusters, st}, err)
	stats, err := ix.Store().Stats()
	stats.Bytes = 0 // the folder's size, not an answer
	add(stats, err)
	return out
}

// TestFlippedBitNeverSilent: one bit flipped in a table or value file of a small index gives, for every read a
// user makes (query by threshold and by containment, dedupe, stats, show), either an error or the answer of the
// whole index; never a short or changed answer with no error.
func TestFlippedBitNeverSilent(t *testing.T) {
	dir := t.TempDir()
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}, Store: store.Options{MemTableSize: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	docs := loadDocs(t, corpus.Sample())
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i < len(docs); i += 23 {
		ids = append(ids, docs[i].ID)
	}
	want := answers(dir, ids)
	for _, a := range want {
		if strings.HasPrefix(a, "error: ") {
			t.Fatal(a)
		}
	}
	log.SetOutput(io.Discard) // Badger logs every checksum failure
	defer log.SetOutput(os.Stderr)
	per := 64
	if testing.Short() {
		per = 16
	}
	var files []string
	for _, pat := range []string{"*.sst", "*.vlog"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, m...)
	}
	if len(files) < 2 {
		t.Fatalf("index wrote %d table and value files", len(files))
	}
	flips, noOpen, reads, errs, same := 0, 0, 0, 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		used := len(strings.TrimRight(string(b), "\x00")) // a value log is preallocated: flip what it holds
		for i := range per {
			at := (2*i + 1) * used / (2 * per)
			bit := byte(1) << (i % 8)
			b[at] ^= bit
			if err := os.WriteFile(f, b, 0o644); err != nil {
				t.Fatal(err)
			}
			got := answers(dir, ids)
			b[at] ^= bit
			if err := os.WriteFile(f, b, 0o644); err != nil {
				t.Fatal(err)
			}
			flips++
			if got == nil {
				noOpen++
				continue
			}
			for k, a := range got {
				reads++
				switch {
				case strings.HasPrefix(a, "error: "):
					errs++
				case a == want[k]:
					same++
				default:
					t.Errorf("%s byte %d bit %d flipped: read %d answered %.200s with no error, the whole index %.200s", filepath.Base(f), at, i%8, k, a, want[k])
				}
			}
		}
	}
	t.Logf("%d bits flipped in %d table and value files: %d left the index unopenable; of the other flips' %d reads, %d errors, %d identical, %d silent differences",
		flips, len(files), noOpen, reads, errs, same, reads-errs-same)
	if errs == 0 {
		t.Error("no flipped bit made a read fail")
	}
}

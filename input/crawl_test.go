package input_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/store"
)

// warcFiles returns the shared crawler files whose names match pattern.
func warcFiles(t *testing.T, pattern string) []string {
	dir := filepath.Dir(corpus.Shared(t, "warc/README.md"))
	files, _ := filepath.Glob(filepath.Join(dir, pattern))
	if len(files) == 0 {
		t.Fatalf("no %s in %s", pattern, dir)
	}
	return files
}

// readWARC returns the articles the warc format reads from files.
func readWARC(t *testing.T, files []string, o *input.Options) []*input.Doc {
	f, err := input.Lookup("warc")
	if err != nil {
		t.Fatal(err)
	}
	var docs []*input.Doc
	err = f.Open(files, o).Read(t.Context(), func(d *input.Doc) error { docs = append(docs, d); return nil }, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestELTEGroups: the ELTE-DH files hold one story on several URLs (page 1, ?page=N, /N/, ?oldal=N); dedupe
// finds them (groups listed from a manual read of the files).
func TestELTEGroups(t *testing.T) {
	files := warcFiles(t, "ELTE-DH+*.warc.gz")
	if len(files) != 4 {
		t.Fatalf("%d ELTE files", len(files))
	}
	docs := readWARC(t, files, &input.Options{})
	for _, d := range docs {
		if d.Provenance == nil || d.Provenance.Format != input.ProvenanceWARC || d.Provenance.File == "" {
			t.Fatalf("%s has provenance %+v", d.ID, d.Provenance)
		}
	}
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.AddDocs(t.Context(), docs, nil); err != nil {
		t.Fatal(err)
	}
	cluster := map[string]string{}
	ix.Dedupe(t.Context(), 0.8, func(c neardup.Cluster) error {
		for _, m := range c.Members {
			cluster[m.ID] = c.Keep
		}
		return nil
	})
	for _, group := range [][]string{
		{"https://alfahir.hu/raketavetovel_menekulnek_a_gyilkosok", "https://alfahir.hu/raketavetovel_menekulnek_a_gyilkosok?page=1", "https://alfahir.hu/raketavetovel_menekulnek_a_gyilkosok?page=5"},
		{"https://rangado.24.hu/magyar_foci/2019/10/10/eb-selejtezo-horvat-magyar/", "https://rangado.24.hu/magyar_foci/2019/10/10/eb-selejtezo-horvat-magyar/3/"},
		{"https://telex.hu/koronavirus/2021/01/21/oltasprogramrol-es-vakcinaigazolasrol-is-kerdezzuk-a-kormanyt", "https://telex.hu/koronavirus/2021/01/21/oltasprogramrol-es-vakcinaigazolasrol-is-kerdezzuk-a-kormanyt?oldal=2"},
		{"http://nol.hu/archivum?page=37", "http://nol.hu/archivum?page=3000"},
	} {
		for _, id := range group[1:] {
			if cluster[id] == "" || cluster[id] != cluster[group[0]] {
				t.Errorf("%s and %s are not in one cluster", group[0], id)
			}
		}
	}
}

// TestRecrawlIndexWhole indexes every shared crawler file ten times over in one run (re-captures replace
// articles, repeated payloads take the exact-copy path, content keys move between articles) and checks the
// index is whole: every article with its text's band keys, in each of its band buckets, and no other posting.
func TestRecrawlIndexWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the crawler files ten times: not in -short")
	}
	files := warcFiles(t, "*.warc.gz")
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var ten []string
	for range 10 {
		ten = append(ten, files...)
	}
	// As neardup index does: articles stream into the index while the files are read, and a payload already
	// indexed skips extraction.
	f, _ := input.Lookup("warc")
	ch := make(chan *input.Doc)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		defer close(ch)
		err := f.Open(ten, &input.Options{Known: ix.HasContent}).Read(ctx, func(d *input.Doc) error {
			select {
			case ch <- d:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, func(error) {})
		if err != nil && ctx.Err() == nil {
			t.Error(err)
		}
	}()
	st, err := ix.Add(t.Context(), ch, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Replaced == 0 || st.Unchanged == 0 {
		t.Fatalf("the re-crawl replaced %d and kept %d articles: it does not exercise both paths", st.Replaced, st.Unchanged)
	}
	err = ix.Store().Each(false, func(num uint64, a *store.Article) error {
		if len(a.Bands) == 0 {
			// Every article read here has text; an exact copy whose source was replaced before it was written
			// must be indexed from its own text, not left empty.
			t.Errorf("%s is indexed without text", a.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Verify(t.Context()); err != nil {
		t.Error(err)
	}
}

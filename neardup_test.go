package neardup_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/eval"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/internal/truth"
	"github.com/neardup/neardup/store"
)

func loadDocs(t testing.TB, path string) []*neardup.Doc {
	t.Helper()
	raw, err := corpus.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]*neardup.Doc, len(raw))
	for i, d := range raw {
		docs[i] = &neardup.Doc{ID: d.ID, Title: d.Title, Date: d.Date, Text: d.Text}
	}
	return docs
}

// exactSets are the full 64-bit word 5-shingle sets of docs, sorted, for exact truth.
func exactSets(docs []*neardup.Doc) [][]uint64 { return eval.Sets(docs) }

func buildIndex(t testing.TB, docs []*neardup.Doc, cfg *neardup.Config) *neardup.Index {
	t.Helper()
	if cfg == nil {
		cfg = &neardup.Config{}
	}
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	st, err := ix.AddDocs(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Added != len(uniqueIDs(docs)) {
		t.Fatalf("added %d of %d", st.Added, len(docs))
	}
	return ix
}

func uniqueIDs(docs []*neardup.Doc) map[string]bool {
	m := map[string]bool{}
	for _, d := range docs {
		m[d.ID] = true
	}
	return m
}

func dedupe(t testing.TB, ix *neardup.Index, threshold float64) []neardup.Cluster {
	t.Helper()
	var out []neardup.Cluster
	if _, err := ix.Dedupe(context.Background(), threshold, func(c neardup.Cluster) error {
		out = append(out, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// evaluation compares clusters with exact truth.
type evaluation struct {
	truthPairs, found int     // truth pairs >= the recall floor, and how many share a cluster
	clustered, backed int     // clustered articles, and how many have J >= the support floor with a co-member
	recall, support   float64 // found/truthPairs, backed/clustered
}

func evaluate(docs []*neardup.Doc, sets [][]uint64, clusters []neardup.Cluster, recallFloor, supportFloor float64) evaluation {
	idx := map[string]int{}
	for i, d := range docs {
		idx[d.ID] = i
	}
	cl := map[int]int{}
	for c, cluster := range clusters {
		for _, m := range cluster.Members {
			cl[idx[m.ID]] = c + 1
		}
	}
	var ev evaluation
	pairs := truth.AllPairs(sets, min(recallFloor, supportFloor))
	partner := map[int]map[int]bool{}
	for _, p := range pairs {
		if p.Jaccard >= recallFloor {
			ev.truthPairs++
			if cl[p.A] != 0 && cl[p.A] == cl[p.B] {
				ev.found++
			}
		}
		if p.Jaccard >= supportFloor {
			for _, x := range [][2]int{{p.A, p.B}, {p.B, p.A}} {
				if partner[x[0]] == nil {
					partner[x[0]] = map[int]bool{}
				}
				partner[x[0]][x[1]] = true
			}
		}
	}
	for _, cluster := range clusters {
		for _, m := range cluster.Members {
			ev.clustered++
			i := idx[m.ID]
			for _, o := range cluster.Members {
				if o.ID != m.ID && partner[i][idx[o.ID]] {
					ev.backed++
					break
				}
			}
		}
	}
	ev.recall = float64(ev.found) / float64(max(1, ev.truthPairs))
	ev.support = float64(ev.backed) / float64(max(1, ev.clustered))
	return ev
}

// TestSampleAgainstTruth pins the shipped DOJ sample against its exact truth: 23 pairs with Jaccard >= 0.8,
// every one of them inside one cluster, and every clustered article joined by a verified pair.
func TestSampleAgainstTruth(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())
	sets := exactSets(docs)
	pairs := truth.AllPairs(sets, 0.8)
	if len(pairs) != 23 {
		t.Fatalf("exact truth has %d pairs >= 0.8, the sample's provenance says 23", len(pairs))
	}
	ix := buildIndex(t, docs, nil)
	clusters := dedupe(t, ix, 0.8)
	ev := evaluate(docs, sets, clusters, 0.8, 0.8)
	t.Logf("DOJ sample: %d truth pairs, %d found; %d clustered, %d backed; %d clusters", ev.truthPairs, ev.found, ev.clustered, ev.backed, len(clusters))
	if ev.found != ev.truthPairs || ev.backed != ev.clustered {
		t.Errorf("recall %d/%d, support %d/%d", ev.found, ev.truthPairs, ev.backed, ev.clustered)
	}
	// Scores are exact: the query's Jaccard for each truth pair equals the truth up to 32-bit set collisions.
	for _, p := range pairs {
		ms, err := ix.QueryID(context.Background(), docs[p.A].ID, 0.8, 0)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(ms, func(m neardup.Match) bool { return m.ID == docs[p.B].ID })
		if i < 0 {
			t.Errorf("query %s misses %s (J=%.4f)", docs[p.A].ID, docs[p.B].ID, p.Jaccard)
			continue
		}
		if d := ms[i].Jaccard - p.Jaccard; d > 0.0006 || d < -0.0006 {
			t.Errorf("query %s→%s jaccard %.4f, exact %.4f", docs[p.A].ID, docs[p.B].ID, ms[i].Jaccard, p.Jaccard)
		}
	}
}

// TestReutersRecall: on Reuters-21578, dedupe at 0.8 finds >= 99% of the pairs with exact Jaccard >= 0.85, and
// >= 98% of clustered articles have exact Jaccard >= 0.6 with another member of their cluster.
func TestReutersRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	docs := loadDocs(t, corpus.Shared(t, "reuters21578.jsonl"))
	sets := exactSets(docs)
	ix := buildIndex(t, docs, nil)
	clusters := dedupe(t, ix, 0.8)
	ev := evaluate(docs, sets, clusters, 0.85, 0.6)
	t.Logf("Reuters: %d pairs >= 0.85, %d found (recall %.4f); %d clustered, %d with a co-member >= 0.6 (%.4f); %d clusters",
		ev.truthPairs, ev.found, ev.recall, ev.clustered, ev.backed, ev.support, len(clusters))
	if ev.recall < 0.99 {
		t.Errorf("recall %.4f < 0.99", ev.recall)
	}
	if ev.support < 0.98 {
		t.Errorf("support %.4f < 0.98", ev.support)
	}
}

// TestQueriesDuringIngest runs queries while a writer indexes (run it under -race).
func TestQueriesDuringIngest(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())
	ix := buildIndex(t, docs[:100], nil)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 4)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				if _, err := ix.QueryID(context.Background(), docs[(i*7+w)%100].ID, 0.8, 5); err != nil {
					errs <- err
					return
				}
				if _, err := ix.QueryDoc(context.Background(), docs[(i*3+w)%len(docs)], 0.5, 5); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	st, err := ix.AddDocs(context.Background(), docs, nil)
	cancel()
	wg.Wait()
	close(errs)
	if err != nil {
		t.Fatal(err)
	}
	for err := range errs {
		t.Fatal(err)
	}
	if st.Added != len(docs)-100 || st.Unchanged != 100 {
		t.Errorf("added %d unchanged %d", st.Added, st.Unchanged)
	}
}

func TestUpsertReplaceAndDelete(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())[:50]
	ix := buildIndex(t, docs, nil)
	changed := *docs[0]
	changed.Text = docs[1].Text // now a copy of docs[1]
	st, err := ix.AddDocs(context.Background(), []*neardup.Doc{&changed, docs[2]}, nil)
	if err != nil || st.Replaced != 1 || st.Unchanged != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	ms, err := ix.QueryID(context.Background(), docs[1].ID, 0.9, 0)
	if err != nil || len(ms) != 1 || ms[0].ID != docs[0].ID || ms[0].Jaccard != 1 {
		t.Fatalf("after replace: %+v %v", ms, err)
	}
	if ok, err := ix.Delete(docs[0].ID); !ok || err != nil {
		t.Fatal("delete", err)
	}
	if ms, _ := ix.QueryID(context.Background(), docs[1].ID, 0.9, 0); len(ms) != 0 {
		t.Errorf("deleted article still matches: %+v", ms)
	}
}

func TestParamsMismatch(t *testing.T) {
	dir := t.TempDir()
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	_, err = neardup.Open(dir, &neardup.Options{Config: &neardup.Config{K: 64}})
	if !errors.Is(err, store.ErrParams) || !strings.Contains(err.Error(), "k 128, asked for 64") {
		t.Fatalf("reopened with k=64: %v", err)
	}
	ix, err = neardup.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Params().K != 128 {
		t.Errorf("k %d", ix.Params().K)
	}
	ix.Close()

	// A k = 64 index reopened with the zero Config ("defaults") or a Config of some matching fields keeps its
	// stored parameters.
	dir64 := t.TempDir()
	if ix, err = neardup.Open(dir64, &neardup.Options{Config: &neardup.Config{K: 64}}); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	for _, cfg := range []*neardup.Config{{}, {K: 64}, {Threshold: 0.8}} {
		ix, err := neardup.Open(dir64, &neardup.Options{Config: cfg})
		if err != nil {
			t.Fatalf("reopen with %+v: %v", cfg, err)
		}
		if ix.Params().K != 64 {
			t.Errorf("reopened with %+v: k %d, want the stored 64", cfg, ix.Params().K)
		}
		ix.Close()
	}
}

func ExampleIndex_QueryDoc() {
	dir, err := os.MkdirTemp("", "neardup-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	wire := "LONDON (Reuters) - Oil prices rose on Monday after producers agreed to extend output cuts into next year, traders said, as stockpiles fell for a third week."
	docs := []*neardup.Doc{{ID: "wire", Text: wire}, {ID: "other", Text: "The central bank left interest rates unchanged on Thursday."}}
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		log.Fatal(err)
	}
	ms, err := ix.QueryDoc(context.Background(), &neardup.Doc{Text: "Oil prices rose on Monday after producers agreed to extend output cuts into next year, traders said, as stockpiles fell for a third week."}, 0.5, 5)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range ms {
		fmt.Printf("%s %.2f %.2f\n", m.ID, m.Jaccard, m.Containment)
	}
	// Output:
	// wire 0.91 1.00
}

var update = flag.Bool("update", false, "rewrite golden files")

// TestExactCopyWhoseSourceIsGone: an exact copy given without its text (as the WARC reader gives a payload it
// has already indexed) is indexed from its Full text when the article it copies was deleted in between, and is
// rejected, not indexed empty, when it has no Full.
func TestExactCopyWhoseSourceIsGone(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())[:3]
	ix := buildIndex(t, nil, nil)
	src := *docs[0]
	src.ContentKey = "sha1:K"
	if _, err := ix.AddDocs(context.Background(), []*neardup.Doc{&src}, nil); err != nil {
		t.Fatal(err)
	}
	if !ix.HasContent("sha1:K") {
		t.Fatal("content key not indexed")
	}
	if ok, err := ix.Delete(src.ID); !ok || err != nil {
		t.Fatal("delete", err)
	}
	full := &neardup.Doc{ID: "copy", Text: src.Text, ContentKey: "sha1:K"}
	cp := &neardup.Doc{ID: "copy", ContentKey: "sha1:K", Full: func() (*neardup.Doc, error) { return full, nil }}
	bare := &neardup.Doc{ID: "bare", ContentKey: "sha1:K"}
	var rejected []neardup.Rejection
	ch := make(chan *neardup.Doc, 2)
	ch <- cp
	ch <- bare
	close(ch)
	st, err := ix.Add(context.Background(), ch, &neardup.AddOptions{Reject: func(r neardup.Rejection) { rejected = append(rejected, r) }})
	if err != nil || st.Added != 1 || st.Rejected != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	if len(rejected) != 1 || rejected[0].ID != "bare" || !errors.Is(rejected[0].Err, neardup.ErrCopyGone) {
		t.Errorf("rejections %+v", rejected)
	}
	ms, err := ix.QueryDoc(context.Background(), &neardup.Doc{ID: "q", Text: src.Text}, 0.9, 0)
	if err != nil || len(ms) != 1 || ms[0].ID != "copy" || ms[0].Jaccard != 1 {
		t.Errorf("the copy, indexed from its own text: %+v %v", ms, err)
	}
	if !ix.HasContent("sha1:K") {
		t.Error("the copy does not hold the content key")
	}
}

package neardup_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/store"
)

// crashCorpus is the DOJ sample repeated with new ids and a changed first word (13,272 articles), an ingest of
// about half a second here that a kill can land anywhere in. TestCrashSafety fails if no kill lands before the
// last commit.
func crashCorpus(t testing.TB) []*neardup.Doc {
	base := loadDocs(t, corpus.Sample())
	var docs []*neardup.Doc
	for r := range 24 {
		for _, d := range base {
			c := *d
			c.ID = fmt.Sprintf("%s/r%d", d.ID, r)
			c.Text = fmt.Sprintf("Copy%d %s", r, d.Text)
			docs = append(docs, &c)
		}
	}
	return docs
}

// TestCrashChild is the child process of TestCrashSafety: it indexes the crash corpus into $NEARDUP_CRASH_DIR.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("NEARDUP_CRASH_DIR")
	if dir == "" {
		t.Skip("child of TestCrashSafety only")
	}
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	docs := crashCorpus(t)
	fmt.Println("READY")
	start := time.Now()
	if _, err := ix.AddDocs(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	fmt.Println("DONE", int64(time.Since(start)))
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

// runChild runs the child; with killAfter > 0 it kills it that long after the ingest starts. It returns how long
// the ingest took when the child finished.
func runChild(t *testing.T, dir string, killAfter time.Duration) time.Duration {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "NEARDUP_CRASH_DIR="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var took time.Duration
	var log []string
	for sc.Scan() {
		line := sc.Text()
		log = append(log, line)
		if line == "READY" && killAfter > 0 {
			time.Sleep(killAfter)
			cmd.Process.Kill() // SIGKILL
			cmd.Wait()
			return 0
		}
		if n, ok := strings.CutPrefix(line, "DONE "); ok {
			d, _ := strconv.ParseInt(n, 10, 64)
			took = time.Duration(d)
		}
	}
	if err := cmd.Wait(); err != nil || took == 0 {
		t.Fatalf("child failed: %v\n%s", err, strings.Join(log, "\n"))
	}
	return took
}

// snapshot checks that every article present is fully queryable (its record decodes and every one of its band
// keys leads back to it) and returns the records and the posting count.
func snapshot(t *testing.T, dir string) (map[string]*store.Article, int) {
	t.Helper()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer st.Close()
	arts := map[string]*store.Article{}
	err = st.Each(false, func(num uint64, a *store.Article) error {
		arts[a.ID] = a
		for _, key := range a.Bands {
			c, err := st.Candidates([]uint64{key})
			if err != nil {
				return err
			}
			if _, ok := slices.BinarySearch(c, num); !ok {
				return fmt.Errorf("article %s missing from its band bucket %x", a.ID, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := st.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return arts, stats.Postings
}

// TestCrashSafety kills an indexing child with SIGKILL at random moments. After each kill the index opens and
// every present article is whole; a final uninterrupted rerun converges to exactly the index a clean run builds.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if raceEnabled {
		t.Skip("eleven child processes under the race detector take minutes; the plain test run covers it")
	}
	clean := t.TempDir()
	full := runChild(t, clean, 0)
	want, wantPostings := snapshot(t, clean)

	rng := rand.New(rand.NewPCG(11, 13))
	var dirs []string
	partial := 0
	for i := range 5 {
		dir := t.TempDir()
		kill := time.Duration(float64(full) * (0.05 + 0.9*rng.Float64()))
		runChild(t, dir, kill)
		got, _ := snapshot(t, dir)
		t.Logf("kill %d after %v of a %v ingest: %d of %d articles present, all whole", i, kill.Round(time.Millisecond), full.Round(time.Millisecond), len(got), len(want))
		dirs = append(dirs, dir)
		if len(got) < len(want) {
			partial++
		}
	}
	if partial == 0 {
		t.Fatal("every kill landed after the last commit: the ingest is too short for this test to show anything")
	}
	for _, dir := range dirs {
		runChild(t, dir, 0)
		got, gotPostings := snapshot(t, dir)
		if len(got) != len(want) || gotPostings != wantPostings {
			t.Fatalf("after rerun: %d articles and %d postings, clean run %d and %d", len(got), gotPostings, len(want), wantPostings)
		}
		for id, a := range want {
			b := got[id]
			if b == nil || b.Digest != a.Digest || !slices.Equal(b.Set, a.Set) || !slices.Equal(b.Bands, a.Bands) {
				t.Fatalf("article %s differs from the clean run", id)
			}
		}
	}
}

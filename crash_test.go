package neardup_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
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
// about half a second here. TestCrashSafety kills the child after it reports a random share of the articles added
// (and a random moment more), and fails if no kill leaves the index partial.
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

// TestCrashChild is the child process of TestCrashSafety: it indexes the crash corpus into $NEARDUP_CRASH_DIR,
// printing the articles added at each progress report (after every flush).
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("NEARDUP_CRASH_DIR")
	if dir == "" {
		t.Skip("child of TestCrashSafety only")
	}
	bulk := os.Getenv("NEARDUP_CRASH_BULK") != ""
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}, Bulk: bulk})
	if err != nil {
		t.Fatal(err)
	}
	docs := crashCorpus(t)
	ch := make(chan *neardup.Doc)
	go func() {
		defer close(ch)
		for _, d := range docs {
			ch <- d
		}
	}()
	progress := func(s neardup.AddStats) { fmt.Println("PROGRESS", s.Added) }
	if _, err := ix.Add(context.Background(), ch, &neardup.AddOptions{Progress: progress}); err != nil {
		t.Fatal(err)
	}
	if ix.Building() {
		fmt.Println("SETTLING")
		if err := ix.Settle(); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Println("DONE")
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

// runChild runs the child to the end, or, with killAt > 0, kills it with SIGKILL a moment (wait) after it
// reports killAt articles or more added: a kill that lands inside the ingest however fast the machine runs. A
// bulk child (extra env NEARDUP_CRASH_BULK=1) with killAt < 0 is killed a moment after it starts writing the
// index.
func runChild(t *testing.T, dir string, killAt int, wait time.Duration, env ...string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.v")
	cmd.Env = append(append(os.Environ(), "NEARDUP_CRASH_DIR="+dir), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	done := false
	var log []string
	for sc.Scan() {
		line := sc.Text()
		log = append(log, line)
		if line == "SETTLING" && killAt < 0 {
			time.Sleep(wait)
			cmd.Process.Kill()
			cmd.Wait()
			return
		}
		if n, ok := strings.CutPrefix(line, "PROGRESS "); ok && killAt > 0 {
			if added, _ := strconv.Atoi(n); added >= killAt {
				time.Sleep(wait)
				cmd.Process.Kill() // SIGKILL
				cmd.Wait()
				return
			}
		}
		done = done || line == "DONE"
	}
	if err := cmd.Wait(); err != nil || !done {
		t.Fatalf("child failed: %v\n%s", err, strings.Join(log, "\n"))
	}
}

// snapshot checks that the index is whole (store.Verify: every article present in each of its band buckets, no
// other posting) and returns the records and the posting count.
func snapshot(t *testing.T, dir string) (map[string]*store.Article, int) {
	t.Helper()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer st.Close()
	if err := st.Verify(); err != nil {
		t.Fatal(err)
	}
	arts := map[string]*store.Article{}
	err = st.Each(false, func(num uint64, a *store.Article) error {
		arts[a.ID] = a
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

// converged checks that the index in dir holds exactly the articles and postings of the clean run.
func converged(t *testing.T, dir string, want map[string]*store.Article, wantPostings int) {
	t.Helper()
	got, gotPostings := snapshot(t, dir)
	if len(got) != len(want) || gotPostings != wantPostings {
		t.Fatalf("after rerun: %d articles and %d postings, clean run %d and %d", len(got), gotPostings, len(want), wantPostings)
	}
	for id, a := range want {
		b := got[id]
		if b == nil || b.Digest != a.Digest || !slices.Equal(b.Set, a.Set) || !slices.Equal(b.Bands, a.Bands) || !slices.Equal(b.Anchors, a.Anchors) {
			t.Fatalf("article %s differs from the clean run", id)
		}
	}
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
	runChild(t, clean, 0, 0)
	want, wantPostings := snapshot(t, clean)

	rng := rand.New(rand.NewPCG(11, 13))
	var dirs []string
	partial := 0
	for i := range 5 {
		dir := t.TempDir()
		killAt := int(float64(len(want)) * (0.05 + 0.8*rng.Float64()))
		wait := time.Duration(rng.IntN(10_000)) * time.Microsecond
		runChild(t, dir, killAt, wait)
		got, _ := snapshot(t, dir)
		t.Logf("kill %d, %v after %d articles were reported added: %d of %d articles present, all whole", i, wait, killAt, len(got), len(want))
		dirs = append(dirs, dir)
		if len(got) < len(want) {
			partial++
		}
	}
	if partial == 0 {
		t.Fatal("every kill left the whole corpus indexed: no kill landed inside the ingest")
	}
	for _, dir := range dirs {
		runChild(t, dir, 0, 0)
		converged(t, dir, want, wantPostings)
	}
}

// TestCrashSafetyBulk kills a bulk build (Options.Bulk) with SIGKILL while it hashes and while it writes the
// index: each kill leaves no index, or (a kill after the final rename) the whole one; the rerun builds exactly
// the index of a clean incremental run.
func TestCrashSafetyBulk(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if raceEnabled {
		t.Skip("child processes under the race detector take minutes; the plain test run covers it")
	}
	clean := t.TempDir()
	runChild(t, clean, 0, 0)
	want, wantPostings := snapshot(t, clean)
	rng := rand.New(rand.NewPCG(17, 19))
	none := 0
	for i := range 3 {
		dir := filepath.Join(t.TempDir(), "ix")
		killAt, wait := int(float64(len(want))*(0.1+0.8*rng.Float64())), time.Duration(rng.IntN(5_000))*time.Microsecond
		if i >= 1 {
			killAt, wait = -1, time.Duration(rng.IntN(300))*time.Millisecond // while writing the index
		}
		runChild(t, dir, killAt, wait, "NEARDUP_CRASH_BULK=1")
		if ok, err := store.Exists(dir); err != nil {
			t.Fatal(err)
		} else if ok {
			got, _ := snapshot(t, dir)
			t.Logf("kill %d (at %d, %v): the whole index, %d articles", i, killAt, wait, len(got))
			if len(got) != len(want) {
				t.Fatalf("a killed bulk build left %d of %d articles", len(got), len(want))
			}
		} else {
			none++
			t.Logf("kill %d (at %d, %v): no index", i, killAt, wait)
		}
		runChild(t, dir, 0, 0, "NEARDUP_CRASH_BULK=1")
		converged(t, dir, want, wantPostings)
		if left, _ := filepath.Glob(dir + ".bulk"); len(left) != 0 {
			t.Errorf("the rerun left %v", left)
		}
	}
	if none == 0 {
		t.Fatal("no kill landed before the index was made visible")
	}
}

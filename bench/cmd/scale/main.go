// Command scale measures neardup at scale on a generated corpus: index throughput, peak memory, index size,
// query latency and dedupe time. Every figure in bench/README.md's scale table comes from it.
//
//	go run ./bench/cmd/scale -n 100000                      # base: ../shared/data/reuters21578.jsonl, else the DOJ sample
//	go run ./bench/cmd/scale -n 1000000 -queries 20000
//	go run ./bench/cmd/scale -n 1000000 -jsonl gen.jsonl        # write the corpus instead, for neardup index
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/store"
)

// config is what the flags ask for.
type config struct {
	n, queries int
	base, dir  string
	seed       uint64
	memProfile string // a heap profile at the end of indexing
	memTableMB int    // Badger's memtable size; 0 for the store's default
	noText     bool   // an index without stored texts
	noAnchors  bool   // an index without containment anchors
	passages   bool   // an index with passages (anchor window 8): passages and reuse queries timed too
	indexOnly  bool   // no queries, no dedupe
	queryOnly  bool   // an index -db built by an earlier run: queries and dedupe only
	bulk       bool   // build the new index in one pass (neardup.Options.Bulk)
	buckets    bool   // count the distinct band buckets after the dedupe
	add        int    // articles added article by article to the index once built, timed apart
	addProfile string // a CPU profile of the adding alone
}

func main() {
	var c config
	flag.IntVar(&c.n, "n", 100000, "articles to generate and index")
	flag.IntVar(&c.queries, "queries", 10000, "queries by id, for latency")
	flag.StringVar(&c.base, "corpus", "", "base corpus (default: ../shared/data/reuters21578.jsonl when present, else testdata/doj-press-releases.jsonl)")
	flag.StringVar(&c.dir, "db", "", "index folder (default: a temporary folder, removed afterwards)")
	flag.Uint64Var(&c.seed, "seed", 1, "generator seed")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.StringVar(&c.memProfile, "memprofile", "", "write a heap profile taken at the end of indexing to this file")
	jsonl := flag.String("jsonl", "", "write the generated articles to this JSONL file (id, title, date, source, text) and stop")
	flag.BoolVar(&c.indexOnly, "index-only", false, "stop after indexing: no queries, no dedupe")
	flag.BoolVar(&c.bulk, "bulk", false, "build the index in one pass (neardup index does for a new index from files)")
	flag.BoolVar(&c.queryOnly, "query-only", false, "skip indexing: query and dedupe the index -db that an earlier run with the same -n built")
	flag.IntVar(&c.memTableMB, "memtable-mb", 0, "Badger memtable size in MiB (0: the store's default)")
	flag.BoolVar(&c.noText, "no-text", false, "index without stored texts")
	flag.BoolVar(&c.buckets, "buckets", false, "after the dedupe, count the distinct band buckets and those shared by several articles")
	flag.BoolVar(&c.noAnchors, "no-containment", false, "index without containment anchors (and run no containment queries)")
	flag.BoolVar(&c.passages, "passages", false, "index with passages (anchor window 8), and time passages and reuse queries and the passage report too")
	flag.StringVar(&c.addProfile, "add-cpuprofile", "", "write a CPU profile of the adding (-add) alone to this file")
	flag.IntVar(&c.add, "add", 0, "once the index of -n articles is built (with -bulk or not), add this many more article by article, timed apart (incremental indexing into an existing index)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "scale:", err)
			os.Exit(2)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var err error
	if *jsonl != "" {
		err = writeJSONL(*jsonl, c)
	} else {
		err = run(c)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(2)
	}
}

// generator returns the seeded generator over the base corpus, and the corpus's path.
func generator(c config) (*gen.Generator, string, error) {
	base := c.base
	if base == "" {
		base = corpus.GeneratorBase()
	}
	docs, err := corpus.Load(base)
	if err != nil {
		return nil, "", err
	}
	return gen.New(docs, gen.Options{Seed: c.seed}), base, nil
}

type result struct {
	Articles     int     `json:"articles"`
	BaseCorpus   string  `json:"base_corpus"`
	IndexSeconds float64 `json:"index_seconds"`
	ArticlesPerS float64 `json:"articles_per_s"`
	TextMB       float64 `json:"text_mb"`
	IndexMB      float64 `json:"index_mb"`
	IndexToText  float64 `json:"index_to_text"`
	BytesPerArt  float64 `json:"index_bytes_per_article"`
	PeakRSSMB    float64 `json:"peak_rss_mb"`
	RSSAnonMB    float64 `json:"rss_anon_mb_after_index"` // heap and other private memory
	RSSFileMB    float64 `json:"rss_file_mb_after_index"` // mmap'd index files (page cache, reclaimable)
	QueryP50Ms   float64 `json:"query_p50_ms,omitempty"`
	QueryP99Ms   float64 `json:"query_p99_ms,omitempty"`
	// ColdP50Ms and ColdP99Ms are of the first 1,000 queries after the page cache was dropped (root only).
	ColdP50Ms float64 `json:"cold_query_p50_ms,omitempty"`
	ColdP99Ms float64 `json:"cold_query_p99_ms,omitempty"`
	// WrittenPerArt is the bytes the process wrote to disk while indexing, per article (/proc/self/io
	// write_bytes: write amplification against BytesPerArt).
	WrittenPerArt float64 `json:"disk_written_bytes_per_article,omitempty"`
	// Added articles (-add): how many, their rate, the disk written per added article, and the index after.
	Added            int     `json:"added,omitempty"`
	AddedPerS        float64 `json:"added_articles_per_s,omitempty"`
	AddedWrittenPerA float64 `json:"added_disk_written_bytes_per_article,omitempty"`
	AddedIndexBytesA float64 `json:"index_bytes_per_article_after_adding,omitempty"`
	// Containment queries (query --containment 0.8) of random indexed articles.
	ContainP50Ms float64 `json:"containment_p50_ms,omitempty"`
	ContainP99Ms float64 `json:"containment_p99_ms,omitempty"`
	// Passages (neardup passages ID, from the stored text) and reuse queries (query --reuse) of random indexed
	// articles, and the whole-index passage report, with -passages.
	PassagesP50Ms float64 `json:"passages_p50_ms,omitempty"`
	PassagesP99Ms float64 `json:"passages_p99_ms,omitempty"`
	ReuseP50Ms    float64 `json:"reuse_p50_ms,omitempty"`
	ReuseP99Ms    float64 `json:"reuse_p99_ms,omitempty"`
	ReportSeconds float64 `json:"passage_report_seconds,omitempty"`
	// AnchorPostings are the containment anchors' postings.
	AnchorPostings int     `json:"anchor_postings"`
	DedupeSeconds  float64 `json:"dedupe_seconds,omitempty"`
	// Band postings, the distinct buckets they lie in, and the buckets of two articles or more with their
	// postings (-buckets): what a key per bucket instead of a key per posting would save.
	BandPostings   int64 `json:"band_postings,omitempty"`
	Buckets        int64 `json:"band_buckets,omitempty"`
	SharedBuckets  int64 `json:"shared_band_buckets,omitempty"`
	SharedPostings int64 `json:"shared_band_bucket_postings,omitempty"`
	Clusters       int   `json:"clusters,omitempty"`
	Duplicates     int   `json:"duplicates,omitempty"`
	GoMaxProcs     int   `json:"gomaxprocs"`
}

func run(c config) error {
	n, dir := c.n, c.dir
	g, base, err := generator(c)
	if err != nil {
		return err
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "neardup-scale"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	res := result{Articles: n, BaseCorpus: filepath.Base(base), GoMaxProcs: runtime.GOMAXPROCS(0)}
	if c.queryOnly {
		if c.dir == "" {
			return errors.New("-query-only needs -db")
		}
		return queryAndDedupe(c, dir, res)
	}
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{NoText: c.noText, NoAnchors: c.noAnchors, Passages: c.passages}, Store: store.Options{MemTableSize: int64(c.memTableMB) << 20}, Bulk: c.bulk})
	if err != nil {
		return err
	}
	ch := make(chan *neardup.Doc, 1024)
	var textBytes int64
	go func() {
		defer close(ch)
		for range n {
			d, _ := g.Next()
			textBytes += int64(len(d.Text))
			ch <- d
		}
	}()
	start := time.Now()
	last := time.Now()
	st, err := ix.Add(context.Background(), ch, &neardup.AddOptions{Progress: func(s neardup.AddStats) {
		if time.Since(last) > 10*time.Second {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "scale: %d articles, %.0f/s\n", s.Added, float64(s.Added)/time.Since(start).Seconds())
		}
	}})
	if err != nil {
		return err
	}
	if c.bulk {
		t := time.Now()
		if err := ix.Settle(); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "scale: bulk: %.1f s hashing and sorting, %.1f s writing the index\n", t.Sub(start).Seconds(), time.Since(t).Seconds())
	}
	res.IndexSeconds = time.Since(start).Seconds()
	res.ArticlesPerS = float64(st.Added+st.Replaced) / res.IndexSeconds
	res.TextMB = float64(textBytes) / 1e6
	res.WrittenPerArt = float64(ioWritten()) / float64(n)
	res.PeakRSSMB = procStatus("VmHWM:")
	res.RSSAnonMB = procStatus("RssAnon:")
	res.RSSFileMB = procStatus("RssFile:")
	if c.memProfile != "" {
		if f, err := os.Create(c.memProfile); err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	if cs, err := ix.Counts(); err == nil {
		res.AnchorPostings = int(cs.Anchors)
	}
	if err := ix.Close(); err != nil {
		return err
	}
	size, _ := store.DirSize(dir)
	res.IndexMB = float64(size) / 1e6
	res.IndexToText = float64(size) / float64(textBytes)
	res.BytesPerArt = float64(size) / float64(n)
	if c.add > 0 {
		if err := addMore(c, g, dir, &res); err != nil {
			return err
		}
	}

	if c.indexOnly {
		return printResult(res)
	}
	return queryAndDedupe(c, dir, res)
}

// addMore reopens the index in dir and adds c.add more articles of g to it through the incremental path, as a
// crawl's new articles arrive at an existing index, timing them apart from the build.
func addMore(c config, g *gen.Generator, dir string, res *result) error {
	ix, err := neardup.Open(dir, &neardup.Options{Store: store.Options{MemTableSize: int64(c.memTableMB) << 20}})
	if err != nil {
		return err
	}
	ch := make(chan *neardup.Doc, 1024)
	go func() {
		defer close(ch)
		for range c.add {
			d, _ := g.Next()
			ch <- d
		}
	}()
	if c.addProfile != "" {
		f, err := os.Create(c.addProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	written := ioWritten()
	start, last := time.Now(), time.Now()
	st, err := ix.Add(context.Background(), ch, &neardup.AddOptions{Progress: func(s neardup.AddStats) {
		if time.Since(last) > 10*time.Second {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "scale: added %d articles, %.0f/s\n", s.Added, float64(s.Added)/time.Since(start).Seconds())
		}
	}})
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	res.Added = st.Added + st.Replaced
	res.AddedPerS = float64(res.Added) / secs
	res.AddedWrittenPerA = float64(ioWritten()-written) / float64(max(res.Added, 1))
	size, _ := store.DirSize(dir)
	res.AddedIndexBytesA = float64(size) / float64(c.n+res.Added)
	return nil
}

// queryAndDedupe times queries by id and a dedupe on the index in dir, and prints the result.
func queryAndDedupe(c config, dir string, res result) error {
	n, queries, seed := c.n, c.queries, c.seed
	// Cold queries: the page cache dropped (root only), the index reopened, the first 1,000 queries timed.
	cold := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0) == nil
	ix, err := neardup.Open(dir, nil)
	if err != nil {
		return err
	}
	defer ix.Close()
	rng := rand.New(rand.NewPCG(seed, 99))
	// timed runs count queries of random indexed articles with q and returns their p50 and p99 in ms.
	timed := func(count int, what string, q func(id string) error) (p50, p99 float64, err error) {
		lat := make([]time.Duration, count)
		for i := range lat {
			id := fmt.Sprintf("gen-%07d", 1+rng.IntN(n))
			t := time.Now()
			if err := q(id); err != nil {
				return 0, 0, fmt.Errorf("%s %s: %w", what, id, err)
			}
			lat[i] = time.Since(t)
		}
		slices.Sort(lat)
		return float64(lat[count/2].Microseconds()) / 1000, float64(lat[count*99/100].Microseconds()) / 1000, nil
	}
	byID := func(id string) error {
		_, err := ix.QueryID(context.Background(), id, 0.8, 20)
		return err
	}
	if cold && queries > 0 {
		if res.ColdP50Ms, res.ColdP99Ms, err = timed(min(1000, queries), "query", byID); err != nil {
			return err
		}
	}
	for range min(1000, queries) { // warm the caches
		ix.QueryID(context.Background(), fmt.Sprintf("gen-%07d", 1+rng.IntN(n)), 0.8, 20)
	}
	if queries > 0 {
		if res.QueryP50Ms, res.QueryP99Ms, err = timed(queries, "query", byID); err != nil {
			return err
		}
	}
	if !c.noAnchors && queries > 0 {
		contained := func(id string) error {
			_, err := ix.QueryIDWith(context.Background(), id, neardup.QueryOptions{Containment: 0.8, Top: 20})
			return err
		}
		if res.ContainP50Ms, res.ContainP99Ms, err = timed(queries, "containment query", contained); err != nil {
			return err
		}
	}
	if c.passages && queries > 0 {
		passages := func(id string) error {
			a, err := ix.Get(id)
			if err != nil {
				return err
			}
			_, err = ix.PassagesDoc(context.Background(), &neardup.Doc{ID: a.ID, Text: a.Text})
			return err
		}
		if res.PassagesP50Ms, res.PassagesP99Ms, err = timed(min(queries, 2000), "passages", passages); err != nil {
			return err
		}
		reuse := func(id string) error {
			_, err := ix.QueryIDWith(context.Background(), id, neardup.QueryOptions{Reuse: neardup.DefaultReuse, Top: 20})
			return err
		}
		if res.ReuseP50Ms, res.ReuseP99Ms, err = timed(min(queries, 2000), "reuse query", reuse); err != nil {
			return err
		}
		t := time.Now()
		if _, err := ix.ReportPassages(context.Background(), func(any) error { return nil }); err != nil {
			return err
		}
		res.ReportSeconds = time.Since(t).Seconds()
	}
	t := time.Now()
	ds, err := ix.Dedupe(context.Background(), 0.8, func(neardup.Cluster) error { return nil })
	if err != nil {
		return err
	}
	res.DedupeSeconds = time.Since(t).Seconds()
	res.Clusters, res.Duplicates = ds.Clusters, ds.Duplicates
	if c.buckets {
		counts, err := ix.Counts()
		if err != nil {
			return err
		}
		res.BandPostings = counts.Bands
		err = ix.Store().ScanBucketsParallel(1, func(_ int, docs []uint64) error { // buckets of two or more
			res.SharedBuckets++
			res.SharedPostings += int64(len(docs))
			return nil
		})
		if err != nil {
			return err
		}
		res.Buckets = res.BandPostings - res.SharedPostings + res.SharedBuckets
	}
	if rss := procStatus("VmHWM:"); rss > res.PeakRSSMB {
		fmt.Fprintf(os.Stderr, "scale: peak RSS including queries and dedupe: %.0f MB\n", rss)
	}
	return printResult(res)
}

// writeJSONL writes the n articles the index run would see, in the input format of neardup index.
func writeJSONL(path string, c config) error {
	g, _, err := generator(c)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for range c.n {
		d, _ := g.Next()
		rec := struct {
			ID     string `json:"id"`
			Title  string `json:"title"`
			Date   string `json:"date"`
			Source string `json:"source"`
			Text   string `json:"text"`
		}{d.ID, d.Title, d.Date, d.Source, d.Text}
		if err := enc.Encode(rec); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func printResult(res result) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// procStatus reads a memory field of /proc/self/status (VmHWM: the peak resident set size) in MB, or 0 where
// /proc is absent.
func procStatus(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// ioWritten returns the bytes this process has caused to be written to storage (/proc/self/io write_bytes).
func ioWritten() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

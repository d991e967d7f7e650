package neardup

import (
	"cmp"
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup/internal/cluster"
	"github.com/neardup/neardup/internal/par"
	"github.com/neardup/neardup/store"
)

// Member is an article of a cluster with its verified Jaccard similarity to the kept article.
type Member struct {
	ID      string  `json:"id"`
	Jaccard float64 `json:"jaccard"`
	Title   string  `json:"title,omitempty"`
	URL     string  `json:"url,omitempty"`
	Date    string  `json:"date,omitempty"`
	// WARC and WARCOffset point back at the record an article came from, for WARC input (its provenance: the
	// file's absolute path).
	WARC       string `json:"warc,omitempty"`
	WARCOffset *int64 `json:"warc_offset,omitempty"`
}

// member makes the Member for an article.
func member(a *store.Article, j float64) Member {
	m := Member{ID: a.ID, Jaccard: j, Title: a.Title, URL: a.URL, Date: a.Date}
	if p := a.Provenance; p != nil && p.Format == store.ProvenanceWARC {
		m.WARC, m.WARCOffset = p.File, &p.Offset
	}
	return m
}

// Cluster is a group of near-duplicates: Keep is the article to keep; Members include it.
type Cluster struct {
	Keep    string   `json:"keep"`
	Members []Member `json:"members"`
}

// DedupeStats summarise a dedupe run.
type DedupeStats struct {
	Articles   int `json:"articles"`
	Clusters   int `json:"clusters"`
	Duplicates int `json:"duplicates"` // articles to drop: cluster members other than the kept one
	Candidates int `json:"candidates"` // candidate pairs verified
}

// cache keeps decoded articles for verification, dropping everything when it grows past its bound.
type cache struct {
	// drop, when set, lists boilerplate passages whose shingles are taken out of their article's set.
	drop map[passageRef]bool
	st   *store.Store
	mu   sync.Mutex // guards m: get runs on several goroutines
	m    map[uint64]*store.Article
	full map[uint64]*store.Article
	max  int
}

func (c *cache) get(num uint64) (*store.Article, error) {
	c.mu.Lock()
	a, ok := c.m[num]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	get := c.st.GetSet
	if c.drop != nil {
		get = c.st.GetDoc // boilerplate passages are taken out of the set
	}
	a, err := get(num)
	if err != nil {
		return nil, err
	}
	if c.drop != nil {
		for i, p := range a.Passages {
			if c.drop[passageRef{num, i}] {
				a.Set = subtract(a.Set, p.Set)
			}
		}
	}
	a.Bands, a.Passages = nil, nil
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[num] = a
	c.mu.Unlock()
	return a, nil
}

// getFull returns an article with its passages (kept in a cache of their own).
func (c *cache) getFull(num uint64) (*store.Article, error) {
	if a, ok := c.full[num]; ok {
		return a, nil
	}
	a, err := c.st.GetDoc(num)
	if err != nil {
		return nil, err
	}
	if c.full == nil || len(c.full) >= c.max {
		c.full = map[uint64]*store.Article{}
	}
	c.full[num] = a
	return a, nil
}

// keepFirst orders articles by the keep rule: the earliest date (articles without a date after those with one),
// then the longest text, then the smallest id.
func keepFirst(a, b *store.Article) int {
	da, db := a.DateUnix, b.DateUnix
	switch {
	case da != 0 && db == 0:
		return -1
	case da == 0 && db != 0:
		return 1
	case da != db:
		if da < db {
			return -1
		}
		return 1
	case a.TextLen != b.TextLen:
		return b.TextLen - a.TextLen
	}
	return strings.Compare(a.ID, b.ID)
}

// subtract returns a minus b (both sorted), reusing a.
func subtract(a, b store.Set) store.Set {
	out := a[:0]
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j < len(b) && b[j] == x {
			continue
		}
		out = append(out, x)
	}
	return out
}

// maxBucketPairs bounds the passage buckets whose articles are paired as candidates.
const maxBucketPairs = 200

// DedupeOptions configure DedupeWith.
type DedupeOptions struct {
	// Threshold is the least verified Jaccard similarity that joins two articles.
	Threshold float64
	// IgnoreBoilerplate leaves the shingles of boilerplate passages (found in BoilerplateArticles or more
	// articles) out of the similarity, so that two stories from one site are not near-duplicates because of a
	// shared "related stories" block. It needs an index with passages.
	IgnoreBoilerplate bool
	// Window, when positive, keeps duplicates within their news cycle: two articles are joined only if their
	// dates are at most Window apart, and no cluster spans more than Window from its earliest to its latest
	// dated article. Pairs join best first (highest Jaccard, then nearest in time), each only if the cluster it
	// makes still fits the window, so a year of daily editions of a templated story does not chain into one
	// cluster. An article without a date is not placed in time: it may join any article, and it never
	// stretches a cluster's span.
	Window time.Duration
	// MinShingles, when positive, leaves out of every cluster the articles with fewer distinct shingles (word
	// 5-shingles: a text of fewer than MinShingles+4 words): they stay indexed, but two pages of a few words
	// ("Page not found") are not reported as copies of each other. 0 reports every article (the CLI's default
	// is DefaultMinShingles).
	MinShingles int
}

// DefaultMinShingles is the CLI's and the HTTP API's least article size for a duplicate: texts of fewer than
// 5 word 5-shingles (about 9 words) are indexed but never reported as duplicates.
const DefaultMinShingles = 5

// eachBucket runs scan, which streams buckets to its function from parts goroutines (the part given with each
// bucket, in a slice the part reuses), and verify on copies of the buckets on every core: the scan reads the
// index while the workers fetch articles and compare sets. Clusters are connected components, so the order in
// which pairs are verified does not change them. It returns the first error, and stops at ctx's cancellation.
func eachBucket(ctx context.Context, parts int, scan func(fn func(part int, docs []uint64) error) error, verify func(docs []uint64) error) error {
	const batch = 256 // buckets handed over at a time
	workers := runtime.GOMAXPROCS(0)
	work := make(chan [][]uint64, 2*workers)
	stop := make(chan struct{})
	var once sync.Once
	var failed error
	fail := func(err error) { once.Do(func() { failed = err; close(stop) }) }
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range work {
				select {
				case <-stop:
					continue // drained, not verified: the run has failed
				default:
				}
				for _, docs := range b {
					if err := verify(docs); err != nil {
						fail(err)
						break
					}
				}
			}
		})
	}
	type partState struct {
		cur [][]uint64
		n   int
	}
	ps := make([]partState, max(1, parts))
	hand := func(cur [][]uint64) error {
		select {
		case work <- cur:
			return nil
		case <-stop:
			return failed
		}
	}
	err := scan(func(part int, docs []uint64) error {
		p := &ps[part]
		if p.n++; p.n%4096 == 1 && ctx.Err() != nil { // at the first bucket and every 4096th
			return ctx.Err()
		}
		if p.cur = append(p.cur, slices.Clone(docs)); len(p.cur) == batch {
			cur := p.cur
			p.cur = nil
			return hand(cur)
		}
		return nil
	})
	for i := range ps {
		if err == nil && len(ps[i].cur) > 0 {
			err = hand(ps[i].cur)
		}
	}
	close(work)
	wg.Wait()
	if failed != nil {
		return failed
	}
	return err
}

// pairBucket is the largest band bucket whose pairs are gathered and verified in docnum order; a larger one (a
// template that many articles share) is verified as it is read, so that memory never holds its pairs.
const pairBucket = 32

type pair struct{ a, b uint64 }

// verifyBands verifies the candidate pairs of the band buckets: the buckets are read in as many parts as there
// are cores, their pairs gathered, sorted and verified in docnum order on every core, each distinct pair once.
// In docnum order the records of one article are read once for all its pairs, and the others are read in
// ascending order, so that consecutive reads share the index's blocks: at ten million articles reading the
// candidates' records one by one in bucket order was half of the work. A bucket of more than pairBucket
// articles is verified by verify as it is read.
func verifyBands(ctx context.Context, st *store.Store, verify func(docs []uint64) error, verifyPair func(a, b uint64) error) error {
	parts := runtime.GOMAXPROCS(0)
	found := make([][]pair, parts)
	// A pair of near-duplicates is in most of its bands' buckets: each part's pairs are made distinct whenever
	// they have doubled, so that memory holds about one copy of a pair a part.
	limit := make([]int, parts)
	err := st.ScanBucketsParallel(parts, func(part int, docs []uint64) error {
		if len(docs) > pairBucket {
			return verify(docs)
		}
		f := found[part]
		for i, a := range docs {
			for _, b := range docs[i+1:] {
				f = append(f, pair{a, b}) // a < b: a bucket's docnums are sorted
			}
		}
		if len(f) >= limit[part] {
			if err := ctx.Err(); err != nil {
				return err
			}
			f = distinct(f)
			limit[part] = max(2*len(f), 1<<16)
		}
		found[part] = f
		return nil
	})
	if err != nil {
		return err
	}
	pairs := slices.Concat(found...)
	found = nil
	pairs = distinct(pairs)
	const chunk = 4096
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(chunk)) - chunk
				if i >= len(pairs) {
					return
				}
				if errs[w] = ctx.Err(); errs[w] == nil {
					for _, p := range pairs[i:min(i+chunk, len(pairs))] {
						if errs[w] = verifyPair(p.a, p.b); errs[w] != nil {
							break
						}
					}
				}
				if errs[w] != nil {
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// distinct sorts pairs and drops repeats.
func distinct(pairs []pair) []pair {
	slices.SortFunc(pairs, func(x, y pair) int {
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(x.b, y.b)
	})
	return slices.Compact(pairs)
}

// Dedupe clusters the whole index at a threshold; see DedupeWith.
func (ix *Index) Dedupe(ctx context.Context, threshold float64, emit func(Cluster) error) (DedupeStats, error) {
	return ix.DedupeWith(ctx, DedupeOptions{Threshold: threshold}, emit)
}

// DedupeWith clusters the whole index: articles joined by a verified Jaccard similarity >= threshold, connected
// components. It reads the band buckets in parts and verifies their candidate pairs on every core, in docnum
// order, each pair at most once (pairs already in one cluster are skipped; verifyBands). Memory holds the
// clusters and the distinct candidate pairs of small buckets (16 bytes each), not those of large ones. Clusters
// come out ordered by their kept article's id; members after the kept one by decreasing similarity, then id.
func (ix *Index) DedupeWith(ctx context.Context, o DedupeOptions, emit func(Cluster) error) (DedupeStats, error) {
	var st DedupeStats
	threshold := o.Threshold
	if err := ix.checkThreshold(threshold); err != nil {
		return st, err
	}
	uf := &cluster.Sets[uint64]{}
	c := &cache{st: ix.st, m: map[uint64]*store.Article{}, max: 1 << 18}
	if o.IgnoreBoilerplate {
		_, drop, err := ix.boilerplate(ctx, BoilerplateArticles)
		if err != nil {
			return st, err
		}
		c.drop = drop
	}
	window := int64(o.Window / time.Second)
	var edges []cluster.Edge[uint64]
	seen := map[[2]uint64]struct{}{} // pairs verified, in a windowed dedupe (which joins them only at the end)
	var mu sync.Mutex                // guards uf, edges, seen and st.Candidates: buckets are verified on every core
	together := func(a, b uint64) bool {
		mu.Lock()
		defer mu.Unlock()
		if window == 0 {
			return uf.Find(a) == uf.Find(b)
		}
		k := [2]uint64{min(a, b), max(a, b)}
		if _, ok := seen[k]; ok {
			return true
		}
		seen[k] = struct{}{}
		return false
	}
	verifyPair := func(a, b uint64) error {
		if a == b || together(a, b) {
			return nil
		}
		x, err := c.get(a)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		y, err := c.get(b)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if x.Size < o.MinShingles || y.Size < o.MinShingles {
			return nil // too short to be reported a copy
		}
		e := cluster.Edge[uint64]{A: a, B: b, DateA: x.DateUnix, DateB: y.DateUnix}
		if window > 0 && e.Apart() > window {
			return nil
		}
		j, _ := store.Similarity(x.Set, y.Set, x.Full, y.Full)
		mu.Lock()
		st.Candidates++
		switch {
		case j < threshold:
		case window > 0:
			e.Jaccard = j
			edges = append(edges, e)
		default:
			uf.Union(a, b)
		}
		mu.Unlock()
		return nil
	}
	verify := func(docs []uint64) error {
		for i, a := range docs {
			for _, b := range docs[i+1:] {
				if err := verifyPair(a, b); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err := verifyBands(ctx, ix.st, verify, verifyPair)
	if err == nil && c.drop != nil {
		// Articles whose boilerplate differs may share no article band: their shared passages make them
		// candidates too.
		err = ix.verifyPassageBuckets(ctx, c, verify)
	}
	if err == nil && window > 0 {
		cluster.JoinWithin(uf, edges, window)
	}
	if err != nil {
		return st, err
	}
	err = ix.emitClusters(c, uf, &st, emit)
	return st, err
}

// verifyPassageBuckets hands verify the articles of each passage bucket, less the boilerplate passages c drops
// (a bucket of more than maxBucketPairs passages is boilerplate, left out anyway).
func (ix *Index) verifyPassageBuckets(ctx context.Context, c *cache, verify func(docs []uint64) error) error {
	return eachBucket(ctx, 1, func(fn func(int, []uint64) error) error {
		var docs []uint64
		return ix.st.ScanPassageBuckets(func(hits []store.PassageHit) error {
			if len(hits) > maxBucketPairs {
				return nil // a passage this common is boilerplate, left out anyway
			}
			docs = docs[:0]
			for _, h := range hits {
				if !c.drop[passageRef{h.Doc, h.Index}] && (len(docs) == 0 || docs[len(docs)-1] != h.Doc) {
					docs = append(docs, h.Doc)
				}
			}
			return fn(0, docs)
		})
	}, verify)
}

// emitClusters makes the clusters of the joined sets (their members' records read on every core, most are not
// in the cache any more) and emits them ordered by their kept article's id, counting them in st.
func (ix *Index) emitClusters(c *cache, uf *cluster.Sets[uint64], st *DedupeStats, emit func(Cluster) error) error {
	groups := uf.Groups()
	clusters := make([]Cluster, len(groups))
	errs := make([]error, len(groups))
	par.For(len(groups), func(i int) { clusters[i], errs[i] = clusterOf(c, groups[i]) })
	for i, err := range errs {
		if err != nil {
			return err
		}
		st.Duplicates += len(clusters[i].Members) - 1
	}
	slices.SortFunc(clusters, func(a, b Cluster) int { return strings.Compare(a.Keep, b.Keep) })
	st.Clusters = len(clusters)
	var err error
	if st.Articles, err = ix.st.Count(); err != nil {
		return err
	}
	for _, cl := range clusters {
		if err := emit(cl); err != nil {
			return err
		}
	}
	return nil
}

// clusterOf makes the cluster of a group of articles: the one to keep first, the others by decreasing similarity
// to it, then id.
func clusterOf(c *cache, g []uint64) (Cluster, error) {
	arts := make([]*store.Article, 0, len(g))
	for _, num := range g {
		a, err := c.get(num)
		if err != nil {
			return Cluster{}, err
		}
		arts = append(arts, a)
	}
	slices.SortFunc(arts, keepFirst)
	keep := arts[0]
	cl := Cluster{Keep: keep.ID, Members: []Member{member(keep, 1)}}
	for _, a := range arts[1:] {
		j, _ := store.Similarity(a.Set, keep.Set, a.Full, keep.Full)
		cl.Members = append(cl.Members, member(a, round4(j)))
	}
	slices.SortFunc(cl.Members[1:], func(a, b Member) int {
		if a.Jaccard != b.Jaccard {
			if a.Jaccard > b.Jaccard {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return cl, nil
}

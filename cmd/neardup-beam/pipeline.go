// Command neardup-beam runs the nightly dedupe as an Apache Beam pipeline, for corpora past one machine: the same
// shingles, signatures and band keys as neardup (it uses its packages), the same verified Jaccard, the same keep
// rule and the same output lines as `neardup dedupe`. It runs locally on Beam's in-process prism runner and, with
// --runner and --endpoint, on Flink, Spark or Dataflow.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/cluster"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
)

// Article is what the pipeline carries of one article: enough to verify a pair and to choose the kept article.
type Article struct {
	ID       string
	Title    string
	URL      string
	Date     string
	DateUnix int64
	TextLen  int
	Set      []uint32
	Full     bool
	// WARC and WARCOffset are the record an article of WARC input came from (WARCOffset -1: none).
	WARC       string
	WARCOffset int64
}

// Params are the index parameters the pipeline hashes with (neardup's defaults for the threshold).
type Params struct {
	Size, K   int
	Seed      uint64
	Bands     int
	Rows      int
	Threshold float64
	// Fields name the input's fields (input.Fields; the defaults: id, text, title, url, date).
	Fields input.Fields
	// MinShingles leaves out of clusters the articles with fewer distinct shingles (neardup dedupe
	// --min-shingles; NewParams sets neardup's default).
	MinShingles int
	// Window, in seconds, when positive, joins only articles dated at most this far apart, and no cluster
	// spans more (neardup dedupe --window).
	Window int64
}

// NewParams derives the banding for a threshold exactly as neardup does for a new index.
func NewParams(threshold float64) (Params, error) {
	lsh, err := minhash.Optimal(threshold, minhash.DefaultK, minhash.DefaultWeights)
	if err != nil {
		return Params{}, err
	}
	return Params{Size: shingle.DefaultSize, K: minhash.DefaultK, Seed: neardup.DefaultSeed, Bands: lsh.Bands, Rows: lsh.Rows, Threshold: threshold,
		MinShingles: neardup.DefaultMinShingles}, nil
}

// signer shingles and signs articles, emitting (band key, id) postings and (id, article).
type signer struct {
	sh *shingle.Shingler
	h  *minhash.Hasher
}

func (g *signer) sign(p Params, d *input.Doc, postings func(uint64, string), articles func(string, Article)) {
	if g.sh == nil {
		g.sh, _ = shingle.New(shingle.Options{Size: p.Size})
		g.h, _ = minhash.New(p.K, p.Seed)
	}
	hashes := g.sh.Hashes(nil, []byte(d.Text))
	set := store.MakeSet(nil, hashes)
	a := Article{ID: d.ID, Title: d.Title, URL: d.URL, Date: d.Date, DateUnix: neardup.ParseDate(d.Date), TextLen: len(d.Text), Set: set, Full: len(set) < store.MaxSetSize, WARCOffset: -1}
	if pv := d.Provenance; pv != nil && pv.Format == input.ProvenanceWARC {
		a.WARC, a.WARCOffset = pv.File, pv.Offset
	}
	articles(d.ID, a)
	if len(hashes) == 0 {
		return
	}
	sig := g.h.Sum(nil, hashes)
	for _, key := range (minhash.Params{Bands: p.Bands, Rows: p.Rows}).AppendBandKeys(nil, sig) {
		postings(key, d.ID)
	}
}

// parseFn parses JSON lines, rejects bad ones with a reason, and shingles and signs the good ones.
type parseFn struct {
	P Params
	signer
}

func (f *parseFn) ProcessElement(line string, postings func(uint64, string), articles func(string, Article), bad func(string)) {
	if strings.TrimSpace(line) == "" {
		return
	}
	d, err := input.ParseDocFields([]byte(line), f.P.Fields.WithDefaults())
	if err != nil {
		bad(err.Error() + ": " + truncate(line))
		return
	}
	f.sign(f.P, d, postings, articles)
}

// warcFn reads the HTML responses of one WARC file (neardup's WARC reader: the same ids, text and dates as
// neardup index --format warc, without the site furniture neardup learns across a run's pages), reporting
// unreadable records, and shingles and signs the articles.
type warcFn struct {
	P Params
	signer
}

func (f *warcFn) ProcessElement(ctx context.Context, file fileio.ReadableFile, postings func(uint64, string), articles func(string, Article), bad func(string)) error {
	r, err := file.Open(ctx)
	if err != nil {
		bad(fmt.Sprintf("%s: %v", file.Metadata.Path, err))
		return nil
	}
	defer r.Close()
	name := string(file.Metadata.Path)
	if !strings.Contains(name, "://") {
		name = input.AbsPath(name) // as neardup records a local file
	}
	return input.ReadWARC(r, name, &input.Options{}, func(d *input.Doc) error {
		f.sign(f.P, d, postings, articles)
		return nil
	}, func(err error) { bad(err.Error()) })
}

// keyLineFn keys each article's line by its id, for the kept corpus (lines that are no article are left out,
// as neardup dedupe --write-kept does).
type keyLineFn struct {
	Fields input.Fields
}

func (f *keyLineFn) ProcessElement(line string, emit func(string, string)) {
	if d, err := input.ParseDocFields([]byte(line), f.Fields.WithDefaults()); err == nil {
		emit(d.ID, line)
	}
}

// dropKeyFn keys an id to drop by itself.
func dropKeyFn(id string) (string, string) { return id, "" }

// keptFn writes the lines of an id that is not to be dropped.
func keptFn(_ string, lines func(*string) bool, drop func(*string) bool, emit func(string)) {
	var x string
	if drop(&x) {
		return
	}
	for lines(&x) {
		emit(x)
	}
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// MaxBucket caps the articles of one band bucket paired as candidates; a larger bucket (thousands of identical
// empty-ish pages, say) is reported and only its first MaxBucket articles are paired.
const MaxBucket = 2000

// pairsFn turns a band bucket into candidate pairs "a\x00b" with a < b.
func pairsFn(_ uint64, ids func(*string) bool, emit func(string, int), oversized func(string)) {
	var all []string
	var id string
	for ids(&id) {
		all = append(all, id)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	if len(all) > MaxBucket {
		oversized(fmt.Sprintf("bucket of %d articles, first %d paired", len(all), MaxBucket))
		all = all[:MaxBucket]
	}
	for i, a := range all {
		for _, b := range all[i+1:] {
			emit(a+"\x00"+b, 1)
		}
	}
}

// distinctPairFn keys each distinct pair by its first article.
func distinctPairFn(pair string, _ func(*int) bool, emit func(string, string)) {
	a, b, _ := strings.Cut(pair, "\x00")
	emit(a, b)
}

// Half is a pair waiting for its second article, with its first.
type Half struct {
	B string
	A Article
}

// joinFirstFn attaches article a to each of its pairs, re-keyed by the second article.
func joinFirstFn(_ string, arts func(*Article) bool, partners func(*string) bool, emit func(string, Half)) {
	var a Article
	if !arts(&a) {
		return
	}
	var b string
	for partners(&b) {
		emit(b, Half{B: b, A: a})
	}
}

// Edge is a verified pair, with its articles' dates (Unix seconds, 0: undated): the edge neardup's own windowed
// join takes.
type Edge = cluster.Edge[string]

// verifyFn completes each pair with its second article and keeps it when its exact Jaccard reaches the threshold
// (both articles of MinShingles or more, and within the window when there is one).
type verifyFn struct {
	P Params
}

func (f *verifyFn) ProcessElement(_ string, arts func(*Article) bool, halves func(*Half) bool, emit func(Edge)) {
	var b Article
	if !arts(&b) || len(b.Set) < f.P.MinShingles {
		return
	}
	var h Half
	for halves(&h) {
		e := Edge{A: h.A.ID, B: b.ID, DateA: h.A.DateUnix, DateB: b.DateUnix}
		if len(h.A.Set) < f.P.MinShingles {
			continue
		}
		if f.P.Window > 0 && e.Apart() > f.P.Window {
			continue
		}
		if j, _ := store.Similarity(h.A.Set, b.Set, h.A.Full, b.Full); j >= f.P.Threshold {
			e.Jaccard = j
			emit(e)
		}
	}
}

// byFirstFn keys an edge by its first node.
func byFirstFn(e Edge, emit func(string, Edge)) { emit(e.A, e) }

// labelEdgeFn keys the edges of a node by its component's label.
func labelEdgeFn(_ string, labels func(*string) bool, edges func(*Edge) bool, emit func(string, Edge)) {
	var label string
	if !labels(&label) {
		return
	}
	var e Edge
	for edges(&e) {
		emit(label, e)
	}
}

// windowFn joins one component's edges as neardup dedupe --window does (best first, each only if the cluster it
// makes stays within the window), labelling each node of a cluster of two or more with its least id.
type windowFn struct {
	Window int64
}

func (f *windowFn) ProcessElement(_ string, edges func(*Edge) bool, emit func(string, string)) {
	var es []Edge
	var e Edge
	for edges(&e) {
		es = append(es, e)
	}
	var u cluster.Sets[string]
	cluster.JoinWithin(&u, es, f.Window)
	for _, g := range u.Groups() {
		label := slices.Min(g)
		for _, node := range g {
			emit(node, label)
		}
	}
}

// bothWaysFn emits an edge in both directions, for neighbour lists.
func bothWaysFn(e Edge, emit func(string, string)) {
	emit(e.A, e.B)
	emit(e.B, e.A)
}

// selfLabelFn starts every node of an edge with its own id as label.
func selfLabelFn(node string, _ func(*string) bool, emit func(string, string)) { emit(node, node) }

// propagateFn sends a node's label to itself and its neighbours (one round of min-label propagation).
func propagateFn(node string, labels func(*string) bool, nbrs func(*string) bool, emit func(string, string)) {
	var label, l string
	for labels(&l) {
		if label == "" || l < label {
			label = l
		}
	}
	if label == "" {
		return
	}
	emit(node, label)
	var n string
	for nbrs(&n) {
		emit(n, label)
	}
}

func minString(a, b string) string { return min(a, b) }

// changedFn emits the edges whose ends still have different labels after the last round.
func changedFn(node string, labels func(*string) bool, nbrs func(*string) bool, emit func(string, string)) {
	var label string
	labels(&label)
	var n string
	for nbrs(&n) {
		emit(n, label)
	}
	emit(node, "="+label)
}

// unconvergedFn reports a node that got a label from a neighbour other than its own.
func unconvergedFn(node string, ls func(*string) bool, report func(string)) {
	own, other := "", ""
	var l string
	for ls(&l) {
		if strings.HasPrefix(l, "=") {
			own = l[1:]
		} else if other == "" || l < other {
			other = l
		}
	}
	if other != "" && other != own {
		report(node)
	}
}

// Member of a labelled component, with its article.
func labelArticleFn(_ string, labels func(*string) bool, arts func(*Article) bool, emit func(string, Article)) {
	var label string
	if !labels(&label) {
		return
	}
	var a Article
	if arts(&a) {
		emit(label, a)
	}
}

// member is the article as a cluster member at similarity j.
func (a *Article) member(j float64) neardup.Member {
	m := neardup.Member{ID: a.ID, Jaccard: j, Title: a.Title, URL: a.URL, Date: a.Date}
	if a.WARCOffset >= 0 {
		m.WARC, m.WARCOffset = a.WARC, &a.WARCOffset
	}
	return m
}

// clusterFn writes one component as neardup dedupe's JSON line, choosing the kept article by its rule: the
// earliest date (dated before undated), then the longest text, then the smallest id.
func clusterFn(_ string, arts func(*Article) bool, emit func(string), drop func(string)) {
	var all []Article
	var a Article
	for arts(&a) {
		all = append(all, a)
	}
	if len(all) < 2 {
		return
	}
	slices.SortFunc(all, func(x, y Article) int {
		switch {
		case x.DateUnix != 0 && y.DateUnix == 0:
			return -1
		case x.DateUnix == 0 && y.DateUnix != 0:
			return 1
		case x.DateUnix != y.DateUnix:
			return cmp.Compare(x.DateUnix, y.DateUnix)
		case x.TextLen != y.TextLen:
			return cmp.Compare(y.TextLen, x.TextLen)
		}
		return strings.Compare(x.ID, y.ID)
	})
	keep := all[0]
	cl := neardup.Cluster{Keep: keep.ID, Members: []neardup.Member{keep.member(1)}}
	for _, m := range all[1:] {
		j, _ := store.Similarity(m.Set, keep.Set, m.Full, keep.Full)
		cl.Members = append(cl.Members, m.member(float64(int64(j*10000+0.5))/10000))
		drop(m.ID)
	}
	slices.SortFunc(cl.Members[1:], func(x, y neardup.Member) int {
		if x.Jaccard != y.Jaccard {
			return cmp.Compare(y.Jaccard, x.Jaccard)
		}
		return strings.Compare(x.ID, y.ID)
	})
	// As neardup dedupe writes it: no HTML escaping of titles and urls.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(cl)
	emit(strings.TrimSuffix(b.String(), "\n"))
}

func init() {
	register.DoFn4x0[string, func(uint64, string), func(string, Article), func(string)](&parseFn{})
	register.DoFn5x1[context.Context, fileio.ReadableFile, func(uint64, string), func(string, Article), func(string), error](&warcFn{})
	register.DoFn2x0[string, func(string, string)](&keyLineFn{})
	register.Function4x0(keptFn)
	register.Function1x2(dropKeyFn)
	register.Function2x0(byFirstFn)
	register.Function4x0(labelEdgeFn)
	register.DoFn3x0[string, func(*Edge) bool, func(string, string)](&windowFn{})
	register.Function4x0(pairsFn)
	register.Function3x0(distinctPairFn)
	register.Function4x0(joinFirstFn)
	register.DoFn4x0[string, func(*Article) bool, func(*Half) bool, func(Edge)](&verifyFn{})
	register.Function2x0(bothWaysFn)
	register.Function3x0(selfLabelFn)
	register.Function4x0(propagateFn)
	register.Function2x1(minString)
	register.Function2x1(laterFn)
	register.Function4x0(changedFn)
	register.Function3x0(unconvergedFn)
	register.Function4x0(labelArticleFn)
	register.Function4x0(clusterFn)
	register.Function5x0(summaryFn)
	register.Emitter1[string]()
	register.Emitter1[Edge]()
	register.Emitter2[uint64, string]()
	register.Emitter2[string, Article]()
	register.Emitter2[string, int]()
	register.Emitter2[string, string]()
	register.Emitter2[string, Half]()
	register.Emitter2[string, Edge]()
	register.Iter1[Edge]()
	register.Iter1[string]()
	register.Iter1[int]()
	register.Iter1[Article]()
	register.Iter1[Half]()
}

// Outputs are the pipeline's result collections.
type Outputs struct {
	Clusters    beam.PCollection // JSON lines in `neardup dedupe` format
	Drop        beam.PCollection // ids to drop
	Rejected    beam.PCollection // "reason: line" for bad input lines
	Oversized   beam.PCollection // reports of capped buckets
	Unconverged beam.PCollection // nodes whose label still changes after the last round: raise --rounds
	Summary     beam.PCollection // one line: {"articles": N, "clusters": N, "duplicates": N}
}

// Components labels every node of the edges' graph with the least id of its connected component, by min-label
// propagation unrolled into rounds: each round every node takes the least label among its own and its
// neighbours'. Nothing is held in one worker but one node's neighbours. A component of diameter d settles in d
// rounds; nodes still changing after the last round are reported in unconverged (raise the rounds).
func Components(s beam.Scope, edges beam.PCollection, rounds int) (labels, unconverged beam.PCollection) {
	nbrs := beam.ParDo(s, bothWaysFn, edges)
	labels = beam.ParDo(s, selfLabelFn, beam.GroupByKey(s, nbrs))
	for range rounds {
		labels = beam.CombinePerKey(s, minString, beam.ParDo(s, propagateFn, beam.CoGroupByKey(s, labels, nbrs)))
	}
	unconverged = beam.ParDo(s, unconvergedFn, beam.GroupByKey(s, beam.ParDo(s, changedFn, beam.CoGroupByKey(s, labels, nbrs))))
	return labels, unconverged
}

// laterFn chooses, of two articles with one id, the one neardup index keeps: the one read later. Records of WARC
// input are read in file order (a glob matches in sorted order) and by offset; JSON lines of one id carry no order
// the runner keeps, so the larger record (by text length, then title, then date) stands in for the later one.
func laterFn(a, b Article) Article {
	switch {
	case a.WARC != b.WARC:
		if a.WARC > b.WARC {
			return a
		}
	case a.WARCOffset != b.WARCOffset:
		if a.WARCOffset > b.WARCOffset {
			return a
		}
	case a.TextLen != b.TextLen:
		if a.TextLen > b.TextLen {
			return a
		}
	case a.Title != b.Title:
		if a.Title > b.Title {
			return a
		}
	case a.Date > b.Date:
		return a
	}
	return b
}

// Inputs are the articles read: band postings (key, id), articles (id, Article) and rejection reasons.
type Inputs struct {
	Postings, Articles, Rejected beam.PCollection
}

// FromJSONL reads lines of JSON articles.
func FromJSONL(s beam.Scope, lines beam.PCollection, p Params) Inputs {
	postings, articles, rejected := beam.ParDo3(s, &parseFn{P: p}, lines)
	return Inputs{postings, articles, rejected}
}

// FromWARC reads the HTML responses of WARC files (a collection of fileio.ReadableFile, read as stored: the
// WARC reader takes gzipped and plain files itself).
func FromWARC(s beam.Scope, files beam.PCollection, p Params) Inputs {
	postings, articles, rejected := beam.ParDo3(s, &warcFn{P: p}, files)
	return Inputs{postings, articles, rejected}
}

// Kept is the corpus less its duplicates: the lines of JSON articles whose ids drop does not list, each as read.
func Kept(s beam.Scope, lines, drop beam.PCollection, p Params) beam.PCollection {
	keyed := beam.ParDo(s, &keyLineFn{Fields: p.Fields}, lines)
	dropped := beam.ParDo(s, dropKeyFn, drop)
	return beam.ParDo(s, keptFn, beam.CoGroupByKey(s, keyed, dropped))
}

// Build adds the dedupe of the articles read to a pipeline.
func Build(s beam.Scope, in Inputs, p Params, rounds int) Outputs {
	// One article per id, as in the index, where a later capture replaces an earlier one.
	in.Articles = beam.CombinePerKey(s, laterFn, in.Articles)
	buckets := beam.GroupByKey(s, in.Postings)
	pairs, oversized := beam.ParDo2(s, pairsFn, buckets)
	distinct := beam.ParDo(s, distinctPairFn, beam.GroupByKey(s, pairs))
	halves := beam.ParDo(s, joinFirstFn, beam.CoGroupByKey(s, in.Articles, distinct))
	edges := beam.ParDo(s, &verifyFn{P: p}, beam.CoGroupByKey(s, in.Articles, halves))

	labels, unconverged := Components(s, edges, rounds)
	if p.Window > 0 {
		// A component's clusters within the window depend on its own edges only: each is joined alone.
		byLabel := beam.ParDo(s, labelEdgeFn, beam.CoGroupByKey(s, labels, beam.ParDo(s, byFirstFn, edges)))
		labels = beam.ParDo(s, &windowFn{Window: p.Window}, beam.GroupByKey(s, byLabel))
	}
	members := beam.ParDo(s, labelArticleFn, beam.CoGroupByKey(s, labels, in.Articles))
	clusters, drop := beam.ParDo2(s, clusterFn, beam.GroupByKey(s, members))
	summary := beam.ParDo(s, summaryFn, beam.Impulse(s),
		beam.SideInput{Input: stats.CountElms(s, in.Articles)},
		beam.SideInput{Input: stats.CountElms(s, clusters)},
		beam.SideInput{Input: stats.CountElms(s, drop)})
	return Outputs{Clusters: clusters, Drop: drop, Rejected: in.Rejected, Oversized: oversized, Unconverged: unconverged, Summary: summary}
}

// summaryFn writes the counts of the run as one JSON line. The counts are iterable side inputs: a global count of
// an empty collection may be no element at all.
func summaryFn(_ []byte, articles, clusters, drop func(*int) bool, emit func(string)) {
	sum := func(it func(*int) bool) int {
		n, v := 0, 0
		for it(&v) {
			n += v
		}
		return n
	}
	emit(fmt.Sprintf(`{"articles":%d,"clusters":%d,"duplicates":%d}`, sum(articles), sum(clusters), sum(drop)))
}

package eval

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/internal/truth"
)

// ContainQueryRow is the evaluation of containment queries (neardup query --containment) against the exact
// overlap join: pairs whose smaller article (at least MinWords words) lies at least MinContainment inside the
// larger while their Jaccard is under MaxJaccard, out of reach of the band keys.
type ContainQueryRow struct {
	MinContainment float64 `json:"min_containment"`
	MaxJaccard     float64 `json:"max_jaccard"`
	MinWords       int     `json:"min_words"`
	TruthPairs     int     `json:"truth_pairs"`
	// Found are the truth pairs whose smaller article's containment query returns the larger.
	Found  int     `json:"found"`
	Recall float64 `json:"recall"`
	// Reported counts every match of every query; Inexact those whose containment or Jaccard differs from the
	// exact value by more than the rounding to 4 decimals, or whose exact containment is under the query's.
	Reported int     `json:"reported"`
	Inexact  int     `json:"inexact"`
	MaxError float64 `json:"max_error"`
	// Queries run, and their latency (warm index, one at a time).
	Queries int     `json:"queries"`
	P50ms   float64 `json:"p50_ms"`
	P99ms   float64 `json:"p99_ms"`
}

func (r ContainQueryRow) String() string {
	return fmt.Sprintf("%d truth pairs, %d found, recall %.4f; %d matches reported, %d inexact (largest error %.5f); %d queries, p50 %.2f ms, p99 %.2f ms",
		r.TruthPairs, r.Found, r.Recall, r.Reported, r.Inexact, r.MaxError, r.Queries, r.P50ms, r.P99ms)
}

// AnchorWindow, when set, replaces the default winnowing window of the anchors in ContainQueries.
var AnchorWindow int

// ContainQueries indexes docs with the default configuration (containment anchors on) and runs a containment
// query for the smaller article of every truth pair.
func ContainQueries(docs []*neardup.Doc, minC, maxJ float64, minWords int) (ContainQueryRow, error) {
	row := ContainQueryRow{MinContainment: minC, MaxJaccard: maxJ, MinWords: minWords}
	sets := Sets(docs)
	pos := make(map[string]int, len(docs))
	for i, d := range docs {
		pos[d.ID] = i
	}
	ix, done, err := TempIndex(docs, &neardup.Config{AnchorWindow: AnchorWindow})
	if err != nil {
		return row, err
	}
	defer done()
	// The truth: every pair contained at minC whose smaller side has minWords words, then the Jaccard cut.
	want := map[int][]int{}
	for _, p := range truth.Contained(sets, minC, 1) {
		small, large := p.A, p.B
		if len(sets[small]) > len(sets[large]) || len(sets[small]) == len(sets[large]) && small > large {
			small, large = large, small
		}
		if p.Jaccard >= maxJ || len(strings.Fields(docs[small].Text)) < minWords {
			continue
		}
		want[small] = append(want[small], large)
		row.TruthPairs++
	}
	var lat []float64
	queries := make([]int, 0, len(want))
	for s := range want {
		queries = append(queries, s)
	}
	slices.Sort(queries)
	for _, s := range queries {
		start := time.Now()
		ms, err := ix.QueryIDWith(context.Background(), docs[s].ID, neardup.QueryOptions{Containment: minC})
		if err != nil {
			return row, fmt.Errorf("query %s: %w", docs[s].ID, err)
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
		got := map[int]bool{}
		for _, m := range ms {
			j, ok := pos[m.ID]
			if !ok {
				return row, fmt.Errorf("query %s returned unknown %s", docs[s].ID, m.ID)
			}
			got[j] = true
			row.Reported++
			inter := truth.Intersect(sets[s], sets[j])
			c := float64(inter) / float64(len(sets[s]))
			jac := float64(inter) / float64(len(sets[s])+len(sets[j])-inter)
			e := max(math.Abs(c-m.Containment), math.Abs(jac-m.Jaccard))
			row.MaxError = max(row.MaxError, e)
			if e > 0.00005+1e-12 || c < minC {
				row.Inexact++
			}
		}
		for _, l := range want[s] {
			if got[l] {
				row.Found++
			}
		}
	}
	row.Queries = len(lat)
	row.Recall = ratio(row.Found, row.TruthPairs)
	row.P50ms, row.P99ms = quantile(lat, 0.5), quantile(lat, 0.99)
	return row, nil
}

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(math.Ceil(q*float64(len(s))))-1)]
}

// WindowRow is the evaluation of dedupe --window on a generated year of recurring stories (gen.Year).
type WindowRow struct {
	Series string        `json:"series"` // "" for all
	Window time.Duration `json:"window"`
	// Clusters of two or more articles; Spanning those holding articles of two editions or more; Largest the
	// most editions in one cluster.
	Clusters, Spanning, Largest int
	// Copies are the copies of an edition; CopiesFound those in one cluster with it.
	Copies, CopiesFound int
}

func (r WindowRow) String() string {
	w := "none"
	if r.Window > 0 {
		w = r.Window.String()
	}
	series := r.Series
	if series == "" {
		series = "all"
	}
	return fmt.Sprintf("| %s | %s | %d | %d | %d | %d of %d |", series, w, r.Clusters, r.Spanning, r.Largest, r.CopiesFound, r.Copies)
}

// Window indexes a generated year and dedupes it at the threshold with each window (0: none), scoring the
// clusters per series and overall.
func Window(docs []*neardup.Doc, eds []gen.Edition, threshold float64, windows []time.Duration) ([]WindowRow, error) {
	ix, done, err := TempIndex(docs, &neardup.Config{NoText: true, NoAnchors: true})
	if err != nil {
		return nil, err
	}
	defer done()
	ed := make(map[string]gen.Edition, len(docs))
	for i, d := range docs {
		ed[d.ID] = eds[i]
	}
	var series []string
	for _, e := range eds {
		if !slices.Contains(series, e.Series) {
			series = append(series, e.Series)
		}
	}
	var rows []WindowRow
	for _, w := range windows {
		var clusters [][]string
		_, err := ix.DedupeWith(context.Background(), neardup.DedupeOptions{Threshold: threshold, Window: w}, func(c neardup.Cluster) error {
			var ids []string
			for _, m := range c.Members {
				ids = append(ids, m.ID)
			}
			clusters = append(clusters, ids)
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, s := range append(series, "") {
			row := WindowRow{Series: s, Window: w}
			cluster := map[string]int{}
			for i, ids := range clusters {
				editions := map[gen.Edition]bool{}
				in := false
				for _, id := range ids {
					e := ed[id]
					cluster[id] = i
					if s == "" || e.Series == s {
						in = true
					}
					e.Copy = false
					editions[e] = true
				}
				if !in {
					continue
				}
				row.Clusters++
				if len(editions) > 1 {
					row.Spanning++
				}
				row.Largest = max(row.Largest, len(editions))
			}
			for i, d := range docs {
				e := eds[i]
				if !e.Copy || s != "" && e.Series != s {
					continue
				}
				row.Copies++
				orig := fmt.Sprintf("%s-%03d", e.Series, e.Day)
				if c, ok := cluster[d.ID]; ok {
					if o, ok := cluster[orig]; ok && o == c {
						row.CopiesFound++
					}
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// QuoteRow is the recall of containment queries for quotes of one length: passages of Words consecutive words
// from one article pasted, as a paragraph of their own, into another; the query is the quote's text.
type QuoteRow struct {
	Words, Quotes, Found int
	Recall               float64
}

// Quotes indexes n carriers per quote length (each a base article with a quote of that many words from
// another pasted in) and queries every quote at containment minC, counting the carriers found.
func Quotes(base []corpus.Doc, lengths []int, n int, minC float64, seed uint64) ([]QuoteRow, error) {
	rng := rand.New(rand.NewPCG(seed, 0x71756f74))
	var docs []*neardup.Doc
	type quote struct {
		words   int
		text    string
		carrier string
	}
	var quotes []quote
	for _, k := range lengths {
		for i := range n {
			src := base[rng.IntN(len(base))].Text
			words := strings.Fields(src)
			if len(words) < k {
				continue
			}
			at := rng.IntN(len(words) - k + 1)
			q := strings.Join(words[at:at+k], " ")
			paras := strings.Split(base[rng.IntN(len(base))].Text, "\n\n")
			cut := rng.IntN(len(paras) + 1)
			text := strings.Join(slices.Concat(paras[:cut], []string{q}, paras[cut:]), "\n\n")
			id := fmt.Sprintf("quote-%d-%d", k, i)
			docs = append(docs, &neardup.Doc{ID: id, Text: text})
			quotes = append(quotes, quote{k, q, id})
		}
	}
	ix, done, err := TempIndex(docs, &neardup.Config{AnchorWindow: AnchorWindow, NoText: true})
	if err != nil {
		return nil, err
	}
	defer done()
	rows := map[int]*QuoteRow{}
	for _, k := range lengths {
		rows[k] = &QuoteRow{Words: k}
	}
	for _, q := range quotes {
		ms, err := ix.QueryDocWith(context.Background(), &neardup.Doc{Text: q.text}, neardup.QueryOptions{Containment: minC})
		if err != nil {
			return nil, err
		}
		r := rows[q.words]
		r.Quotes++
		for _, m := range ms {
			if m.ID == q.carrier {
				r.Found++
				break
			}
		}
	}
	var out []QuoteRow
	for _, k := range lengths {
		r := rows[k]
		r.Recall = ratio(r.Found, r.Quotes)
		out = append(out, *r)
	}
	return out, nil
}

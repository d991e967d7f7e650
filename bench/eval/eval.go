// Package eval measures neardup's clusters against exact ground truth: every article pair's word-5-shingle
// Jaccard similarity computed exactly (prefix-filter join, no estimates).
package eval

import (
	"context"
	"math"
	"os"
	"slices"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/truth"
	"github.com/neardup/neardup/shingle"
)

// Row is the evaluation at one threshold.
type Row struct {
	Threshold float64 `json:"threshold"`
	// TruthPairs are the pairs with exact Jaccard >= Threshold; Found of them share a neardup cluster.
	TruthPairs int `json:"truth_pairs"`
	Found      int `json:"found"`
	// ClusterPairs are all pairs inside neardup's clusters; Correct of them lie in one connected component of the
	// truth graph (edges: exact Jaccard >= Threshold).
	ClusterPairs int `json:"cluster_pairs"`
	Correct      int `json:"correct"`
	// Recall = Found/TruthPairs; Precision = Correct/ClusterPairs; F1 their harmonic mean.
	Recall    float64 `json:"recall"`
	Precision float64 `json:"precision"`
	F1        float64 `json:"f1"`
	// ARI is the adjusted Rand index of neardup's clusters against the truth's connected components.
	ARI     float64 `json:"ari"`
	Seconds float64 `json:"seconds"` // neardup index + dedupe, wall
}

// Sets returns the exact shingle sets of docs: full 64-bit word 5-shingle hashes, sorted and distinct.
func Sets(docs []*neardup.Doc) [][]uint64 {
	s, _ := shingle.New(shingle.Options{})
	out := make([][]uint64, len(docs))
	for i, d := range docs {
		h := s.Hashes(nil, []byte(d.Text))
		slices.Sort(h)
		out[i] = slices.Compact(h)
	}
	return out
}

// Run evaluates neardup at each threshold: for each, a fresh index tuned for it (as `neardup dedupe --threshold
// t FILE` builds one), then dedupe, compared with the exact truth.
func Run(docs []*neardup.Doc, thresholds []float64) ([]Row, error) {
	sets := Sets(docs)
	floor := slices.Min(thresholds)
	all := truth.AllPairs(sets, floor)
	idx := map[string]int{}
	for i, d := range docs {
		idx[d.ID] = i
	}
	var rows []Row
	for _, t := range thresholds {
		dir, err := os.MkdirTemp("", "neardup-eval")
		if err != nil {
			return nil, err
		}
		start := time.Now()
		ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{Threshold: t}})
		if err != nil {
			return nil, err
		}
		if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
			return nil, err
		}
		row, err := ScoreIndex(ix, t, len(docs), idx, all, start)
		ix.Close()
		os.RemoveAll(dir)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// ScoreIndex clusters ix at t and scores the clusters against the truth pairs of all at or above t. idx gives each
// article id's index among the n scored; Seconds is the time since start.
func ScoreIndex(ix *neardup.Index, t float64, n int, idx map[string]int, all []truth.Pair, start time.Time) (Row, error) {
	var clusters [][]int
	_, err := ix.Dedupe(context.Background(), t, func(c neardup.Cluster) error {
		var m []int
		for _, x := range c.Members {
			m = append(m, idx[x.ID])
		}
		clusters = append(clusters, m)
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	var pairs []truth.Pair
	for _, p := range all {
		if p.Jaccard >= t {
			pairs = append(pairs, p)
		}
	}
	return Score(t, n, pairs, clusters, time.Since(start).Seconds()), nil
}

// Score compares clusters (lists of doc indexes) of n docs with the truth pairs at threshold t.
func Score(t float64, n int, pairs []truth.Pair, clusters [][]int, secs float64) Row {
	r := Row{Threshold: t, TruthPairs: len(pairs), Seconds: secs}
	ours := make([]int, n) // cluster number + 1, 0 for none
	for c, m := range clusters {
		for _, x := range m {
			ours[x] = c + 1
		}
		r.ClusterPairs += len(m) * (len(m) - 1) / 2
	}
	for _, p := range pairs {
		if ours[p.A] != 0 && ours[p.A] == ours[p.B] {
			r.Found++
		}
	}
	comps := truth.Components(n, pairs)
	theirs := make([]int, n)
	for c, m := range comps {
		for _, x := range m {
			theirs[x] = c + 1
		}
	}
	for _, m := range clusters {
		for i, a := range m {
			for _, b := range m[i+1:] {
				if theirs[a] != 0 && theirs[a] == theirs[b] {
					r.Correct++
				}
			}
		}
	}
	r.Recall = ratio(r.Found, r.TruthPairs)
	r.Precision = ratio(r.Correct, r.ClusterPairs)
	if r.Recall+r.Precision > 0 {
		r.F1 = 2 * r.Recall * r.Precision / (r.Recall + r.Precision)
	}
	r.ARI = ARI(n, ours, theirs)
	return r
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// ARI is the adjusted Rand index of two partitions of n items, given as labels (0 = a singleton of its own).
func ARI(n int, a, b []int) float64 {
	c2 := func(x int) float64 { return float64(x) * float64(x-1) / 2 }
	type cell struct{ i, j int }
	nij := map[cell]int{}
	ai, bj := map[int]int{}, map[int]int{}
	for x := range n {
		if a[x] != 0 {
			ai[a[x]]++
		}
		if b[x] != 0 {
			bj[b[x]]++
		}
		if a[x] != 0 && b[x] != 0 {
			nij[cell{a[x], b[x]}]++
		}
	}
	var index, sa, sb float64
	for _, v := range nij {
		index += c2(v)
	}
	for _, v := range ai {
		sa += c2(v)
	}
	for _, v := range bj {
		sb += c2(v)
	}
	expected := sa * sb / c2(n)
	maxIndex := (sa + sb) / 2
	if maxIndex == expected {
		return 1
	}
	return (index - expected) / (maxIndex - expected)
}

// ContainmentRow is the evaluation of containment: pairs where the smaller article's shingles lie at least
// MinContainment inside the larger's (a trimmed wire copy inside the full story).
type ContainmentRow struct {
	MinContainment float64 `json:"min_containment"`
	// JaccardFloor is the least Jaccard of the pairs considered: the truth join and the index's banding both
	// work from Jaccard, so pairs below it are out of reach.
	JaccardFloor float64 `json:"jaccard_floor"`
	TruthPairs   int     `json:"truth_pairs"`
	// Found are the truth pairs whose smaller article's query (at the floor) returns the larger with
	// containment >= MinContainment.
	Found  int     `json:"found"`
	Recall float64 `json:"recall"`
	// MaxError is the largest difference between the reported and the exact containment.
	MaxError float64 `json:"max_error"`
}

// Containment evaluates neardup's containment scores against the exact truth.
func Containment(docs []*neardup.Doc, floor, minC float64) (ContainmentRow, error) {
	row := ContainmentRow{MinContainment: minC, JaccardFloor: floor}
	sets := Sets(docs)
	ix, done, err := TempIndex(docs, &neardup.Config{Threshold: floor})
	if err != nil {
		return row, err
	}
	defer done()
	results := map[int][]neardup.Match{}
	for _, p := range truth.AllPairs(sets, floor) {
		if p.Containment < minC {
			continue
		}
		row.TruthPairs++
		small, large := p.A, p.B
		if len(sets[small]) > len(sets[large]) {
			small, large = large, small
		}
		ms, ok := results[small]
		if !ok {
			if ms, err = ix.QueryID(context.Background(), docs[small].ID, floor, 0); err != nil {
				return row, err
			}
			results[small] = ms
		}
		for _, m := range ms {
			if m.ID == docs[large].ID {
				if m.Containment >= minC {
					row.Found++
				}
				row.MaxError = max(row.MaxError, math.Abs(m.Containment-p.Containment))
			}
		}
	}
	row.Recall = ratio(row.Found, row.TruthPairs)
	return row, nil
}

// TempIndex indexes docs into a new index with cfg in a temporary folder; done closes and removes it.
func TempIndex(docs []*neardup.Doc, cfg *neardup.Config) (ix *neardup.Index, done func(), err error) {
	dir, err := os.MkdirTemp("", "neardup-eval")
	if err != nil {
		return nil, nil, err
	}
	ix, err = neardup.Open(dir, &neardup.Options{Config: cfg, Bulk: true})
	if err == nil {
		_, err = ix.AddDocs(context.Background(), docs, nil)
	}
	if err == nil {
		err = ix.Settle()
	}
	if err != nil {
		if ix != nil {
			ix.Close()
		}
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return ix, func() { ix.Close(); os.RemoveAll(dir) }, nil
}

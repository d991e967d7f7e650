package neardup

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/neardup/neardup/store"
)

// Match is one near-duplicate found by a query.
type Match struct {
	ID          string  `json:"id"`
	Jaccard     float64 `json:"jaccard"`
	Containment float64 `json:"containment"`
	Title       string  `json:"title,omitempty"`
	URL         string  `json:"url,omitempty"`
	Date        string  `json:"date,omitempty"`
	// Meta holds the article's other input fields (for WARC input: the file and record offset it came from).
	Meta json.RawMessage `json:"meta,omitempty"`
}

// QueryResult is the answer to a duplicate query: the queried article's id and its matches, best first.
type QueryResult struct {
	ID      string  `json:"id"`
	Matches []Match `json:"matches"`
}

func (ix *Index) checkThreshold(t float64) error {
	if !(t > 0 && t <= 1) {
		return fmt.Errorf("%w (got %v)", ErrThreshold, t)
	}
	return nil
}

func toMatches(ms []store.Match) []Match {
	out := make([]Match, len(ms))
	for i, m := range ms {
		out[i] = Match{ID: m.Article.ID, Jaccard: round4(m.Jaccard), Containment: round4(m.Containment), Title: m.Article.Title, URL: m.Article.URL, Date: m.Article.Date, Meta: m.Article.Extra}
	}
	return out
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

// QueryID returns the indexed near-duplicates of the indexed article id, best first, leaving the article out.
func (ix *Index) QueryID(ctx context.Context, id string, threshold float64, top int) ([]Match, error) {
	if err := ix.checkThreshold(threshold); err != nil {
		return nil, err
	}
	a, err := ix.st.Get(id)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ms, err := ix.st.Query(store.Query{Bands: a.Bands, Set: a.Set, Full: a.Full, Exclude: id, Threshold: threshold, Top: top})
	if err != nil {
		return nil, err
	}
	return toMatches(ms), nil
}

// QueryDoc returns the indexed near-duplicates of d, which need not be indexed; if an article with d's id is
// indexed it is left out.
func (ix *Index) QueryDoc(ctx context.Context, d *Doc, threshold float64, top int) ([]Match, error) {
	if err := ix.checkThreshold(threshold); err != nil {
		return nil, err
	}
	if len(d.Text) > MaxArticleBytes {
		return nil, reject("text of %d bytes (the largest article is %d)", len(d.Text), MaxArticleBytes)
	}
	w, err := ix.getWorker()
	if err != nil {
		return nil, err
	}
	a, err := ix.prepare(w, d)
	ix.putWorker(w)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ms, err := ix.st.Query(store.Query{Bands: a.Bands, Set: a.Set, Full: a.Full, Exclude: d.ID, Threshold: threshold, Top: top})
	if err != nil {
		return nil, err
	}
	return toMatches(ms), nil
}

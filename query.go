package neardup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/neardup/neardup/internal/cluster"
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
	// Provenance is where a crawled article was read from (omitted for others).
	Provenance *Provenance `json:"provenance,omitempty"`
	// Reuse, for a reuse query (QueryOptions.Reuse), is the match's reuse score (reuse.go), and Passages the
	// passages the two texts share.
	Reuse    float64       `json:"reuse,omitempty"`
	Passages []PassagePair `json:"passages,omitempty"`
}

// QueryResult is the answer to a duplicate query: the queried article's id and its matches, best first.
type QueryResult struct {
	ID      string  `json:"id"`
	Matches []Match `json:"matches"`
	// Warning, over HTTP, says what the CLI says on stderr of a query's options (a threshold below the
	// index's).
	Warning string `json:"warning,omitempty"`
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
		out[i] = Match{ID: m.Article.ID, Jaccard: round4(m.Jaccard), Containment: round4(m.Containment), Title: m.Article.Title, URL: m.Article.URL, Date: m.Article.Date, Meta: m.Article.Extra, Provenance: m.Article.Provenance}
	}
	return out
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

// QueryOptions say what a query asks for.
type QueryOptions struct {
	// Threshold is the least Jaccard similarity of a match (a Jaccard query, Containment 0).
	Threshold float64
	// Containment, when positive, asks instead for every indexed article holding at least this share of the
	// query's shingles, whatever its Jaccard similarity (a press release inside a longer story): matches come
	// best containment first. It needs an index with containment anchors (format 3; anchors.go).
	Containment float64
	// Top limits the number of matches (0: all).
	Top int
	// Window, when positive, keeps only matches whose date is at most Window from the query's (an indexed
	// article's, or Doc.Date). An article without a date (or a query without one) is not placed in time, so the
	// window does not exclude it.
	Window time.Duration
	// MinShingles, when positive, answers nothing for a query with fewer distinct shingles and leaves out the
	// matches with fewer (DedupeOptions.MinShingles; 0: every match).
	MinShingles int
	// Reuse, when positive, asks instead for every indexed article with a reuse score of at least Reuse against
	// the query (reuse.go: the share of one text found in passages aligned with the other, whatever the
	// rewriting), best first, each with its shared passages. It needs containment anchors and stored texts.
	Reuse float64
}

// inWindow returns the filter of a date window around ref (nil: no filter).
func inWindow(ref int64, w time.Duration) func(*store.Article) bool {
	if w <= 0 || ref == 0 {
		return nil
	}
	sec := int64(w / time.Second)
	return func(a *store.Article) bool {
		return a.DateUnix == 0 || cluster.Apart(a.DateUnix, ref) <= sec
	}
}

// query runs a query for a prepared article.
func (ix *Index) query(ctx context.Context, a *store.Article, exclude string, o QueryOptions) ([]Match, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if a.Size < o.MinShingles {
		return []Match{}, nil // too short to have copies reported
	}
	keep := inWindow(a.DateUnix, o.Window)
	if m := o.MinShingles; m > 0 {
		inTime := keep
		keep = func(c *store.Article) bool { return c.Size >= m && (inTime == nil || inTime(c)) }
	}
	if o.Containment > 0 {
		probe, need := probe(a.Set, a.Anchors, ix.p.Anchors, o.Containment)
		ms, _, err := ix.st.Contained(store.ContainQuery{Set: a.Set, Full: a.Full, Probe: probe, MinShared: need,
			Exclude: exclude, Containment: o.Containment, Top: o.Top, Keep: keep})
		if errors.Is(err, store.ErrNoAnchors) {
			return nil, fmt.Errorf("%w (built before format 3, or without them)", err)
		}
		if err != nil {
			return nil, err
		}
		return toMatches(ms), nil
	}
	ms, err := ix.st.Query(store.Query{Bands: a.Bands, Set: a.Set, Full: a.Full, Exclude: exclude, Threshold: o.Threshold, Top: o.Top, Keep: keep})
	if err != nil {
		return nil, err
	}
	return toMatches(ms), nil
}

func (ix *Index) checkQuery(o QueryOptions) error {
	if o.Reuse != 0 {
		if !(o.Reuse > 0 && o.Reuse <= 1) || o.Containment != 0 {
			return fmt.Errorf("%w (got reuse %v; reuse asks alone)", ErrThreshold, o.Reuse)
		}
		return nil
	}
	if o.Containment != 0 {
		if !(o.Containment > 0 && o.Containment <= 1) {
			return fmt.Errorf("%w (got containment %v)", ErrThreshold, o.Containment)
		}
		return nil
	}
	return ix.checkThreshold(o.Threshold)
}

// QueryID returns the indexed near-duplicates of the indexed article id, best first, leaving the article out.
func (ix *Index) QueryID(ctx context.Context, id string, threshold float64, top int) ([]Match, error) {
	return ix.QueryIDWith(ctx, id, QueryOptions{Threshold: threshold, Top: top})
}

// QueryIDWith answers the query o for the indexed article id, leaving the article out.
func (ix *Index) QueryIDWith(ctx context.Context, id string, o QueryOptions) ([]Match, error) {
	if err := ix.checkQuery(o); err != nil {
		return nil, err
	}
	if o.Reuse > 0 {
		a, err := ix.Get(id)
		if err != nil {
			return nil, err
		}
		return ix.reuse(ctx, &Doc{ID: a.ID, Date: a.Date, Text: a.Text}, id, o)
	}
	a, err := ix.st.Get(id)
	if err != nil {
		return nil, err
	}
	return ix.query(ctx, a, id, o)
}

// QueryDoc returns the indexed near-duplicates of d, which need not be indexed; if an article with d's id is
// indexed it is left out.
func (ix *Index) QueryDoc(ctx context.Context, d *Doc, threshold float64, top int) ([]Match, error) {
	return ix.QueryDocWith(ctx, d, QueryOptions{Threshold: threshold, Top: top})
}

// QueryDocWith answers the query o for d, which need not be indexed; if an article with d's id is indexed it is
// left out.
func (ix *Index) QueryDocWith(ctx context.Context, d *Doc, o QueryOptions) ([]Match, error) {
	if err := ix.checkQuery(o); err != nil {
		return nil, err
	}
	if len(d.Text) > MaxArticleBytes {
		return nil, reject("text of %d bytes (the largest article is %d)", len(d.Text), MaxArticleBytes)
	}
	if o.Reuse > 0 {
		return ix.reuse(ctx, d, d.ID, o)
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
	return ix.query(ctx, a, d.ID, o)
}

// ParseWindow parses a window or age as Go's time.ParseDuration does ("36h", "90m"), and also in days ("7d",
// "1.5d"). It refuses a negative one.
func ParseWindow(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(s, "d"); ok && n != "" {
		var days float64
		days, err = strconv.ParseFloat(n, 64)
		if err == nil && (days > 1e6 || days != days) {
			err = errors.New("out of range")
		}
		d = time.Duration(days * float64(24*time.Hour))
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil {
		return 0, fmt.Errorf("neardup: %q is not a duration (e.g. 36h, 90m, 7d)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("neardup: duration %q is negative", s)
	}
	return d, nil
}

package neardup

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/neardup/neardup/store"
)

// AddStats count what indexing did.
type AddStats struct {
	Added     int   `json:"added"`
	Replaced  int   `json:"replaced"`
	Unchanged int   `json:"unchanged"`
	Rejected  int   `json:"rejected"`
	Bytes     int64 `json:"bytes"`
	// Undated counts the articles indexed with a date that could not be understood (ParseDate): they are not
	// placed in time. UndatedFirst holds the first few, as "id: date".
	Undated      int      `json:"undated"`
	UndatedFirst []string `json:"undated_first,omitempty"`
}

// undatedShown is how many undated articles AddStats names.
const undatedShown = 5

// Rejection is an article the index refused, with the reason (an error matching ErrRejected).
type Rejection struct {
	ID  string
	Err error
}

// AddOptions configure Add. The zero value is ready: hashing on every core, no callbacks.
type AddOptions struct {
	// Workers is the number of hashing goroutines (0: one per core).
	Workers int
	// Progress, if set, is called every few hundred articles with the running totals.
	Progress func(AddStats)
	// Reject, if set, is called for each article refused (its id, and a *RejectError).
	Reject func(Rejection)
}

// chunk is the number of articles written between two flushes (and progress reports).
const chunk = 512

// Add indexes docs as they arrive on the channel until it closes or ctx is cancelled. Articles are hashed on
// o.Workers goroutines while a single writer stores them in arrival order, so that of two articles with one id
// the later wins. On cancellation no new article is taken, every article already taken is written and
// committed, and Add returns ctx.Err(): it stops at an article boundary and a rerun resumes. An article refused
// on its own (ErrRejected: an empty, overlong or invalid id, a text over MaxArticleBytes, an article older than
// the retention period...) is counted in AddStats.Rejected and reported to o.Reject; it never fails the call.
// When Add returns an error, it has stopped reading docs: the caller's sender must not block on the channel.
func (ix *Index) Add(ctx context.Context, docs <-chan *Doc, o *AddOptions) (AddStats, error) {
	if o == nil {
		o = &AddOptions{}
	}
	workers, progress, reject := o.Workers, o.Progress, o.Reject
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ws := make([]*worker, workers)
	for i := range ws {
		w, err := ix.newWorker()
		if err != nil {
			return AddStats{}, err
		}
		ws[i] = w
	}
	var batch sink
	if ix.bulk != nil {
		batch = bulkSink{ix.bulk}
	} else {
		b, err := ix.st.NewBatch()
		if err != nil {
			return AddStats{}, err
		}
		defer b.Discard()
		batch = b
	}

	type job struct {
		seq int
		d   *Doc
	}
	type result struct {
		seq int
		a   *store.Article
		id  string
		err error // the document cannot be indexed: a rejection
	}
	jobs := make(chan job, 2*chunk)
	results := make(chan result, 2*chunk)
	stop := make(chan struct{}) // closed when the writer fails: stop feeding
	var cancelled error
	go func() {
		defer close(jobs)
		for seq := 0; ; seq++ {
			select {
			case d, ok := <-docs:
				if !ok {
					return
				}
				select {
				case jobs <- job{seq, d}:
				case <-stop:
					return
				}
			case <-ctx.Done():
				cancelled = ctx.Err()
				return
			case <-stop:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var a *store.Article
				err := checkDoc(j.d)
				if err == nil {
					a, err = ix.prepare(w, j.d)
				}
				if err == nil && ix.p.Text && a.Text == nil {
					a.Text = []byte(j.d.Text)
				}
				results <- result{j.seq, a, j.d.ID, err}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	var st AddStats
	var failed error
	pending := map[int]result{}
	next, sinceFlush := 0, 0
	rejected := func(id string, err error) {
		st.Rejected++
		if reject != nil {
			reject(Rejection{ID: id, Err: err})
		}
	}
	write := func(a *store.Article) error {
		r, err := batch.Put(a)
		if err != nil {
			if err = storeRejection(err); errors.Is(err, ErrRejected) {
				rejected(a.ID, err)
				return nil
			}
			return err
		}
		st.Bytes += int64(a.TextLen)
		if a.Date != "" && a.DateUnix == 0 {
			st.Undated++
			if len(st.UndatedFirst) < undatedShown {
				st.UndatedFirst = append(st.UndatedFirst, ShortID(a.ID)+": "+a.Date)
			}
		}
		switch r {
		case store.Added:
			st.Added++
		case store.Replaced:
			st.Replaced++
		case store.Unchanged:
			st.Unchanged++
		}
		if sinceFlush++; sinceFlush == chunk {
			sinceFlush = 0
			if err := batch.Flush(); err != nil {
				return err
			}
			if progress != nil {
				progress(st)
			}
		}
		return nil
	}
	for r := range results {
		if failed != nil {
			continue // drain, so the workers finish
		}
		pending[r.seq] = r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if r.err != nil {
				rejected(r.id, r.err)
				continue
			}
			if err := write(r.a); err != nil {
				failed = err
				close(stop)
				break
			}
		}
	}
	if failed != nil {
		ix.discard = ix.bulk != nil
		return st, failed
	}
	if cancelled != nil && ix.bulk != nil {
		ix.discard = true // a bulk build is all or nothing
	}
	if err := batch.Commit(); err != nil {
		return st, err
	}
	if progress != nil {
		progress(st)
	}
	return st, cancelled
}

// sink is where Add writes: a store batch, or a bulk build.
type sink interface {
	Put(a *store.Article) (store.Result, error)
	Flush() error
	Commit() error
}

// bulkSink writes into a bulk build; its articles count as added (an id given twice keeps its last version,
// as a batch would), and Commit leaves the build to Settle.
type bulkSink struct{ b *store.Bulk }

func (s bulkSink) Put(a *store.Article) (store.Result, error) { return store.Added, s.b.Put(a) }
func (s bulkSink) Flush() error                               { return nil }
func (s bulkSink) Commit() error                              { return nil }

// AddDocs indexes a slice of documents; see Add. Rejected articles are counted in AddStats.Rejected and reported
// to o.Reject (o may be nil).
func (ix *Index) AddDocs(ctx context.Context, docs []*Doc, o *AddOptions) (AddStats, error) {
	ch := make(chan *Doc)
	// The feeder stops when Add returns, whether or not it read every document.
	feed, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		defer close(ch)
		for _, d := range docs {
			select {
			case ch <- d:
			case <-feed.Done():
				return
			}
		}
	}()
	return ix.Add(ctx, ch, o)
}

// Delete removes the article with the id and reports whether it was there.
func (ix *Index) Delete(id string) (bool, error) { return ix.st.Delete(id) }

// DeleteStats count what DeleteIDs did.
type DeleteStats struct {
	Deleted  int `json:"deleted"`
	NotFound int `json:"not_found"`
}

// DeleteIDs deletes the articles whose ids arrive on the channel until it closes or ctx is cancelled, in
// transactions of a few hundred; notFound, if set, is called for each id not in the index. On cancellation it
// commits what it deleted and returns ctx.Err(); a rerun resumes. Like Add, it stops reading ids when it
// returns an error.
func (ix *Index) DeleteIDs(ctx context.Context, ids <-chan string, notFound func(id string)) (DeleteStats, error) {
	var st DeleteStats
	batch, err := ix.st.NewBatch()
	if err != nil {
		return st, err
	}
	defer batch.Discard()
	n := 0
	for {
		var id string
		var ok bool
		select {
		case id, ok = <-ids:
		case <-ctx.Done():
			if err := batch.Commit(); err != nil {
				return st, err
			}
			return st, ctx.Err()
		}
		if !ok {
			break
		}
		found, err := batch.Delete(id)
		if err != nil {
			return st, err
		}
		if found {
			st.Deleted++
		} else {
			st.NotFound++
			if notFound != nil {
				notFound(id)
			}
		}
		if n++; n%chunk == 0 {
			if err := batch.Flush(); err != nil {
				return st, err
			}
		}
	}
	return st, batch.Commit()
}

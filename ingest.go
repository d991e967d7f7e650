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
}

// Rejection is an article the index refused, with the reason.
type Rejection struct {
	ID  string
	Err error
}

// chunk is the number of articles written between two flushes (and progress reports).
const chunk = 512

// Add indexes docs as they arrive on the channel until it closes or ctx is cancelled. Articles are hashed on
// workers goroutines (0: one per core) while a single writer stores them in arrival order, so that of two
// articles with one id the later wins. On cancellation no new article is taken, every article already taken is
// written and committed, and Add returns ctx.Err(): it stops at an article boundary and a rerun resumes.
// progress, if not nil, is called every few hundred articles with the running totals; reject, if not nil, is
// called for each article the store refused.
func (ix *Index) Add(ctx context.Context, docs <-chan *Doc, workers int, progress func(AddStats), reject func(Rejection)) (AddStats, error) {
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
	batch, err := ix.st.NewBatch()
	if err != nil {
		return AddStats{}, err
	}
	defer batch.Discard()

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
				a, err := ix.prepare(w, j.d)
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
			if errors.Is(err, store.ErrExpired) || errors.Is(err, store.ErrTooLarge) || errors.Is(err, store.ErrCollision) || errors.Is(err, store.ErrInvalid) {
				rejected(a.ID, err)
				return nil
			}
			return err
		}
		st.Bytes += int64(a.TextLen)
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
		return st, failed
	}
	if err := batch.Commit(); err != nil {
		return st, err
	}
	if progress != nil {
		progress(st)
	}
	return st, cancelled
}

// AddDocs indexes a slice of documents; see Add.
func (ix *Index) AddDocs(ctx context.Context, docs []*Doc) (AddStats, error) {
	ch := make(chan *Doc)
	go func() {
		defer close(ch)
		for _, d := range docs {
			select {
			case ch <- d:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ix.Add(ctx, ch, 0, nil, nil)
}

// Delete removes the article with the id and reports whether it was there.
func (ix *Index) Delete(id string) (bool, error) { return ix.st.Delete(id) }

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

// chunk is the number of articles hashed in parallel before they are written in order.
const chunk = 512

// Add indexes docs as they arrive on the channel until it closes or ctx is cancelled, hashing on workers
// goroutines (0: one per core) and writing in arrival order, so that of two articles with one id the later wins.
// Articles are committed in groups; on cancellation every article handed back as done (via progress) is
// committed, and Add returns ctx.Err(). progress, if not nil, is called after each group with the running totals;
// reject, if not nil, is called for each article the store refused.
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
	var st AddStats
	batch, err := ix.st.NewBatch()
	if err != nil {
		return st, err
	}
	defer batch.Discard()
	in := make([]*Doc, 0, chunk)
	out := make([]*store.Article, chunk)
	var cancelled error
	for {
		in = in[:0]
	fill:
		for len(in) < chunk {
			select {
			case d, ok := <-docs:
				if !ok {
					break fill
				}
				in = append(in, d)
			case <-ctx.Done():
				cancelled = ctx.Err()
				break fill
			}
		}
		if len(in) == 0 {
			break
		}
		var wg sync.WaitGroup
		for wi, w := range ws {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := wi; i < len(in); i += len(ws) {
					out[i] = ix.prepare(w, in[i])
				}
			}()
		}
		wg.Wait()
		for i, a := range out[:len(in)] {
			r, err := batch.Put(a)
			out[i] = nil
			if err != nil {
				if errors.Is(err, store.ErrExpired) || errors.Is(err, store.ErrTooLarge) || errors.Is(err, store.ErrCollision) {
					st.Rejected++
					if reject != nil {
						reject(Rejection{ID: a.ID, Err: err})
					}
					continue
				}
				return st, err
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
		}
		if err := batch.Flush(); err != nil {
			return st, err
		}
		if progress != nil {
			progress(st)
		}
		if cancelled != nil {
			break
		}
	}
	if err := batch.Commit(); err != nil {
		return st, err
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

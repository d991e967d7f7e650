package store

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
)

// The floors: what Badger alone costs for the entries an article writes, with no hashing, no parsing and none of
// the store's own bookkeeping. They bound the indexing speed any change outside Badger can reach with this key
// layout: BenchmarkFloor/transactions the incremental path (article by article, Batch), BenchmarkFloor/stream
// the write phase of a bulk build (Bulk). bench/README.md ("What Badger leaves") compares them with the paths.

// Per article, as a generated news article writes them at the default parameters (bench/cmd/scale at 1M: 17
// bands, 5.75 containment anchors; the value log of a 1M index without texts holds 661 bytes an article, its
// records with their entry headers).
const (
	floorBands      = 17
	floorAnchors    = 6
	floorRecord     = 620
	floorArticles   = 100_000
	floorStreamKeys = 1 << 20
)

// floorEntries holds entries back to back in one slab, without pointers (as the store's own buffers do), so
// that the garbage collector does not scan millions of them in the middle of a measurement.
type floorEntries struct {
	slab []byte
	ents []floorEntry
}

type floorEntry struct{ k0, k1, v1 uint32 }

func (f *floorEntries) add(key, val []byte) {
	k0 := uint32(len(f.slab))
	f.slab = append(f.slab, key...)
	k1 := uint32(len(f.slab))
	f.slab = append(f.slab, val...)
	f.ents = append(f.ents, floorEntry{k0, k1, uint32(len(f.slab))})
}

func (f *floorEntries) kv(i int) (key, val []byte) {
	e := f.ents[i]
	return f.slab[e.k0:e.k1:e.k1], f.slab[e.k1:e.v1:e.v1]
}

// makeFloorEntries returns n articles' entries in the order the store writes them (article by article), with
// random docnums, band keys and anchors.
func makeFloorEntries(n int) *floorEntries {
	rng := rand.New(rand.NewPCG(21, 22))
	rec := make([]byte, floorRecord)
	for i := range rec {
		rec[i] = byte(rng.Uint32())
	}
	f := &floorEntries{}
	var kb [32]byte
	for range n {
		num := rng.Uint64()
		for range floorBands {
			f.add(bandKey(kb[:0], keptBandBytes, rng.Uint64(), num), nil)
		}
		for range floorAnchors {
			f.add(anchorKey(kb[:0], rng.Uint32(), num), nil)
		}
		f.add(contentKey(kb[:0], rng.Uint64()), kb[24:32])
		f.add(docKey(kb[:0], num), rec)
	}
	return f
}

// sorted returns the entries sorted by key.
func (f *floorEntries) sorted() *floorEntries {
	idx := make([]int32, len(f.ents))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int {
		kx, _ := f.kv(int(x))
		ky, _ := f.kv(int(y))
		return bytes.Compare(kx, ky)
	})
	out := &floorEntries{slab: make([]byte, 0, len(f.slab)), ents: make([]floorEntry, 0, len(f.ents))}
	for _, i := range idx {
		out.add(f.kv(int(i)))
	}
	return out
}

func openFloor(b *testing.B) *badger.DB {
	o := Options{}
	db, err := badger.Open(o.badgerOptions(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// closeFloor closes db, untimed.
func closeFloor(b *testing.B, db *badger.DB) {
	b.StopTimer()
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
}

func reportFloor(b *testing.B) {
	b.ReportMetric(float64(floorArticles)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

func BenchmarkFloor(b *testing.B) {
	es := makeFloorEntries(floorArticles)
	perArticle := len(es.ents) / floorArticles

	// transactions: the entries committed in groups as Batch commits them (half Badger's batch limits, the next
	// transaction filled while Badger applies the previous one), into an empty index; timed to the last commit.
	b.Run("transactions", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			db := openFloor(b)
			maxN, maxB := db.MaxBatchCount()/2, db.MaxBatchSize()/2
			b.StartTimer()
			var wg sync.WaitGroup
			var commitErr error
			var mu sync.Mutex
			txn := db.NewTransaction(true)
			n, size := int64(0), int64(0)
			commit := func() {
				next := db.NewTransaction(true)
				wg.Add(1)
				txn.CommitWith(func(err error) {
					if err != nil {
						mu.Lock()
						commitErr = err
						mu.Unlock()
					}
					wg.Done()
				})
				txn, n, size = next, 0, 0
			}
			for a := 0; a < len(es.ents); a += perArticle {
				var s int64
				for i := a; i < a+perArticle; i++ {
					e := es.ents[i]
					s += int64(e.v1-e.k0) + entryCost + 30
				}
				if n+int64(perArticle) > maxN || size+s > maxB {
					commit()
				}
				for i := a; i < a+perArticle; i++ {
					if err := txn.Set(es.kv(i)); err != nil {
						b.Fatal(err)
					}
				}
				n, size = n+int64(perArticle), size+s
			}
			commit()
			wg.Wait()
			txn.Discard()
			if commitErr != nil {
				b.Fatal(commitErr)
			}
			closeFloor(b, db)
		}
		reportFloor(b)
	})

	// loader, loader-sorted: the same groups written without transactions, through Badger's KVLoader (its
	// restore path, which hands entries to the memtable in the order given), a group at a time as Batch writes
	// them (ordered.go), each group as it comes or sorted by key.
	for _, sortGroups := range []bool{false, true} {
		name := "loader"
		if sortGroups {
			name = "loader-sorted"
		}
		b.Run(name, func(b *testing.B) {
			groupSize := 0
			for b.Loop() {
				b.StopTimer()
				db := openFloor(b)
				if groupSize == 0 {
					groupSize = int(db.MaxBatchCount()/2) / perArticle * perArticle
				}
				var groups []*floorEntries
				for lo := 0; lo < len(es.ents); lo += groupSize {
					g := &floorEntries{slab: es.slab, ents: es.ents[lo:min(lo+groupSize, len(es.ents))]}
					if sortGroups {
						g = g.sorted()
					}
					groups = append(groups, g)
				}
				b.StartTimer()
				for _, g := range groups {
					l := db.NewKVLoader(1)
					for i := range g.ents {
						key, val := g.kv(i)
						if err := l.Set(&pb.KV{Key: key, Value: val, Version: 1}); err != nil {
							b.Fatal(err)
						}
					}
					if err := l.Finish(); err != nil {
						b.Fatal(err)
					}
				}
				closeFloor(b, db)
			}
			reportFloor(b)
		})
	}

	// stream: the same entries, sorted beforehand, written by Badger's StreamWriter into an empty index in streams
	// of consecutive key ranges on every core (as Bulk's merge does), encoded with kvToBuffer; timed to Flush.
	sorted := es.sorted()
	b.Run("stream", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			db := openFloor(b)
			b.StartTimer()
			sw := db.NewStreamWriter()
			if err := sw.Prepare(); err != nil {
				b.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, len(sorted.ents)/floorStreamKeys+1)
			sem := make(chan struct{}, runtime.GOMAXPROCS(0))
			for s := 0; s*floorStreamKeys < len(sorted.ents); s++ {
				lo, hi := s*floorStreamKeys, min((s+1)*floorStreamKeys, len(sorted.ents))
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					buf := z.NewBuffer(32<<20, "floor")
					defer buf.Release()
					for i := lo; i < hi; i++ {
						key, val := sorted.kv(i)
						kvToBuffer(buf, key, val, 1, 0, uint32(s+1), false)
						if i == hi-1 {
							kvToBuffer(buf, nil, nil, 0, 0, uint32(s+1), true) // the stream's end
						}
						if buf.LenNoPadding() > 16<<20 || i == hi-1 {
							if err := sw.Write(buf); err != nil {
								errs <- err
								return
							}
							buf.Reset()
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			if err := sw.Flush(); err != nil {
				b.Fatal(err)
			}
			closeFloor(b, db)
		}
		reportFloor(b)
	})
}

package store

import (
	"fmt"
	"strconv"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
)

// Ordered group writes.
//
// A Badger transaction hands its entries to the memtable in the order of a Go map, a random one: each of an
// article's two dozen keys then costs a skiplist search that misses the cache at nearly every level, on Badger's
// single write goroutine, and that bounded the incremental path (BenchmarkFloor/transactions: Badger alone, with
// nothing else running, wrote about as many articles a second as a Batch did through transactions). Inserted in
// key order, successive searches share most of their path: the same groups sorted and written through Badger's
// KVLoader, which keeps the order given, run at about twice the rate (BenchmarkFloor/loader-sorted).
//
// So a group is written the way Badger writes a transaction, in key order: every entry at the version its
// transaction will commit at and marked as part of a transaction, then the end-of-transaction marker, in one
// write request (Badger's write-ahead log replays a transaction only when its marker follows it, so a killed
// write leaves the whole group or none of it). A transaction of its own, opened before and committed after, takes
// that version as its commit timestamp: until it commits no read sees the group, and then every read sees all
// of it. The store's writer lock keeps every other writer out, so no commit comes between the two.
//
// The markers (badgerTxn, badgerFinTxn, badgerTxnKey) and the commit version (commitVersion) are Badger's
// own: badger.go keeps them with the other Badger-private assumptions.

// sort orders the group's entries by key, keeping the order of writes to the same key (the last one wins), into
// g.order.
func (g *group) sort() {
	g.order = g.order[:0]
	for i, p := range g.ents {
		v1 := p.v1
		if p.del {
			v1 = p.k1
		}
		key := g.slab[p.k0:p.k1]
		g.order = append(g.order, bulkEnt{
			prefix: keyPrefix(key), k0: uint32(p.k0), k1: uint32(p.k1), v1: uint32(v1), seq: uint32(i), exp: p.exp,
		})
	}
	g.scratch = sortEnts(g.order, g.scratch, g.slab)
}

// load writes the group, sorted, at version ts with counts as the index's counts, and the end-of-transaction
// marker, as one write request, and waits until Badger has applied it. The group's slab must stay unchanged
// until then.
func (g *group) load(db *badger.DB, ts uint64, counts []byte) error {
	if err := g.check(db.Opts().ValueLogFileSize); err != nil {
		return err
	}
	// One write request, or the marker would end only its last part: the KVLoader starts a new request at
	// Badger's batch limits, which Batch.reserve keeps groups well within.
	size := int64(len(countsKey) + len(counts) + len(badgerTxnKey) + 20 + 2*entryCost)
	for _, p := range g.ents {
		size += int64(p.k1-p.k0) + int64(p.v1-p.v0) + entryCost
	}
	if int64(len(g.ents)+3) >= db.MaxBatchCount() || size >= db.MaxBatchSize() {
		return fmt.Errorf("store: a group of %d entries, %d bytes, exceeds one write request", len(g.ents), size)
	}
	l := db.NewKVLoader(1)
	n := len(g.order) + 2
	if cap(g.kvs) < n {
		g.kvs = make([]pb.KV, n) // set field by field below: a KV holds a lock and is not copied
	}
	kvs := g.kvs[:n]
	set := func(kv *pb.KV, key, val []byte, exp uint64, meta []byte) error {
		kv.Key, kv.Value, kv.Version, kv.ExpiresAt, kv.Meta = key, val, ts, exp, meta
		return l.Set(kv)
	}
	for i, e := range g.order {
		var err error
		if g.ents[e.seq].del {
			err = set(&kvs[i], g.slab[e.k0:e.k1:e.k1], nil, e.exp, metaDelete)
		} else {
			err = set(&kvs[i], g.slab[e.k0:e.k1:e.k1], g.slab[e.k1:e.v1:e.v1], e.exp, metaSet)
		}
		if err != nil {
			return err
		}
	}
	if err := set(&kvs[n-2], countsKey, counts, 0, metaSet); err != nil {
		return err
	}
	if err := set(&kvs[n-1], badgerTxnKey, strconv.AppendUint(nil, ts, 10), 0, metaFin); err != nil {
		return err
	}
	return l.Finish()
}

package store

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"

	badger "github.com/dgraph-io/badger/v4"
)

// Containment anchors.
//
// A containment query asks which indexed articles hold at least C of a query's shingles, whatever their
// Jaccard similarity: a press release inside a story five times its length has a Jaccard near 0.2 with it, far
// below what the band keys find. Each article is posted under its anchors, a few of its shingle values chosen
// by the caller (package neardup winnows them: the smallest of every Params.Anchors consecutive shingles, so
// any run of that many shingles shared with a query holds an anchor of the article). A query looks up its probe
// values (its whole set, or its own anchors when it is long), counts per article the anchors found, keeps the
// articles with at least MinShared, and verifies each against its stored set, so every reported containment is
// exact. Anchors are kept, replaced, deleted and expired with their article, in its transaction, like its
// band postings, and named in its record so that they can be.

func anchorKey(dst []byte, v uint32, doc uint64) []byte {
	dst = append(dst[:0], prefixAnchor)
	dst = binary.BigEndian.AppendUint32(dst, v)
	return binary.BigEndian.AppendUint64(dst, doc)
}

// ErrNoAnchors is returned by a containment query on an index built without anchors (before format 3, or with
// Params.Anchors 0).
var ErrNoAnchors = errors.New("store: the index has no containment anchors")

// ContainQuery is an article to find the containers of: the indexed articles holding at least Containment of
// its shingles.
type ContainQuery struct {
	Set  Set  // its shingle set
	Full bool // whether Set is whole
	// Probe are the values looked up in the anchor buckets; MinShared is the least number of them an article
	// must have as anchors to be verified (at least 1).
	Probe     []uint32
	MinShared int
	// Exclude is an id to leave out of the results: the query's own, when it is indexed.
	Exclude string
	// Containment is the least share of the query's shingles an article must hold, in (0, 1].
	Containment float64
	// Top limits the number of matches (0: all).
	Top int
	// Keep, when set, filters the articles before their verification (a date window, say).
	Keep func(a *Article) bool
}

// RareAnchorBucket is the size of the largest anchor bucket whose articles become candidates for one shared
// anchor: an article found only in larger buckets (a stock phrase, a boilerplate line) must share two anchors
// or more with the query (and MinShared) to be verified.
const RareAnchorBucket = 1000

// MaxAnchorBucket bounds the anchor buckets a containment query reads: a value that anchors more articles than
// this (a stock phrase) says little about any of them and is left out, as if the query lacked it.
const MaxAnchorBucket = 20000

// ContainInfo says how a containment query went: the values probed, those left out as too common (over
// MaxAnchorBucket), the articles verified.
type ContainInfo struct {
	Probed, Common, Verified int
}

// Contained returns the indexed articles holding at least q.Containment of q's shingles, best first
// (containment, then Jaccard, then id), with exact scores.
func (s *Store) Contained(q ContainQuery) ([]Match, ContainInfo, error) {
	var info ContainInfo
	if s.params.Anchors <= 0 {
		return nil, info, ErrNoAnchors
	}
	info.Probed = len(q.Probe)
	var out []Match
	err := s.db.View(func(txn *badger.Txn) error {
		it := keyIterator(txn, 0)
		defer it.Close()
		// counts holds, per article, the anchors found in the probe's buckets (low 31 bits) and whether one was
		// in a rare bucket (the top bit).
		const rare = 1 << 31
		counts := map[uint64]uint32{}
		var bucket []uint64
		for _, v := range q.Probe {
			var err error
			if bucket, err = anchorBucket(it, v, MaxAnchorBucket, bucket[:0]); err != nil {
				return err
			}
			if len(bucket) > MaxAnchorBucket {
				info.Common++
				continue
			}
			flag := uint32(0)
			if len(bucket) <= RareAnchorBucket {
				flag = rare
			}
			for _, d := range bucket {
				counts[d] = (counts[d] + 1) | flag
			}
		}
		need := uint32(max(1, q.MinShared))
		cands := make([]uint64, 0, len(counts))
		for d, n := range counts {
			if c := n &^ rare; c >= need && (n&rare != 0 || c >= 2) {
				cands = append(cands, d)
			}
		}
		slices.Sort(cands)
		var err error
		out, info.Verified, err = verifyCandidates(txn, cands, q.Set, q.Full, q.Exclude, q.Keep, func(_, c float64) bool { return c >= q.Containment && c > 0 })
		return err
	})
	return sortTop(out, true, q.Top), info, err
}

// AnchorHit is an article found under anchor buckets, with the number of the probed values it is posted under.
type AnchorHit struct {
	Doc    uint64
	Shared int
}

// AnchorCandidates returns the articles posted under any of the probed anchor values, with how many of them
// each is under, most first (ties by docnum). A bucket of more than maxBucket articles (a value too common to
// tell articles apart) is left out.
func (s *Store) AnchorCandidates(probe []uint32, maxBucket int) ([]AnchorHit, error) {
	if s.params.Anchors <= 0 {
		return nil, ErrNoAnchors
	}
	counts := map[uint64]int{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := keyIterator(txn, 0)
		defer it.Close()
		var bucket []uint64
		for _, v := range probe {
			var err error
			if bucket, err = anchorBucket(it, v, maxBucket, bucket[:0]); err != nil {
				return err
			}
			if len(bucket) > maxBucket {
				continue
			}
			for _, d := range bucket {
				counts[d]++
			}
		}
		return nil
	})
	out := make([]AnchorHit, 0, len(counts))
	for d, n := range counts {
		out = append(out, AnchorHit{d, n})
	}
	slices.SortFunc(out, func(a, b AnchorHit) int {
		if a.Shared != b.Shared {
			return b.Shared - a.Shared
		}
		return cmp.Compare(a.Doc, b.Doc)
	})
	return out, err
}

// anchorBucket appends to dst the docnums posted under anchor value v, stopping past max (a bucket of more than
// max comes back with max+1); a block that cannot be read is ErrCorrupt.
func anchorBucket(it *checkedIter, v uint32, max int, dst []uint64) ([]uint64, error) {
	var p [5]byte
	p[0] = prefixAnchor
	binary.BigEndian.PutUint32(p[1:], v)
	for it.Seek(p[:]); it.ValidForPrefix(p[:]) && len(dst) <= max; it.Next() {
		if k := it.Item().Key(); len(k) == 13 {
			dst = append(dst, binary.BigEndian.Uint64(k[5:]))
		}
	}
	return dst, it.Err()
}

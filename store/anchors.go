package store

import (
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

// MaxAnchorBucket bounds the anchor buckets a containment query reads: a value that anchors more articles than
// this (a stock phrase) says little about any of them and is left out, as if the query lacked it.
const MaxAnchorBucket = 20000

// ContainInfo says how a containment query went: the values probed, those left out as too common, the
// articles verified.
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
		opt := badger.DefaultIteratorOptions
		opt.PrefetchValues = false
		it := txn.NewIterator(opt)
		defer it.Close()
		counts := map[uint64]int32{}
		var bucket []uint64
		p := make([]byte, 5)
		p[0] = prefixAnchor
		for _, v := range q.Probe {
			binary.BigEndian.PutUint32(p[1:], v)
			bucket = bucket[:0]
			for it.Seek(p); it.ValidForPrefix(p) && len(bucket) <= MaxAnchorBucket; it.Next() {
				if k := it.Item().Key(); len(k) == 13 {
					bucket = append(bucket, binary.BigEndian.Uint64(k[5:]))
				}
			}
			if len(bucket) > MaxAnchorBucket {
				info.Common++
				continue
			}
			for _, d := range bucket {
				counts[d]++
			}
		}
		need := int32(max(1, q.MinShared))
		cands := make([]uint64, 0, len(counts))
		for d, n := range counts {
			if n >= need {
				cands = append(cands, d)
			}
		}
		slices.Sort(cands)
		for _, num := range cands {
			a, err := getDoc(txn, num, partSet)
			if errors.Is(err, ErrNotFound) {
				continue // an orphan posting
			}
			if err != nil {
				return err
			}
			if a.ID == q.Exclude || q.Keep != nil && !q.Keep(a) {
				continue
			}
			info.Verified++
			j, c := Similarity(q.Set, a.Set, q.Full, a.Full)
			if c >= q.Containment && c > 0 {
				a.Set, a.Bands, a.Passages = nil, nil, nil
				out = append(out, Match{Article: a, Jaccard: j, Containment: c})
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Match) int {
		switch {
		case a.Containment != b.Containment:
			return cmpDesc(a.Containment, b.Containment)
		case a.Jaccard != b.Jaccard:
			return cmpDesc(a.Jaccard, b.Jaccard)
		case a.Article.ID < b.Article.ID:
			return -1
		case a.Article.ID > b.Article.ID:
			return 1
		}
		return 0
	})
	if q.Top > 0 && len(out) > q.Top {
		out = out[:q.Top]
	}
	return out, info, err
}

func cmpDesc(a, b float64) int {
	if a > b {
		return -1
	}
	return 1
}

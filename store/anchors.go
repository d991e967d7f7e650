package store

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"

	badger "github.com/dgraph-io/badger/v4"
)

// Containment anchors.
//
// A containment query asks which indexed articles hold at least C of a query's shingles, whatever their
// Jaccard similarity: a press release inside a story five times its length has a Jaccard near 0.2 with it, far
// below what the band keys find. The anchors answer it. Each article is posted under the shingles of its set
// whose value is a multiple of Params.Anchors: a sample chosen by the shingle's value alone, so a shingle the
// query and an article share is an anchor of both or of neither. The anchors a query shares with an article
// are then a uniform sample of the shingles they share, and their count estimates the shared shingles
// whatever the article's length: about |Q ∩ A| / Anchors. A query counts, per article, the anchors of its own
// set found in the anchor buckets, keeps the articles whose count is within three standard deviations of what
// containment C gives, and verifies each against its stored set, so every reported containment is exact.
//
// The sample is what bounds the smallest query: a query of n distinct shingles has about n / Anchors anchors,
// and an article holding C of them shares none with probability about exp(-C n / Anchors). At the default of
// one in eight, a query of 50 words (46 shingles) contained at 0.8 is missed with probability about 0.01; a
// query with no anchor at all finds nothing (neardup says so). Anchors are kept, replaced, deleted and expired
// with the article, in its transaction, like its band postings.

// AnchorsOf appends to dst the anchors of a set: its values that are multiples of rate (none when rate <= 0).
// The set is sorted, so the anchors are too.
func AnchorsOf(dst []uint32, set Set, rate int) []uint32 {
	if rate <= 0 {
		return dst
	}
	m := uint32(rate)
	for _, v := range set {
		if v%m == 0 {
			dst = append(dst, v)
		}
	}
	return dst
}

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
	// Exclude is an id to leave out of the results: the query's own, when it is indexed.
	Exclude string
	// Containment is the least share of the query's shingles an article must hold, in (0, 1].
	Containment float64
	// Top limits the number of matches (0: all).
	Top int
	// Keep, when set, filters the articles before their verification (a date window, say).
	Keep func(a *Article) bool
}

// MaxAnchorBucket bounds the anchor buckets a containment query reads: an anchor shingle in more articles than
// this (a stock phrase) says little about any of them and is left out of the count, as if the query lacked it.
const MaxAnchorBucket = 20000

// ContainInfo says how a containment query went: the query's anchors, those left out as too common, and the
// articles verified.
type ContainInfo struct {
	Anchors, Common, Verified int
}

// minShared is the least count of shared anchors a query of n anchors expects from an article holding c of its
// shingles, less three standard deviations (the count is binomial: n draws, each in the article with
// probability c), and at least 1.
func minShared(n int, c float64) int {
	t := int(math.Floor(c*float64(n) - 3*math.Sqrt(float64(n)*c*(1-c))))
	return max(t, 1)
}

// Contained returns the indexed articles holding at least q.Containment of q's shingles, best first
// (containment, then Jaccard, then id), with exact scores.
func (s *Store) Contained(q ContainQuery) ([]Match, ContainInfo, error) {
	var info ContainInfo
	if s.params.Anchors <= 0 {
		return nil, info, ErrNoAnchors
	}
	anchors := AnchorsOf(nil, q.Set, s.params.Anchors)
	info.Anchors = len(anchors)
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
		for _, v := range anchors {
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
		need := int32(minShared(info.Anchors-info.Common, q.Containment))
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

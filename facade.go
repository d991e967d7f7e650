package neardup

import (
	"context"

	"github.com/neardup/neardup/store"
)

// The store's errors a caller of this package tests for, re-exported (as pebble's db.go does), so that a caller
// never needs package store: errors.Is(err, neardup.ErrNotFound).
var (
	// ErrNotFound: no article with the id.
	ErrNotFound = store.ErrNotFound
	// ErrNoIndex: the folder holds no index.
	ErrNoIndex = store.ErrNoIndex
	// ErrParams: the index was built with other parameters, or in a format this build does not read.
	ErrParams = store.ErrParams
	// ErrLocked: another process has the index open for writing (see LockError).
	ErrLocked = store.ErrLocked
	// ErrRecovery: a read-only open of an index whose writer was killed, before a read-write open recovered it.
	ErrRecovery = store.ErrRecovery
	// ErrCorrupt: the index is damaged (a block or record fails its checksum or cannot be decoded).
	ErrCorrupt = store.ErrCorrupt
	// ErrDiskFull: the file system has too little room for the next write (see DiskFullError).
	ErrDiskFull = store.ErrDiskFull
	// ErrNoAnchors: a containment query of an index built without containment anchors.
	ErrNoAnchors = store.ErrNoAnchors
)

type (
	// LockError is the error of an index in use by another process; it wraps ErrLocked.
	LockError = store.LockError
	// DiskFullError is the error of a write the file system has no room for; it wraps ErrDiskFull.
	DiskFullError = store.DiskFullError
	// Params are the parameters an index was built with, as stored in it.
	Params = store.Params
	// StoreOptions are the storage options of an open index (read-only, retention, memory, durability).
	StoreOptions = store.Options
	// Counts are an index's article and posting counts.
	Counts = store.Counts
)

// FormatVersion is the version of the on-disk layout a new index is written in.
const FormatVersion = store.FormatVersion

// Exists reports whether dir holds an index.
func Exists(dir string) (bool, error) { return store.Exists(dir) }

// Stats are counts over a whole index.
type Stats struct {
	Articles int `json:"articles"`
	Passages int `json:"passages"`
	Postings int `json:"postings"`
	// AnchorPostings are the containment anchors' postings, apart from the band and passage ones.
	AnchorPostings int `json:"anchor_postings"`
	// Bytes is the space the index folder occupies on disk.
	Bytes int64 `json:"bytes"`
}

func statsOf(s store.Stats) Stats {
	return Stats{Articles: s.Articles, Passages: s.Passages, Postings: s.Postings, AnchorPostings: s.AnchorPostings, Bytes: s.Bytes}
}

// Stats counts the articles and postings with a scan of the keys, checked against the counts the index keeps
// (a damaged index is an ErrCorrupt error), and measures the folder.
func (ix *Index) Stats() (Stats, error) {
	s, err := ix.st.Stats()
	return statsOf(s), err
}

// QuickStats is Stats from the counts the index keeps with every commit, in O(1) (with retention, expired
// articles are counted until they are rewritten).
func (ix *Index) QuickStats() (Stats, error) {
	s, err := ix.st.QuickStats()
	return statsOf(s), err
}

// Counts returns the article and posting counts the index keeps with every commit, in O(1).
func (ix *Index) Counts() (Counts, error) { return ix.st.Counts() }

// Verify reads and checks every block, record and posting of the index and returns what it counted; a damaged
// index is an error wrapping ErrCorrupt.
func (ix *Index) Verify(ctx context.Context) (Counts, error) { return ix.st.VerifyAll(ctx) }

// Generation counts the commits applied since the index was opened: a cache of answers is fresh while it is
// unchanged.
func (ix *Index) Generation() uint64 { return ix.st.Generation() }

// Undated returns the number of articles indexed with a date that could not be read (ParseDate) and the first
// max of them, without their texts.
func (ix *Index) Undated(max int) (int, []*Doc, error) {
	n, first, err := ix.st.Undated(max)
	docs := make([]*Doc, len(first))
	for i, a := range first {
		docs[i] = metaDoc(a)
	}
	return n, docs, err
}

// EachMeta calls fn with every indexed article as a document without its text (id, title, url, date, source,
// metadata and provenance), in the index's order, reading only the records' metadata.
func (ix *Index) EachMeta(ctx context.Context, fn func(*Doc) error) error {
	return ix.st.Each(true, func(_ uint64, a *store.Article) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(metaDoc(a))
	})
}

func metaDoc(a *store.Article) *Doc {
	return &Doc{ID: a.ID, Title: a.Title, URL: a.URL, Date: a.Date, Source: a.Source, Extra: a.Extra, Provenance: a.Provenance}
}

// Package input reads articles: every input format in one shape. A Format names a kind of input (JSON Lines,
// Parquet, text, saved HTML pages, WARC files) and opens a Source on a file of it; a Source streams the file's
// articles as Docs, reporting each record it cannot read as an InputError and going on. Field mapping (Fields)
// says which keys or columns hold an article's id, text, title, URL and date; the rest are kept as metadata.
// Where a crawled page came from is typed in the Doc (Provenance), set by the page readers only, never from an
// input's fields.
package input

import (
	"encoding/json"

	"github.com/neardup/neardup/store"
)

// Doc is one input article.
type Doc struct {
	ID     string
	Title  string
	URL    string
	Date   string
	Source string
	Text   string
	// Extra holds the input's other fields as a JSON object (may be nil).
	Extra json.RawMessage
	// Provenance is where a crawled page was read from (nil for other articles). Only neardup's own readers set
	// it, from what they read; an input's fields never do (a "file" field is metadata like any other).
	Provenance *Provenance `json:"-"`
	// ContentKey, when set, names the article's source bytes exactly (a WARC payload digest): an article with the
	// key of one already indexed is an exact copy of it and is indexed from it without hashing its text (which
	// may then be left empty).
	ContentKey string
	// Full, if set, returns the document with its text, for an exact copy left without it (ContentKey set, Text
	// empty): when the copy is written, the article it copies may have been replaced or deleted since it was
	// read. Without Full such a copy is then rejected (neardup.ErrCopyGone) rather than indexed empty.
	Full func() (*Doc, error) `json:"-"`
}

// Provenance says where a crawled article was read from: the saved page or the WARC record. It is the
// store's record of it (store.Provenance), the one type of the index an input carries: it is kept as read.
type Provenance = store.Provenance

// The sources a crawled article is read from.
const (
	ProvenanceHTML = store.ProvenanceHTML
	ProvenanceWARC = store.ProvenanceWARC
)

// Limits on one article.
const (
	// MaxIDBytes is the longest article id, in bytes.
	MaxIDBytes = 1024
	// MaxArticleBytes is the largest article text, in bytes (4 MiB: news articles are a few kilobytes, the
	// longest pages a few hundred). Hashing holds about 15 times the text in memory (tokens, shingle hashes,
	// the set), so the largest article costs about 60 MB. An article of over about 400,000 distinct shingles
	// (2 MB of varied text) may still be refused as too large for one transaction. A JSON line longer than
	// MaxLineBytes is rejected unread.
	MaxArticleBytes = 4 << 20
	// MaxLineBytes is the longest JSON Lines line read: the largest text with room for escapes and metadata.
	MaxLineBytes = 2*MaxArticleBytes + 1<<20
)

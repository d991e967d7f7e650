package neardup

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/neardup/neardup/store"
)

// Stored texts. An index created with texts (the default; Config.NoText turns it off) keeps each article's text,
// zstd-compressed at the default level, under its own key beside the record: `neardup show`, word-tight
// `passages ID` and rebuilding an index with other parameters read it. Measured cost in bench/README.md.

// ErrNoText is returned for the text of an article the index keeps no text of (an index built with NoText or
// before texts were kept, or an article added without one).
var ErrNoText = errors.New("neardup: no stored text")

var (
	zOnce sync.Once
	zEnc  *zstd.Encoder
	zDec  *zstd.Decoder
)

// codec returns the shared zstd encoder and decoder; EncodeAll and DecodeAll are safe for concurrent use. The
// encoder holds one encoding state per core: with one, the hashing goroutines would take turns compressing.
func codec() (*zstd.Encoder, *zstd.Decoder) {
	zOnce.Do(func() {
		zEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
		zDec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
	})
	return zEnc, zDec
}

// compressText returns the stored form of a text.
func compressText(text string) []byte {
	enc, _ := codec()
	return enc.EncodeAll([]byte(text), make([]byte, 0, len(text)/3+16))
}

// decompressText returns the text of a stored form.
func decompressText(b []byte) (string, error) {
	_, dec := codec()
	out, err := dec.DecodeAll(b, nil)
	if err != nil {
		return "", fmt.Errorf("%w: stored text: %v", store.ErrCorrupt, err)
	}
	return string(out), nil
}

// Article is an indexed article as `neardup show` prints it.
type Article struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
	Date  string `json:"date,omitempty"`
	// Meta holds the input's other fields.
	Meta []byte `json:"-"`
	Text string `json:"text"`
}

// Get returns the indexed article with the id, with its stored text; the error wraps ErrNoText (the article is
// returned without text) when the index keeps none of it, and store.ErrNotFound when there is no such article.
func (ix *Index) Get(id string) (*Article, error) {
	a, err := ix.st.Get(id)
	if err != nil {
		return nil, err
	}
	out := &Article{ID: a.ID, Title: a.Title, URL: a.URL, Date: a.Date, Meta: a.Extra}
	raw, err := ix.st.Text(store.DocNum(id))
	if errors.Is(err, store.ErrNotFound) {
		return out, fmt.Errorf("%w for %q", ErrNoText, id)
	}
	if err != nil {
		return nil, err
	}
	if out.Text, err = decompressText(raw); err != nil {
		return nil, fmt.Errorf("%w (%q)", err, id)
	}
	return out, nil
}

// DecodeText returns the text of a stored form (a zstd frame).
func DecodeText(b []byte) (string, error) { return decompressText(b) }

// Docs calls fn with every indexed article as a document (id, title, url, date, source, metadata and stored
// text), in docnum order, from one snapshot of the index: what Add needs to index it again with other
// parameters. It fails with ErrNoText on an index that keeps no texts, and stops at ctx's cancellation or fn's
// error.
func (ix *Index) Docs(ctx context.Context, fn func(*Doc) error) error {
	if !ix.p.Text {
		return fmt.Errorf("%w: the index was built without texts", ErrNoText)
	}
	return ix.st.Each(true, func(num uint64, a *store.Article) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := ix.st.Text(num)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w for %q", ErrNoText, a.ID)
		}
		if err != nil {
			return err
		}
		text, err := decompressText(raw)
		if err != nil {
			return fmt.Errorf("%w (%q)", err, a.ID)
		}
		return fn(&Doc{ID: a.ID, Title: a.Title, URL: a.URL, Date: a.Date, Source: a.Source, Extra: a.Extra, Text: text})
	})
}

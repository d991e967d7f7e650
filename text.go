package neardup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/neardup/neardup/store"
)

// Stored texts. An index created with texts (the default; Config.NoText turns it off) keeps each article's text,
// zstd-compressed in blocks of consecutive articles (store/text.go): `neardup show`, word-tight `passages ID`
// and rebuilding an index with other parameters read it. Measured cost in bench/README.md.

// ErrNoText is returned for the text of an article the index keeps no text of (an index built with NoText or
// before texts were kept, or an article added without one).
var ErrNoText = errors.New("neardup: no stored text")

// Article is an indexed article as `neardup show` prints it.
type Article struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
	Date  string `json:"date,omitempty"`
	// Meta holds the input's other fields.
	Meta []byte `json:"-"`
	// Provenance is where a crawled article was read from (nil for others).
	Provenance *Provenance `json:"-"`
	Text       string      `json:"text"`
}

// ArticleView is an article as `neardup show` prints it and GET /v1/articles/{id} returns it: its metadata as
// given, its provenance, and its text unless the index keeps none of it (then omitted).
type ArticleView struct {
	ID         string          `json:"id"`
	Title      string          `json:"title,omitempty"`
	URL        string          `json:"url,omitempty"`
	Date       string          `json:"date,omitempty"`
	Meta       json.RawMessage `json:"meta,omitempty"`
	Provenance *Provenance     `json:"provenance,omitempty"`
	Text       *string         `json:"text,omitempty"`
}

// View returns the article's view, with its text when hasText (Get gave no ErrNoText).
func (a *Article) View(hasText bool) ArticleView {
	v := ArticleView{ID: a.ID, Title: a.Title, URL: a.URL, Date: a.Date, Meta: a.Meta, Provenance: a.Provenance}
	if hasText {
		v.Text = &a.Text
	}
	return v
}

// Get returns the indexed article with the id, with its stored text; the error wraps ErrNoText (the article is
// returned without text) when the index keeps none of it, and store.ErrNotFound when there is no such article.
func (ix *Index) Get(id string) (*Article, error) {
	a, err := ix.st.Get(id)
	if err != nil {
		return nil, err
	}
	out := &Article{ID: a.ID, Title: a.Title, URL: a.URL, Date: a.Date, Meta: a.Extra, Provenance: a.Provenance}
	raw, err := ix.st.Text(store.DocNum(id))
	if errors.Is(err, store.ErrNotFound) {
		return out, fmt.Errorf("%w for %q", ErrNoText, id)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (%q)", err, id)
	}
	out.Text = string(raw)
	return out, nil
}

// Docs calls fn with every indexed article as a document (id, title, url, date, source, metadata and stored
// text), from one snapshot of the index, in the order the texts are stored (store.EachText): what Add needs to
// index it again with other parameters. It fails with ErrNoText on an index that keeps no texts or at an article
// without one, and stops at ctx's cancellation or fn's error.
func (ix *Index) Docs(ctx context.Context, fn func(*Doc) error) error {
	if !ix.p.Text {
		return fmt.Errorf("%w: the index was built without texts", ErrNoText)
	}
	return ix.st.EachText(func(_ uint64, a *store.Article, text []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if text == nil {
			return fmt.Errorf("%w for %q", ErrNoText, a.ID)
		}
		return fn(&Doc{ID: a.ID, Title: a.Title, URL: a.URL, Date: a.Date, Source: a.Source, Extra: a.Extra, Provenance: a.Provenance, Text: string(text)})
	})
}

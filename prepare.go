package neardup

import (
	"fmt"
	"strconv"

	"github.com/cespare/xxhash/v2"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
)

// worker holds one goroutine's hashing state and buffers.
type worker struct {
	sh     *shingle.Shingler
	tok    *shingle.Tokenizer
	h      *minhash.Hasher
	ph     *minhash.Hasher
	hashes []uint64
	toks   []shingle.Token
	sig    minhash.Signature
	psig   minhash.Signature
	pass   []shingle.Passage
	phash  []uint64
	winnow []uint32 // winnow's scratch
}

func (ix *Index) newWorker() (*worker, error) {
	sh, err := shingle.New(shingle.Options{Unit: ix.unit, Size: ix.p.ShingleSize})
	if err != nil {
		return nil, err
	}
	h, err := minhash.New(ix.p.K, ix.p.Seed)
	if err != nil {
		return nil, err
	}
	w := &worker{sh: sh, tok: shingle.NewTokenizer(), h: h}
	if ix.p.PassageK > 0 {
		if w.ph, err = minhash.New(ix.p.PassageK, ix.p.Seed); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// getWorker takes a worker from the pool, or makes one; putWorker gives it back.
func (ix *Index) getWorker() (*worker, error) {
	if w, ok := ix.workers.Get().(*worker); ok {
		return w, nil
	}
	return ix.newWorker()
}

func (ix *Index) putWorker(w *worker) { ix.workers.Put(w) }

// digest identifies a document's content and metadata.
func digest(d *Doc) uint64 {
	var x xxhash.Digest
	x.Reset()
	for _, s := range []string{d.ID, d.Title, d.URL, d.Date, d.Source, string(d.Extra), d.Text, d.ContentKey} {
		x.WriteString(s)
		x.Write([]byte{0})
	}
	if p := d.Provenance; p != nil { // none for articles other than crawled pages: their digest is as it was
		for _, s := range []string{string(p.Format), p.File, strconv.FormatInt(p.Offset, 10), p.Site, p.Digest, p.Charset, p.Captured} {
			x.WriteString(s)
			x.Write([]byte{0})
		}
	}
	return x.Sum64()
}

// HasContent reports whether an article with the content key is indexed (see Doc.ContentKey); during a bulk
// build, none is.
func (ix *Index) HasContent(key string) bool {
	if ix.st == nil {
		return false
	}
	_, err := ix.st.ByContent(xxhash.Sum64String(key))
	return err == nil
}

// prepare hashes d with w, or copies the hashes of an indexed exact copy.
func (ix *Index) prepare(w *worker, d *Doc) (*store.Article, error) {
	if d.ContentKey != "" {
		key := xxhash.Sum64String(d.ContentKey)
		var src *store.Article
		err := store.ErrNotFound // a bulk build reads nothing back: copies are hashed from their own text
		if ix.st != nil {
			src, err = ix.st.ByContent(key)
		}
		if err != nil && d.Text == "" {
			// An exact copy whose source went away after it was read: index its own text, if it can be had.
			if d.Full == nil {
				return nil, rejectErr(fmt.Errorf("%w (%v)", ErrCopyGone, err), "exact copy of a capture no longer indexed, given without its text")
			}
			full, ferr := d.Full()
			if ferr != nil {
				return nil, rejectErr(fmt.Errorf("%w: %v", ErrCopyGone, ferr), "exact copy of a capture no longer indexed, and its own page failed: "+ferr.Error())
			}
			if err := checkDoc(full); err != nil {
				return nil, err
			}
			if full.ContentKey == "" {
				full.ContentKey = d.ContentKey
			}
			d = full
		}
		if err == nil {
			if src.ID == d.ID {
				return src, nil // the same capture again: unchanged
			}
			a := &store.Article{
				ID: d.ID, Title: d.Title, URL: d.URL, Source: d.Source, Date: d.Date, DateUnix: parseDate(d.Date),
				TextLen: src.TextLen, Digest: digest(d), Set: src.Set, Full: src.Full, Size: src.Size,
				Bands: src.Bands, Passages: src.Passages, Anchors: src.Anchors, ContentKey: key, Provenance: d.Provenance,
			}
			if ix.p.Text {
				// The copy's text is its source's: the same bytes, extracted the same way.
				if t, err := ix.st.Text(store.DocNum(src.ID)); err == nil {
					a.Text = t
				} else if d.Text != "" {
					a.Text = []byte(d.Text)
				}
			}
			if a.Title == "" {
				a.Title = src.Title
			}
			if len(d.Extra) > 0 {
				a.Extra = d.Extra
			}
			return a, nil
		}
	}
	a := ix.hash(w, d)
	if d.ContentKey != "" {
		a.ContentKey = xxhash.Sum64String(d.ContentKey)
	}
	return a, nil
}

// hash hashes d with w.
func (ix *Index) hash(w *worker, d *Doc) *store.Article {
	text := []byte(d.Text)
	units := w.sh.Units(text)
	w.hashes = shingle.AppendHashes(w.hashes[:0], units, ix.p.ShingleSize)
	a := &store.Article{
		ID: d.ID, Title: d.Title, URL: d.URL, Source: d.Source, Date: d.Date, DateUnix: parseDate(d.Date),
		TextLen: len(d.Text), Digest: digest(d), Full: true, Provenance: d.Provenance,
	}
	if len(d.Extra) > 0 && string(d.Extra) != "{}" && string(d.Extra) != "null" {
		a.Extra = d.Extra
	}
	a.Set = store.MakeSet(nil, w.hashes)
	a.Size = len(a.Set)
	if a.Size >= store.MaxSetSize {
		a.Full = false
	}
	if len(w.hashes) > 0 {
		w.sig = w.h.Sum(w.sig[:0], w.hashes)
		a.Bands = ix.lsh.AppendBandKeys(make([]uint64, 0, ix.lsh.Bands), w.sig)
	}
	if ix.p.Anchors > 0 {
		a.Anchors, w.winnow = winnow(nil, w.winnow, w.hashes, ix.p.Anchors)
	}
	if ix.p.PassageK > 0 && ix.unit == shingle.Words {
		w.toks = units // word tokens: the shingle units themselves
		w.pass = shingle.AppendPassages(w.pass[:0], text, w.toks, shingle.PassageOptions{MinTokens: ix.p.PassageMin, Window: ix.p.PassageWindow})
		for _, p := range w.pass {
			w.phash = shingle.AppendHashes(w.phash[:0], w.toks[p.Lo:p.Hi], ix.p.ShingleSize)
			w.psig = w.ph.Sum(w.psig[:0], w.phash)
			a.Passages = append(a.Passages, store.Passage{Start: p.Start, End: p.End, Bands: ix.plsh.AppendBandKeys(nil, w.psig), Set: store.MakeSet(nil, w.phash)})
		}
	}
	return a
}

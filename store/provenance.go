package store

import (
	"encoding/binary"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"
)

// Provenance says where a crawled article's text was read from, as the reader that read it recorded it: the
// saved HTML file, or the WARC file and the record's offset in it. It is part of the record from format 7
// (record version 6), written by neardup's own input readers and never taken from an article's metadata, so
// that only a path an index run read is ever read again (neardup relearn).
type Provenance struct {
	// Format is the kind of source: ProvenanceHTML or ProvenanceWARC.
	Format ProvenanceFormat `json:"format"`
	// File is the file read: an absolute, cleaned path, or "-" for standard input.
	File string `json:"file"`
	// Offset is the WARC record's offset in File (0 for a saved page).
	Offset int64 `json:"offset,omitempty"`
	// Site is the site the page belongs to, for its furniture: the registered domain of its URL, or
	// "folder:DIR" for a saved page that declares no URL.
	Site string `json:"site"`
	// Digest is the WARC payload digest, Charset the encoding the page was decoded from.
	Digest  string `json:"payload_digest,omitempty"`
	Charset string `json:"charset,omitempty"`
	// Captured is when the crawler fetched the page (WARC-Date, as given); it is not the article's date.
	Captured string `json:"captured,omitempty"`
}

// ProvenanceFormat is the kind of source a crawled article was read from.
type ProvenanceFormat string

// The sources an index run records.
const (
	ProvenanceHTML ProvenanceFormat = "html"
	ProvenanceWARC ProvenanceFormat = "warc"
)

// provenance formats as the record numbers them.
var provenanceCodes = map[ProvenanceFormat]byte{ProvenanceHTML: 1, ProvenanceWARC: 2}

// appendProvenance appends p as a record of version 6 keeps it: a uvarint length (0 for none), then the format's
// code, the offset as a uvarint and file, site, digest, charset and capture time as uvarint-prefixed strings.
func appendProvenance(dst []byte, p *Provenance) []byte {
	if p == nil {
		return append(dst, 0)
	}
	var b []byte
	b = append(b, provenanceCodes[p.Format])
	b = binary.AppendUvarint(b, uint64(p.Offset))
	for _, s := range []string{p.File, p.Site, p.Digest, p.Charset, p.Captured} {
		b = appendString(b, s)
	}
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// provenance decodes what appendProvenance wrote (nil for none).
func (d *decoder) provenance() *Provenance {
	raw := d.bytes(d.uvarint())
	if d.err != nil || len(raw) == 0 {
		return nil
	}
	p := &Provenance{}
	for f, c := range provenanceCodes {
		if c == raw[0] {
			p.Format = f
		}
	}
	in := &decoder{b: raw[1:]}
	off := in.uvarint()
	p.File, p.Site, p.Digest, p.Charset, p.Captured = in.string(), in.string(), in.string(), in.string(), in.string()
	switch {
	case in.err != nil || len(in.b) != 0 || p.Format == "" || off > 1<<62:
		d.err = fmt.Errorf("%w: provenance", ErrCorrupt)
		return nil
	}
	p.Offset = int64(off)
	return p
}

// Undated returns the number of articles whose date was given but not understood (DateUnix 0; kept from format
// 7) and the first max of them, in docnum order, with their metadata. It reads only their keys and those
// records.
func (s *Store) Undated(max int) (int, []*Article, error) {
	n := 0
	var first []*Article
	err := s.db.View(func(txn *badger.Txn) error {
		it := keyIterator(txn, prefixUndated)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(k) != 9 {
				continue
			}
			n++
			if len(first) < max {
				a, err := getDoc(txn, binary.BigEndian.Uint64(k[1:]), partMeta)
				if err != nil {
					return err
				}
				first = append(first, a)
			}
		}
		return it.Err()
	})
	return n, first, err
}

package store

import (
	"encoding/binary"
	"fmt"
)

// Article is what the store keeps of one article: its metadata, its shingle set for exact verification, and the
// LSH band keys of the article and of its passages. The store computes none of them; package neardup does.
type Article struct {
	ID     string
	Title  string
	URL    string
	Source string
	// Date is the article's date as given; DateUnix is it parsed (seconds since 1970, 0 when unknown). Dedupe keeps
	// the earliest article of a cluster.
	Date     string
	DateUnix int64
	// Extra holds the input's other fields, as a JSON object.
	Extra []byte
	// Provenance is where a crawled article was read from (nil for others). Kept from format 7: an index of an
	// older format writes none.
	Provenance *Provenance
	// TextLen is the text's length in bytes.
	TextLen int
	// Digest identifies the article's content and metadata: re-adding an article with the same digest changes
	// nothing.
	Digest uint64
	// Set is the shingle set; Full is false when it was capped at MaxSetSize.
	Set  Set
	Full bool
	// Size is the number of values in Set: the article's distinct shingles, or MaxSetSize when Set was capped
	// (Full then says so).
	Size int
	// Bands are the article's LSH band keys.
	Bands []uint64
	// Passages are the article's passages with their own band keys.
	Passages []Passage
	// Anchors are the article's containment anchors (anchors.go): shingle values, sorted, without repeats. The
	// caller chooses them; the store posts the article under each.
	Anchors []uint32
	// ContentKey identifies the article's source bytes exactly (a hash of a WARC payload digest, say; 0 for
	// none): a later article with the same key is an exact copy, found by ByContent without hashing it again.
	ContentKey uint64
	// Text, when not nil, is the article's text, kept (compressed) by an index with Params.Text; the record
	// names where (text.go). Reads leave it nil: Store.Text and EachText give it.
	Text []byte
	// ref is where the text is kept in an index of format 4 or later (block 0: not in a block).
	ref textRef
	// version is the record version the index writes (Params.recordVersion): 5 or 4, or 0 for the oldest
	// version that holds the article (an index of format 4 or before).
	version byte
}

// Passage is a span of an article's text, end exclusive, with the LSH band keys of its own signature and its
// shingle set, for exact verification.
type Passage struct {
	Start, End uint32
	Bands      []uint64
	Set        Set
}

// recordVersion is the version of the records of an index of format 6. A record of an index of format 4 or
// before is written in the oldest version that holds it: version 1 ends at the content key, version 2 adds the
// anchors, version 3 the text's place; so an index of an older format stays readable by the builds that wrote it.
// Version 4 (format 5) is version 3 with the sets packed (set.go) and the text's place only when flags bit 1 says
// there is one. Version 5 (format 6) is version 4 with each band key in the keptBandBytes its postings keep
// (all a delete or a verify needs), the content key only when flags bit 2 says there is one, and the anchors
// packed as a set. Version 6 (format 7) is version 5 with the article's provenance after its extra fields
// (provenance.go).
const recordVersion = 6

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// appendKeys appends keys as a uvarint count and the last w bytes of each, little-endian (w is 8, or
// keptBandBytes for the band keys of a record of version 5); decoder.keys reads them back.
func appendKeys(dst []byte, keys []uint64, w int) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(keys)))
	for _, k := range keys {
		n := len(dst)
		dst = binary.LittleEndian.AppendUint64(dst, k)[:n+w]
	}
	return dst
}

// encode appends the record encoding of a, version 1: a version byte; id, title, url, source and date as
// uvarint-prefixed strings; the date as a zig-zag varint; extra as a uvarint-prefixed string; text length,
// shingle count (uvarints); the digest (8 bytes LE); a flags byte (bit 0: set whole); the set (count, then
// uvarint deltas); the band keys (count, then 8 bytes LE each); the passages (count, then start, length and
// band keys and shingle set each); the content key (8 bytes LE). Later versions: recordVersion.
func (a *Article) encode(dst []byte) []byte {
	version := byte(1)
	switch {
	case a.version != 0:
		version = a.version
	case a.ref.block != 0:
		version = 3
	case len(a.Anchors) > 0:
		version = 2
	}
	dst = append(dst, version)
	dst = appendString(dst, a.ID)
	dst = appendString(dst, a.Title)
	dst = appendString(dst, a.URL)
	dst = appendString(dst, a.Source)
	dst = appendString(dst, a.Date)
	dst = binary.AppendVarint(dst, a.DateUnix)
	dst = appendString(dst, string(a.Extra))
	if version >= 6 {
		dst = appendProvenance(dst, a.Provenance)
	}
	dst = binary.AppendUvarint(dst, uint64(a.TextLen))
	dst = binary.AppendUvarint(dst, uint64(a.Size))
	dst = binary.LittleEndian.AppendUint64(dst, a.Digest)
	var flags byte
	if a.Full {
		flags |= 1
	}
	hasRef := version == 3 || version >= 4 && a.ref.block != 0
	if version >= 4 && hasRef {
		flags |= 2
	}
	hasContent := version < 5 || a.ContentKey != 0
	if version >= 5 && hasContent {
		flags |= 4
	}
	dst = append(dst, flags)
	if hasRef {
		// Version 3: the text's block and span, right after the metadata (so that reading the metadata
		// finds the text).
		dst = binary.AppendUvarint(dst, a.ref.block)
		dst = binary.AppendUvarint(dst, uint64(a.ref.off))
		dst = binary.AppendUvarint(dst, uint64(a.ref.n))
	}
	set := appendSet
	if version >= 4 {
		set = appendPackedSet
	}
	dst = set(dst, a.Set)
	bandW := 8
	if version >= 5 {
		bandW = keptBandBytes
	}
	dst = appendKeys(dst, a.Bands, bandW)
	dst = binary.AppendUvarint(dst, uint64(len(a.Passages)))
	for _, p := range a.Passages {
		dst = binary.AppendUvarint(dst, uint64(p.Start))
		dst = binary.AppendUvarint(dst, uint64(p.End-p.Start))
		dst = appendKeys(dst, p.Bands, 8)
		dst = set(dst, p.Set)
	}
	if hasContent {
		dst = binary.LittleEndian.AppendUint64(dst, a.ContentKey)
	}
	if version == 1 {
		return dst
	}
	if version >= 5 {
		return appendPackedSet(dst, a.Anchors) // sorted, without repeats: a set
	}
	// Version 2: the anchors, as a count and the gaps between them (from version 3 the count may be 0).
	dst = binary.AppendUvarint(dst, uint64(len(a.Anchors)))
	prev := uint32(0)
	for i, v := range a.Anchors {
		if i == 0 {
			dst = binary.AppendUvarint(dst, uint64(v))
		} else {
			dst = binary.AppendUvarint(dst, uint64(v-prev))
		}
		prev = v
	}
	return dst
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = ErrCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = ErrCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = ErrCorrupt
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) string() string { return string(d.bytes(d.uvarint())) }

// keys reads a count and that many keys of w bytes each, little-endian, as appendKeys writes them.
func (d *decoder) keys(w int) []uint64 {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b))/uint64(w) {
		d.err = ErrCorrupt
		return nil
	}
	raw := d.bytes(n * uint64(w))
	out := make([]uint64, n)
	for i := range out {
		var b [8]byte
		copy(b[:], raw[w*i:w*i+w])
		out[i] = binary.LittleEndian.Uint64(b[:])
	}
	return out
}

// part says how much of a record to decode: reading stops after it.
type part uint8

const (
	partMeta part = iota // metadata only
	partSet              // metadata and the shingle set
	partAll              // everything: also the band keys and the passages
)

// decodeArticle decodes a record up to the given part, leaving the later fields empty.
func decodeArticle(b []byte, upTo part) (*Article, error) {
	if len(b) == 0 || b[0] < 1 || b[0] > recordVersion {
		if len(b) > 0 {
			return nil, fmt.Errorf("%w: record version %d, this build reads 1 to %d", ErrCorrupt, b[0], recordVersion)
		}
		return nil, ErrCorrupt
	}
	version := b[0]
	d := &decoder{b: b[1:]}
	a := &Article{version: version}
	a.ID = d.string()
	a.Title = d.string()
	a.URL = d.string()
	a.Source = d.string()
	a.Date = d.string()
	a.DateUnix = d.varint()
	if x := d.bytes(d.uvarint()); len(x) > 0 {
		a.Extra = append([]byte(nil), x...)
	}
	if version >= 6 {
		a.Provenance = d.provenance()
	}
	a.TextLen = int(d.uvarint())
	a.Size = int(d.uvarint())
	raw := d.bytes(9)
	if d.err != nil {
		return nil, d.err
	}
	a.Digest = binary.LittleEndian.Uint64(raw)
	flags := raw[8]
	a.Full = flags&1 != 0
	if version == 3 || version >= 4 && flags&2 != 0 {
		a.ref.block = d.uvarint()
		off, n := d.uvarint(), d.uvarint()
		if d.err != nil || a.ref.block == 0 || off+n > 1<<32-1 {
			return nil, ErrCorrupt
		}
		a.ref.off, a.ref.n = uint32(off), uint32(n)
	}
	if upTo == partMeta {
		return a, nil
	}
	set := decodeSet
	if version >= 4 {
		set = decodePackedSet
	}
	var err error
	a.Set, d.b, err = set(nil, d.b)
	if err != nil {
		return nil, err
	}
	if upTo == partSet {
		return a, nil
	}
	bandW := 8
	if version >= 5 {
		bandW = keptBandBytes
	}
	a.Bands = d.keys(bandW)
	np := d.uvarint()
	if np > uint64(len(d.b)) {
		return nil, ErrCorrupt
	}
	for range np {
		start := d.uvarint()
		n := d.uvarint()
		if start+n > 1<<32-1 {
			return nil, ErrCorrupt
		}
		p := Passage{Start: uint32(start), End: uint32(start + n), Bands: d.keys(8)}
		if d.err != nil {
			return nil, d.err
		}
		var err error
		if p.Set, d.b, err = set(nil, d.b); err != nil {
			return nil, err
		}
		a.Passages = append(a.Passages, p)
	}
	if version < 5 || flags&4 != 0 {
		raw = d.bytes(8)
		if d.err != nil {
			return nil, d.err
		}
		if a.ContentKey = binary.LittleEndian.Uint64(raw); a.ContentKey == 0 && version >= 5 {
			return nil, ErrCorrupt // flagged, so not 0
		}
	}
	if version >= 5 {
		if a.Anchors, d.b, err = decodePackedSet(nil, d.b); err != nil {
			return nil, err
		}
		if len(a.Anchors) == 0 {
			a.Anchors = nil
		}
		for i := 1; i < len(a.Anchors); i++ {
			if a.Anchors[i] == a.Anchors[i-1] {
				return nil, ErrCorrupt // repeated
			}
		}
	} else if version >= 2 {
		n := d.uvarint()
		if d.err != nil || (n == 0 && version == 2) || n > uint64(len(d.b)) {
			return nil, ErrCorrupt
		}
		if n > 0 {
			a.Anchors = make([]uint32, n)
		}
		prev := uint64(0)
		for i := range a.Anchors {
			v := d.uvarint()
			if i > 0 {
				if v == 0 {
					return nil, ErrCorrupt // not increasing
				}
				v += prev
			}
			if d.err != nil || v > 1<<32-1 {
				return nil, ErrCorrupt
			}
			a.Anchors[i], prev = uint32(v), v
		}
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the record", ErrCorrupt, len(d.b))
	}
	return a, nil
}

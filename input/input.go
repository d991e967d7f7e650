package input

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// InputError is a line or file that could not become an article. Its text is "FILE:LINE: reason".
type InputError struct {
	File   string
	Line   int // 0 for a whole file
	Reason string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// OpenInput opens a file for reading, "-" meaning stdin, and decompresses gzip and zstd transparently (by their magic
// bytes, whatever the name). It also returns the file's size on disk when known (0 otherwise); read, if not nil,
// counts the bytes read from the file itself (before decompression), for progress.
func OpenInput(name string, stdin io.Reader, read *atomic.Int64) (io.ReadCloser, int64, error) {
	var rc io.ReadCloser
	var size int64
	if name == "-" {
		rc = io.NopCloser(stdin)
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, 0, err
		}
		if fi, err := f.Stat(); err == nil {
			if fi.IsDir() {
				f.Close()
				return nil, 0, fmt.Errorf("%s is a directory", name)
			}
			size = fi.Size()
		}
		rc = f
	}
	var src io.Reader = rc
	if read != nil {
		src = CountingReader{rc, read}
	}
	br := bufio.NewReaderSize(src, 1<<20)
	magic, _ := br.Peek(4)
	var r io.Reader = br
	var c io.Closer = rc
	switch compressionOf(magic) {
	case Zstd:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<31))
		if err != nil {
			rc.Close()
			return nil, 0, fmt.Errorf("%s: %w", name, err)
		}
		r, c = bufio.NewReaderSize(zr, 1<<20), closers{zr.IOReadCloser(), rc}
	case Gzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, 0, fmt.Errorf("%s: %w", name, err)
		}
		r = bufio.NewReaderSize(zr, 1<<20)
	}
	return struct {
		io.Reader
		io.Closer
	}{r, c}, size, nil
}

// The compressions OpenInput reads, by their magic bytes.
const (
	Gzip = "gzip"
	Zstd = "zstd"
)

// compressionOf names the compression a stream starting with magic has (Gzip, Zstd), or "" for none.
func compressionOf(magic []byte) string {
	switch {
	case len(magic) >= 4 && string(magic[:4]) == "\x28\xb5\x2f\xfd":
		return Zstd
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		return Gzip
	}
	return ""
}

// Compression names the compression of the file name as OpenInput finds it (Gzip, Zstd, or "" for none).
func Compression(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	return compressionOf(magic[:n]), nil
}

// closers closes each of its closers, returning the first error.
type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// CountingReader adds the bytes read through R to N, for progress reports.
type CountingReader struct {
	R io.Reader
	N *atomic.Int64
}

func (c CountingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N.Add(int64(n))
	return n, err
}

// ReadJSONL reads JSON Lines articles from r, calling emit for each good line and bad for each bad one. Memory
// holds one line at a time; a line over MaxLineBytes is rejected without being held (the rest of it is skipped).
// A UTF-8 byte order mark at the start is skipped; blank lines are skipped. Each line is an object with a
// string or numeric "id" (a number becomes its JSON text: 42 is "42") and a string "text"; "title", "url",
// "date" and "source" are used when they are strings; every other field is kept as metadata. Invalid UTF-8 in
// a text is replaced by U+FFFD, which separates words; in an id it is rejected. emit's error stops the reading
// and is returned.
func ReadJSONL(r io.Reader, name string, emit func(*Doc) error, bad func(*InputError)) error {
	return ReadJSONLFields(r, name, DefaultFields, emit, bad)
}

// ReadJSONLFields is ReadJSONL with the article's fields named by f (Fields.WithDefaults is applied).
func ReadJSONLFields(r io.Reader, name string, f Fields, emit func(*Doc) error, bad func(*InputError)) error {
	f = f.WithDefaults()
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<20)
	}
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	var line []byte
	for n := 1; ; n++ {
		line = line[:0]
		var err error
		long := 0 // bytes of an overlong line, skipped
		for {
			var frag []byte
			frag, err = br.ReadSlice('\n')
			if long > 0 || len(line)+len(frag) > MaxLineBytes {
				long += len(line) + len(frag)
				line = line[:0]
			} else {
				line = append(line, frag...)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			// A read error (a truncated or corrupt gzip stream) cuts the line it falls in: the file's one
			// rejection is the error, which names that line; what came before is read.
			return fmt.Errorf("%s:%d: %w (the file cannot be read past this line)", name, n, err)
		}
		switch {
		case long > 0:
			bad(&InputError{File: name, Line: n, Reason: fmt.Sprintf("line of %d bytes (the longest read is %d: an article of at most %d bytes)", long, MaxLineBytes, MaxArticleBytes)})
		case len(bytes.TrimSpace(line)) > 0:
			d, perr := ParseDocFields(line, f)
			if perr != nil {
				bad(&InputError{File: name, Line: n, Reason: perr.Error()})
			} else if eerr := emit(d); eerr != nil {
				return eerr
			}
		}
		if err == io.EOF {
			return nil
		}
		if cap(line) > 4<<20 {
			line = nil // do not keep a large buffer after a large line
		}
	}
}

// ParseDoc parses one JSON article.
func ParseDoc(line []byte) (*Doc, error) {
	if d, ok := parseDocFast(line); ok {
		return d, nil
	}
	return parseDoc(line)
}

// Fields name the input fields an article is made of (JSON keys, Parquet columns). Zero fields take the
// defaults: id, text, title, url, date, source. Every other field is kept as metadata.
type Fields struct {
	ID, Text, Title, URL, Date, Source string
}

// DefaultFields are the field names of an article as neardup writes and reads it.
var DefaultFields = Fields{ID: "id", Text: "text", Title: "title", URL: "url", Date: "date", Source: "source"}

// WithDefaults returns f with its empty names taken from DefaultFields.
func (f Fields) WithDefaults() Fields {
	d := DefaultFields
	for _, p := range []struct{ dst, def *string }{{&f.ID, &d.ID}, {&f.Text, &d.Text}, {&f.Title, &d.Title}, {&f.URL, &d.URL}, {&f.Date, &d.Date}, {&f.Source, &d.Source}} {
		if *p.dst == "" {
			*p.dst = *p.def
		}
	}
	return f
}

// field returns where the value of the field named key goes in d, and its bit (nil and 0: metadata).
func (f *Fields) field(d *Doc, key string) (*string, uint8) {
	switch key {
	case f.ID:
		return &d.ID, fieldID
	case f.Text:
		return &d.Text, fieldText
	case f.Title:
		return &d.Title, fieldTitle
	case f.URL:
		return &d.URL, fieldURL
	case f.Date:
		return &d.Date, fieldDate
	case f.Source:
		return &d.Source, fieldSource
	}
	return nil, 0
}

// ParseDocFields is ParseDoc with the fields named by f (WithDefaults applied by the caller).
func ParseDocFields(line []byte, f Fields) (*Doc, error) {
	if f == DefaultFields {
		return ParseDoc(line)
	}
	return parseDocWith(line, &f)
}

// parseDoc is ParseDoc's general path: any JSON object, every error with its reason.
func parseDoc(line []byte) (*Doc, error) { return parseDocWith(line, &DefaultFields) }

func parseDocWith(line []byte, f *Fields) (*Doc, error) {
	if !utf8.Valid(line) {
		// An id with invalid bytes would become another id once they are replaced: refuse it rather than merge
		// two articles.
		var raw struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(line, &raw) == nil && !utf8.Valid(raw.ID) {
			return nil, errors.New(`"id" is not valid UTF-8`)
		}
		line = bytes.ToValidUTF8(line, []byte("\uFFFD"))
	}
	t := bytes.TrimSpace(line)
	if len(t) > 0 && t[0] != '{' && json.Valid(t) {
		return nil, errors.New("not a JSON object")
	}
	if len(t) > 0 && t[0] != '{' && t[0] != '[' {
		return nil, errors.New("not JSON (plain text? use --format text)")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
		}
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	d := &Doc{}
	raw, ok := m[f.ID]
	if !ok {
		return nil, fmt.Errorf("missing %q", f.ID)
	}
	if err := json.Unmarshal(raw, &d.ID); err != nil {
		var num json.Number
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if dec.Decode(&num) != nil {
			return nil, fmt.Errorf("%q must be a string or a number", f.ID)
		}
		d.ID = num.String()
	}
	if err := checkField(f.ID, d.ID, MaxIDBytes, "the longest is"); err != nil {
		return nil, err
	}
	raw, ok = m[f.Text]
	if !ok {
		return nil, fmt.Errorf("missing %q", f.Text)
	}
	if d.Text, ok = jsonString(raw); !ok {
		return nil, fmt.Errorf("%q must be a string", f.Text)
	}
	if len(d.Text) > MaxArticleBytes {
		return nil, fmt.Errorf("%q of %d bytes (the largest article is %d)", f.Text, len(d.Text), MaxArticleBytes)
	}
	var extra []rawField
	for k, v := range m {
		dst, field := f.field(d, k)
		if field == fieldID || field == fieldText {
			continue
		}
		if dst != nil {
			if *dst, ok = jsonString(v); ok {
				continue
			}
		}
		extra = append(extra, rawField{[]byte(k), bytes.TrimSpace(v)})
	}
	d.Extra = extraObject(extra)
	return d, nil
}

// The fields of a JSON article that have a place of their own in Doc, one bit each.
const (
	fieldID uint8 = 1 << iota
	fieldText
	fieldTitle
	fieldURL
	fieldDate
	fieldSource
)

// docField returns where the string value of the JSON field key goes in d, and its bit (0 and nil: an other
// field, kept in Extra).
func docField(d *Doc, key string) (*string, uint8) {
	switch key {
	case "id":
		return &d.ID, fieldID
	case "text":
		return &d.Text, fieldText
	case "title":
		return &d.Title, fieldTitle
	case "url":
		return &d.URL, fieldURL
	case "date":
		return &d.Date, fieldDate
	case "source":
		return &d.Source, fieldSource
	}
	return nil, 0
}

// checkField refuses an empty id or one over max bytes, naming the field.
func checkField(name, id string, max int, what string) error {
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("empty %q", name)
	}
	if len(id) > max {
		return fmt.Errorf("%q of %d bytes (%s %d)", name, len(id), what, max)
	}
	return nil
}

// rawField is a JSON field as it was written: its key, and its value, valid JSON.
type rawField struct{ key, raw []byte }

// extraObject returns the other fields of an article as one JSON object with sorted keys (nil for none); fields
// is sorted in place.
func extraObject(fields []rawField) json.RawMessage {
	if len(fields) == 0 {
		return nil
	}
	slices.SortFunc(fields, func(a, b rawField) int { return bytes.Compare(a.key, b.key) })
	b := []byte{'{'}
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		kq, _ := json.Marshal(string(f.key))
		b = append(b, kq...)
		b = append(b, ':')
		b = append(b, f.raw...)
	}
	return append(b, '}')
}

// jsonString decodes a JSON string value that the decoder has already validated, without validating it again:
// a string without escapes is copied as it is.
func jsonString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	var b strings.Builder
	b.Grow(len(body))
	for {
		i := bytes.IndexByte(body, '\\')
		if i < 0 {
			b.Write(body)
			return b.String(), true
		}
		b.Write(body[:i])
		if i+1 >= len(body) {
			return "", false
		}
		switch c := body[i+1]; c {
		case '"', '\\', '/':
			b.WriteByte(c)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(body[i+2:])
			if !ok {
				return "", false
			}
			n := 6
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(0), false
				if len(body) >= i+12 && body[i+6] == '\\' && body[i+7] == 'u' {
					r2, ok2 = hex4(body[i+8:])
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
					r, n = dec, 12
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
			body = body[i+n:]
			continue
		default:
			return "", false
		}
		body = body[i+2:]
	}
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// Package warc reads WARC files (ISO 28500) as crawlers really write them, and turns HTML responses into
// articles. The reader tolerates what real files hold: per-record gzip members or one member for the whole
// file or none, WARC/0.1x to 1.1 headers, LF-only header lines, wrong Content-Length, truncated files. An
// unreadable record is returned as a *RecordError with its byte offset, and reading resumes at the next record.
package warc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// MaxBlock is the largest record block read; a larger record is reported and skipped.
const MaxBlock = 64 << 20

// Record is one WARC record.
type Record struct {
	// Offset is the byte offset of the record in the file: of its gzip member in a compressed file.
	Offset  int64
	Version string
	Header  Header
	Block   []byte
}

// Header holds a record's named fields, looked up case-insensitively.
type Header map[string]string

// Get returns a field's value, "" when absent.
func (h Header) Get(name string) string { return h[strings.ToLower(name)] }

// Type returns WARC-Type, lower-cased.
func (r *Record) Type() string { return strings.ToLower(r.Header.Get("WARC-Type")) }

// RecordError is a record that could not be read.
type RecordError struct {
	Offset int64
	Reason string
}

func (e *RecordError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Reason) }

// Reader reads records from a WARC file. It is not safe for concurrent use.
type Reader struct {
	src    *countingReader
	br     *bufio.Reader // over the file
	stream *bufio.Reader // over the records: the file, or its gzip members decompressed one after another
	ms     *memberStream // gzip files only
	pos    int64         // bytes of stream consumed
	done   bool
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// NewReader returns a Reader over a .warc or .warc.gz stream (gzip is detected by its magic bytes).
func NewReader(r io.Reader) *Reader {
	src := &countingReader{r: r}
	br := bufio.NewReaderSize(src, 1<<16)
	rd := &Reader{src: src, br: br}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		rd.ms = &memberStream{rd: rd}
		rd.stream = bufio.NewReaderSize(rd.ms, 1<<16)
	} else {
		rd.stream = br
	}
	return rd
}

// offset is the number of file bytes consumed so far.
func (r *Reader) offset() int64 { return r.src.n - int64(r.br.Buffered()) }

// Next returns the next record, a *RecordError for an unreadable one (call Next again to go on), or io.EOF.
func (r *Reader) Next() (*Record, error) {
	if r.ms != nil && len(r.ms.errs) > 0 {
		e := r.ms.errs[0]
		r.ms.errs = r.ms.errs[1:]
		return nil, e
	}
	if r.done {
		return nil, io.EOF
	}
	rec, err := readRecord(r.stream, &r.pos, 0)
	if r.ms != nil {
		// Offsets in a compressed file are those of the gzip member where the record starts.
		var off int64
		if rec != nil {
			off = r.ms.fileOffset(rec.Offset)
			rec.Offset = off
		}
		var re *RecordError
		if errors.As(err, &re) {
			re.Offset = r.ms.fileOffset(re.Offset)
			// A record cut short by a broken gzip member is one problem, reported (and counted) once: the
			// member's error becomes the record error's cause.
			kept := r.ms.errs[:0]
			for _, me := range r.ms.errs {
				if me.Offset == re.Offset {
					re.Reason += " (" + me.Reason + ")"
					continue
				}
				kept = append(kept, me)
			}
			r.ms.errs = kept
		}
	}
	if errors.Is(err, io.EOF) {
		if r.ms != nil && len(r.ms.errs) > 0 {
			return r.Next()
		}
		r.done = true
	}
	return rec, err
}

// memberStream decompresses a file's gzip members one after another into one stream, remembering where in the
// stream each member starts, so that a record split across members reads whole and every record knows the file
// offset of its member. A corrupt or truncated member ends where its data ends; it is reported, and reading
// resumes at the next gzip header.
type memberStream struct {
	rd     *Reader
	zr     *gzip.Reader
	starts []memberStart
	dpos   int64 // decompressed bytes produced
	errs   []*RecordError
	eof    bool
}

type memberStart struct{ dpos, off int64 }

func (m *memberStream) fileOffset(dpos int64) int64 {
	off := int64(0)
	for _, s := range m.starts {
		if s.dpos > dpos {
			break
		}
		off = s.off
	}
	return off
}

func (m *memberStream) Read(p []byte) (int, error) {
	for {
		if m.eof {
			return 0, io.EOF
		}
		if m.zr == nil {
			if _, err := m.rd.br.Peek(1); err != nil {
				m.eof = true
				return 0, io.EOF
			}
			off := m.rd.offset()
			zr, err := gzip.NewReader(m.rd.br)
			if err != nil {
				m.errs = append(m.errs, &RecordError{Offset: off, Reason: "bad gzip member: " + err.Error()})
				m.rd.resync(off)
				continue
			}
			zr.Multistream(false)
			m.zr = zr
			// Drop starts no record can point to any more, keeping the list short.
			if len(m.starts) > 64 {
				m.starts = m.starts[len(m.starts)-32:]
			}
			m.starts = append(m.starts, memberStart{m.dpos, off})
		}
		n, err := m.zr.Read(p)
		m.dpos += int64(n)
		if err == io.EOF {
			m.zr = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			off := m.starts[len(m.starts)-1].off
			m.errs = append(m.errs, &RecordError{Offset: off, Reason: "truncated or corrupt gzip member: " + err.Error()})
			m.zr = nil
			m.rd.resync(off)
		}
		if n > 0 {
			return n, nil
		}
	}
}

// resync moves the file position to the next gzip header after a member that failed at off.
func (r *Reader) resync(off int64) {
	for {
		b, err := r.br.Peek(3)
		if err != nil || len(b) < 3 {
			if _, err := r.br.Discard(max(1, r.br.Buffered())); err != nil {
				return
			}
			continue
		}
		if b[0] == 0x1f && b[1] == 0x8b && b[2] == 8 && r.offset() > off {
			return
		}
		r.br.Discard(1)
	}
}

// readLine reads one line without its LF or CRLF, counting bytes into pos.
func readLine(br *bufio.Reader, pos *int64) (string, error) {
	line, err := br.ReadString('\n')
	*pos += int64(len(line))
	if err != nil && (err != io.EOF || line == "") {
		return strings.TrimRight(line, "\r\n"), err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readRecord reads one record at the reader's position; base is added to offsets in errors.
func readRecord(br *bufio.Reader, pos *int64, base int64) (*Record, error) {
	// Skip blank lines between records.
	var line string
	var err error
	var start int64
	for {
		start = *pos
		line, err = readLine(br, pos)
		if err != nil {
			if line == "" {
				return nil, io.EOF
			}
			return nil, &RecordError{Offset: base + start, Reason: "truncated record header"}
		}
		if line != "" {
			break
		}
	}
	if !strings.HasPrefix(line, "WARC/") {
		// Garbage (a block longer than its Content-Length said, say): skip to the next record header.
		for {
			b, err := br.Peek(5)
			if err != nil {
				*pos += int64(br.Buffered())
				br.Discard(br.Buffered())
				return nil, &RecordError{Offset: base + start, Reason: "no WARC record header; skipped to the end"}
			}
			if string(b) == "WARC/" {
				return nil, &RecordError{Offset: base + start, Reason: fmt.Sprintf("no WARC record header (skipped to offset %d)", base+*pos)}
			}
			readLine(br, pos)
		}
	}
	rec := &Record{Offset: base + start, Version: strings.TrimPrefix(line, "WARC/"), Header: Header{}}
	last := ""
	for {
		line, err = readLine(br, pos)
		if err != nil {
			return nil, &RecordError{Offset: rec.Offset, Reason: "truncated record header"}
		}
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			rec.Header[last] += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue // tolerate a malformed header line
		}
		last = strings.ToLower(strings.TrimSpace(name))
		rec.Header[last] = strings.TrimSpace(value)
	}
	n, err := strconv.ParseInt(rec.Header.Get("Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return nil, &RecordError{Offset: rec.Offset, Reason: fmt.Sprintf("bad Content-Length %q", rec.Header.Get("Content-Length"))}
	}
	if n > MaxBlock {
		m, _ := br.Discard(int(min(n, 1<<62)))
		*pos += int64(m)
		return nil, &RecordError{Offset: rec.Offset, Reason: fmt.Sprintf("block of %d bytes over the %d limit", n, MaxBlock)}
	}
	rec.Block = make([]byte, n)
	m, err := io.ReadFull(br, rec.Block)
	*pos += int64(m)
	if err != nil {
		return nil, &RecordError{Offset: rec.Offset, Reason: fmt.Sprintf("truncated block: %d of %d bytes", m, n)}
	}
	// The two CRLFs (or LFs) that end a record.
	for range 4 {
		b, err := br.Peek(1)
		if err != nil || (b[0] != '\r' && b[0] != '\n') {
			break
		}
		br.Discard(1)
		*pos++
	}
	return rec, nil
}

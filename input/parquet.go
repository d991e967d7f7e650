package input

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// ErrNoColumn says that a Parquet file has no column of the name Fields gives for an article's id or text.
var ErrNoColumn = errors.New("no column")

// ReadParquet reads the rows of a Parquet file (r, of size bytes) as articles, row group by row group: memory
// holds one group's pages, never the file. Each row is an article of the columns f names (Fields.WithDefaults:
// id, text, title, url, date, source); an integer id becomes its decimal text, a timestamp or date column of
// the date its RFC 3339 form. The other top-level columns are kept as metadata, as JSON Lines keeps them:
// strings as they are, numbers and booleans as JSON, timestamps and dates as RFC 3339 strings, nulls left out;
// nested and repeated columns are left out. A row without an id or text is reported to bad (its Line is the
// row's number from 1) and reading goes on; emit's error stops it and is returned.
func ReadParquet(r io.ReaderAt, size int64, name string, f Fields, emit func(*Doc) error, bad func(*InputError)) error {
	f = f.WithDefaults()
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return fmt.Errorf("%s: not a Parquet file: %v", name, err)
	}
	cols := pqColumns(pf.Schema())
	if !slices.ContainsFunc(cols, func(c pqColumn) bool { return c.name == f.Text }) {
		return fmt.Errorf("%s: %w %q for the text (the columns: %s)", name, ErrNoColumn, f.Text, pqNames(cols))
	}
	if !slices.ContainsFunc(cols, func(c pqColumn) bool { return c.name == f.ID }) {
		return fmt.Errorf("%s: %w %q for the id (the columns: %s)", name, ErrNoColumn, f.ID, pqNames(cols))
	}
	byIndex := map[int]*pqColumn{}
	for i := range cols {
		byIndex[cols[i].index] = &cols[i]
	}
	rowNum := 0
	buf := make([]parquet.Row, 64)
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				rowNum++
				d, reason := pqDoc(row, byIndex, &f)
				if reason != "" {
					bad(&InputError{File: name, Line: rowNum, Reason: reason})
					continue
				}
				if err := emit(d); err != nil {
					rows.Close()
					return err
				}
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rows.Close()
				return fmt.Errorf("%s: row %d: %w (the file cannot be read past this row)", name, rowNum+1, err)
			}
		}
		rows.Close()
	}
	return nil
}

// pqColumn is a top-level leaf column of a Parquet schema.
type pqColumn struct {
	name  string
	index int
	// unit is the time unit of a timestamp column (0: not one); date says a date column (days since 1970).
	unit time.Duration
	date bool
}

// pqColumns returns the schema's top-level, non-repeated leaf columns.
func pqColumns(s *parquet.Schema) []pqColumn {
	var out []pqColumn
	for i, path := range s.Columns() {
		if len(path) != 1 {
			continue // nested: left out
		}
		leaf, ok := s.Lookup(path...)
		if !ok || leaf.MaxRepetitionLevel > 0 {
			continue
		}
		c := pqColumn{name: path[0], index: i}
		if lt := leaf.Node.Type().LogicalType(); lt != nil {
			switch v := lt.Value.(type) {
			case *format.TimestampType:
				if v.Unit.Value != nil {
					c.unit = v.Unit.Value.Duration()
				}
			case *format.DateType:
				c.date = true
			}
		}
		out = append(out, c)
	}
	return out
}

func pqNames(cols []pqColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// pqDoc makes the article of one row, or says why it cannot.
func pqDoc(row parquet.Row, cols map[int]*pqColumn, f *Fields) (*Doc, string) {
	d := &Doc{}
	var have uint8
	var extra []rawField
	for _, v := range row {
		c := cols[v.Column()]
		if c == nil || v.IsNull() {
			continue
		}
		s, js := pqValue(v, c)
		if dst, bit := f.field(d, c.name); dst != nil {
			*dst = s
			have |= bit
			continue
		}
		if js != nil {
			extra = append(extra, rawField{[]byte(c.name), js})
		}
	}
	switch {
	case have&fieldID == 0:
		return nil, fmt.Sprintf("missing %q", f.ID)
	case have&fieldText == 0:
		return nil, fmt.Sprintf("missing %q", f.Text)
	case !utf8.ValidString(d.ID):
		return nil, fmt.Sprintf("%q is not valid UTF-8", f.ID)
	case len(d.Text) > MaxArticleBytes:
		return nil, fmt.Sprintf("%q of %d bytes (the largest article is %d)", f.Text, len(d.Text), MaxArticleBytes)
	}
	if err := checkField(f.ID, d.ID, MaxIDBytes, "the longest is"); err != nil {
		return nil, err.Error()
	}
	if !utf8.ValidString(d.Text) {
		d.Text = strings.ToValidUTF8(d.Text, "\uFFFD")
	}
	d.Extra = extraObject(extra)
	return d, ""
}

// pqValue returns a value as a string (for the article's own fields) and as JSON (for metadata).
func pqValue(v parquet.Value, c *pqColumn) (string, json.RawMessage) {
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		s := string(v.ByteArray())
		j, _ := json.Marshal(strings.ToValidUTF8(s, "\uFFFD"))
		return s, j
	case parquet.Boolean:
		s := strconv.FormatBool(v.Boolean())
		return s, json.RawMessage(s)
	case parquet.Int32, parquet.Int64:
		n := v.Int64()
		switch {
		case c.unit > 0:
			t := time.Unix(0, 0).Add(time.Duration(n) * c.unit).UTC().Format(time.RFC3339Nano)
			return t, json.RawMessage(strconv.Quote(t))
		case c.date:
			t := time.Unix(n*86400, 0).UTC().Format("2006-01-02")
			return t, json.RawMessage(strconv.Quote(t))
		}
		s := strconv.FormatInt(n, 10)
		return s, json.RawMessage(s)
	case parquet.Float, parquet.Double:
		x := v.Double()
		if v.Kind() == parquet.Float {
			x = float64(v.Float())
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", nil
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		return s, json.RawMessage(s)
	}
	s := v.String()
	j, _ := json.Marshal(s)
	return s, j
}

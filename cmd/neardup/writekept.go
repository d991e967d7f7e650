package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
)

// keptStats count what writeKept wrote.
type keptStats struct {
	files, kept, dropped, skipped int
}

// writeKept writes into the folder out, for each input file, the file as it was less the records of the
// articles dropped (a duplicate, not the kept copy of its cluster): JSON Lines line by line, each kept line
// byte for byte as read (compressed again, gzip or zstd, when read so); Parquet row by row, the rows as read, in the input's
// schema. Lines and rows that are no article (rejected when indexed) are left out and counted as skipped. Each
// output file is written beside its name and renamed into place when whole.
func writeKept(ctx context.Context, files []string, out string, asParquet bool, fields input.Fields, dropped map[string]bool) (keptStats, error) {
	var st keptStats
	if err := os.MkdirAll(out, 0o755); err != nil {
		return st, err
	}
	seen := map[string]bool{}
	for _, name := range files {
		if name == "-" {
			return st, errors.New("--write-kept cannot read standard input twice: give the input as files")
		}
		base := filepath.Base(name)
		if seen[base] {
			return st, fmt.Errorf("--write-kept: two inputs named %s: the kept corpus keeps file names", base)
		}
		seen[base] = true
		dst := filepath.Join(out, base)
		var err error
		if asParquet || strings.HasSuffix(strings.ToLower(name), ".parquet") {
			err = keptParquet(ctx, name, dst, fields, dropped, &st)
		} else {
			err = keptJSONL(ctx, name, dst, fields, dropped, &st)
		}
		if err != nil {
			return st, err
		}
		st.files++
	}
	return st, nil
}

// create opens dst's temporary twin; commit closes and renames it into place.
func create(dst string) (*os.File, func() error, error) {
	tmp := dst + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, nil, err
	}
	return f, func() error {
		if err := f.Close(); err != nil {
			return err
		}
		return os.Rename(tmp, dst)
	}, nil
}

func keptJSONL(ctx context.Context, name, dst string, fields input.Fields, dropped map[string]bool, st *keptStats) error {
	kind, err := input.Compression(name)
	if err != nil {
		return err
	}
	rc, _, err := input.OpenInput(name, nil, nil)
	if err != nil {
		return err
	}
	defer rc.Close()
	f, commit, err := create(dst)
	if err != nil {
		return err
	}
	defer os.Remove(dst + ".partial")
	var w io.Writer = f
	var zw io.WriteCloser
	switch kind {
	case input.Gzip:
		zw = gzip.NewWriter(f)
	case input.Zstd:
		if zw, err = zstd.NewWriter(f); err != nil {
			return err
		}
	}
	if zw != nil {
		w = zw
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	br := bufio.NewReaderSize(rc, 1<<20)
	fields = fields.WithDefaults()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, rerr := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			d, perr := input.ParseDocFields(line, fields)
			switch {
			case perr != nil:
				st.skipped++
			case dropped[d.ID]:
				st.dropped++
			default:
				st.kept++
				if line[len(line)-1] != '\n' {
					line = append(line, '\n')
				}
				if _, err := bw.Write(line); err != nil {
					return err
				}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("%s: %w", name, rerr)
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return commit()
}

func keptParquet(ctx context.Context, name, dst string, fields input.Fields, dropped map[string]bool, st *keptStats) error {
	in, err := os.Open(name)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	// The ids in row order, as the index read them, then the rows themselves, kept or not by their id.
	var ids []string
	var bad []int
	err = input.ReadParquet(in, fi.Size(), name, fields, func(d *neardup.Doc) error {
		ids = append(ids, d.ID)
		return ctx.Err()
	}, func(ie *input.InputError) {
		bad = append(bad, ie.Line)
		ids = append(ids, "")
	})
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(in, fi.Size())
	if err != nil {
		return err
	}
	f, commit, err := create(dst)
	if err != nil {
		return err
	}
	defer os.Remove(dst + ".partial")
	w := parquet.NewWriter(f, pf.Schema())
	buf := make([]parquet.Row, 64)
	i := 0
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		for {
			n, rerr := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				id := ids[i]
				i++
				switch {
				case id == "":
					st.skipped++
				case dropped[id]:
					st.dropped++
				default:
					st.kept++
					if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
						rows.Close()
						return err
					}
				}
			}
			if errors.Is(rerr, io.EOF) {
				break
			}
			if rerr != nil {
				rows.Close()
				return fmt.Errorf("%s: %w", name, rerr)
			}
		}
		rows.Close()
	}
	if err := w.Close(); err != nil {
		return err
	}
	return commit()
}

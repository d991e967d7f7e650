package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/neardup/neardup/internal/warc"
)

// A Source streams the articles of one run's files, in file order.
type Source interface {
	// Read hands each article to emit and each record or file that cannot become one to bad (an *InputError,
	// a *warc.RecordError, or the error opening or reading a file), going on with the next; it stops early only
	// when emit fails (its error is returned) or ctx is done.
	Read(ctx context.Context, emit func(*Doc) error, bad func(error)) error
}

// Options say how a run's files are read.
type Options struct {
	// Fields name the article's fields of JSON Lines and Parquet input (Fields.WithDefaults applies).
	Fields Fields
	// Stdin is what "-" reads.
	Stdin io.Reader
	// Read, if set, counts the bytes read from the files (before decompression), for progress.
	Read *atomic.Int64
	// IDFrom chooses the ids of WARC articles (default the normalised target URI).
	IDFrom warc.IDFrom
	// Known, if set, reports whether a WARC payload digest is indexed already: such a response is an exact copy,
	// given without its text (Doc.ContentKey, Doc.Full).
	Known func(digest string) bool
	// Page, if set, is told of each crawled page (HTML or WARC) just before its article is emitted: the keys of
	// the whole page's text blocks and how to extract it again (nil when it cannot be: a WARC read from stdin).
	Page func(d *Doc, blocks []uint64, again Again)
	// Crawl, if set, adds up what the HTML and WARC input held.
	Crawl *CrawlStats
}

// Again extracts a crawled page once more from where it was read, with the elements drop reports true for
// taken out of the page first (nil: none).
type Again func(drop func(text string) bool) (*warc.Page, error)

// Format is one kind of input.
type Format struct {
	Name string
	// Help says what the format reads, for --format's help.
	Help string
	// Claims are the endings (in any case) of file names read in this format whatever format a run names.
	Claims []string
	// Under are the endings of the files a folder given stands for (nil: a folder is refused).
	Under []string
	// source reads files of the format.
	source func(files []string, o *Options) Source
}

// Formats are the input formats, the default first.
var Formats = []*Format{
	{Name: "jsonl", Help: "one JSON article per line (.gz and .zst read transparently)", source: jsonlSource(false)},
	{Name: "parquet", Help: "Parquet shards, or folders of them (a file named .parquet is read as parquet whatever the format)",
		Claims: []string{".parquet"}, Under: []string{".parquet"}, source: parquetSource},
	{Name: "text", Help: "each file one article, its id the path", source: jsonlSource(true)},
	{Name: "html", Help: "saved HTML pages, or folders of them: main text extracted, id the URL they declare or their path",
		Under: []string{".html", ".htm", ".html.gz", ".htm.gz"}, source: htmlSource},
	{Name: "warc", Help: "HTML responses of .warc/.warc.gz files (files so named are read as warc whatever the format)",
		Claims: []string{".warc", ".warc.gz"}, source: warcSource},
}

// Lookup returns the format called name.
func Lookup(name string) (*Format, error) {
	for _, f := range Formats {
		if f.Name == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", name, strings.Join(FormatNames(), ", "))
}

// FormatNames lists the formats' names.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}

// claimedBy returns the format whose Claims name the file, or nil.
func claimedBy(name string) *Format {
	l := strings.ToLower(name)
	for _, f := range Formats {
		if slices.ContainsFunc(f.Claims, func(s string) bool { return strings.HasSuffix(l, s) }) {
			return f
		}
	}
	return nil
}

// ErrStdinTwice refuses a run that names "-" (stdin) more than once.
var ErrStdinTwice = errors.New(`"-" (stdin) given twice`)

// Check refuses, before any work, files that do not exist and folders given where the format reads no folders.
func (f *Format) Check(files []string) error {
	stdin := 0
	for _, name := range files {
		if name == "-" {
			if stdin++; stdin > 1 {
				return ErrStdinTwice
			}
			continue
		}
		fi, err := os.Stat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("%s: no such file", name)
		case err != nil:
			return err
		case fi.IsDir() && f.Under == nil:
			return fmt.Errorf("%s is a folder (give its files, --format html for a folder of saved pages, or --format parquet for a folder of shards)", name)
		}
	}
	return nil
}

// Open returns the Source of files read as f: folders stand for the files under them (Under), and a file whose
// name another format claims (a .parquet or .warc.gz among JSON Lines) is read as that one, in its place.
func (f *Format) Open(files []string, o *Options) Source {
	if o == nil {
		o = &Options{}
	}
	return &run{f: f, files: files, o: o}
}

// run is the Source of Format.Open: consecutive files of one format are read by one source of that format.
type run struct {
	f     *Format
	files []string
	o     *Options
}

func (r *run) Read(ctx context.Context, emit func(*Doc) error, bad func(error)) error {
	files := r.f.Expand(r.files, bad)
	for len(files) > 0 {
		f := claimedBy(files[0])
		if f == nil || files[0] == "-" {
			f = r.f
		}
		n := 1
		for n < len(files) && files[n] != "-" && (claimedBy(files[n]) == f || claimedBy(files[n]) == nil && f == r.f) {
			n++
		}
		if err := f.source(files[:n], r.o).Read(ctx, emit, bad); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		files = files[n:]
	}
	return nil
}

// Expand returns the files names stand for: folders the files under them (Under) in name order, files and "-"
// themselves. A name that cannot be read goes to bad.
func (f *Format) Expand(names []string, bad func(error)) []string {
	var files []string
	for _, name := range names {
		if f.Under == nil || name == "-" {
			files = append(files, name)
			continue
		}
		under, err := filesUnder(name, f.Under)
		if err != nil {
			bad(err)
			continue
		}
		files = append(files, under...)
	}
	return files
}

// filesUnder is name itself when it is a file, and else the files under the folder whose names end in one of
// suffixes (in any case), in name order.
func filesUnder(name string, suffixes []string) ([]string, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{name}, nil
	}
	var out []string
	filepath.WalkDir(name, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			l := strings.ToLower(p)
			if slices.ContainsFunc(suffixes, func(s string) bool { return strings.HasSuffix(l, s) }) {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, nil
}

// sourceFunc is a Source of one function.
type sourceFunc func(ctx context.Context, emit func(*Doc) error, bad func(error)) error

func (s sourceFunc) Read(ctx context.Context, emit func(*Doc) error, bad func(error)) error {
	return s(ctx, emit, bad)
}

// jsonlSource reads JSON Lines files, or (text) each file as one article whose id is its name.
func jsonlSource(text bool) func(files []string, o *Options) Source {
	return func(files []string, o *Options) Source {
		return sourceFunc(func(ctx context.Context, emit func(*Doc) error, bad func(error)) error {
			for _, name := range files {
				rc, _, err := OpenInput(name, o.Stdin, o.Read)
				if err != nil {
					bad(err)
					continue
				}
				if text {
					data, err := io.ReadAll(rc)
					rc.Close()
					if err != nil {
						bad(fmt.Errorf("%s: %w", name, err))
						continue
					}
					if err := emit(&Doc{ID: name, Text: string(data)}); err != nil {
						return err
					}
					continue
				}
				err = ReadJSONLFields(rc, name, o.Fields, stopping(emit), func(ie *InputError) { bad(ie) })
				rc.Close()
				if ctx.Err() != nil {
					return ctx.Err()
				}
				var stop emitError
				if errors.As(err, &stop) {
					return stop.err
				}
				if err != nil {
					// A read error part way (a truncated or corrupt gzip stream): what came before was emitted.
					bad(err)
				}
			}
			return nil
		})
	}
}

// emitError carries emit's error out of a reader, apart from the reader's own errors.
type emitError struct{ err error }

func (e emitError) Error() string { return e.err.Error() }

// stopping wraps emit so that its errors come back as emitError.
func stopping(emit func(*Doc) error) func(*Doc) error {
	return func(d *Doc) error {
		if err := emit(d); err != nil {
			return emitError{err}
		}
		return nil
	}
}

// parquetSource reads Parquet files row group by row group.
func parquetSource(files []string, o *Options) Source {
	return sourceFunc(func(ctx context.Context, emit func(*Doc) error, bad func(error)) error {
		for _, name := range files {
			f, err := os.Open(name)
			if err != nil {
				bad(err)
				continue
			}
			fi, err := f.Stat()
			if err != nil {
				f.Close()
				bad(err)
				continue
			}
			err = ReadParquet(f, fi.Size(), name, o.Fields, stopping(emit), func(ie *InputError) { bad(ie) })
			f.Close()
			if o.Read != nil {
				o.Read.Add(fi.Size())
			}
			var stop emitError
			switch {
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.As(err, &stop):
				return stop.err
			case errors.Is(err, ErrNoColumn):
				bad(fmt.Errorf("%w; --id-field and --text-field name the columns", err))
			case err != nil:
				bad(err)
			}
		}
		return nil
	})
}

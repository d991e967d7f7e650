package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
)

type dedupeOpts struct {
	db          string
	threshold   float64
	dropList    string
	ignoreBP    bool
	passageFile string
	writeKept   string
	window      time.Duration
	minSh       int
	remote      remote
	build       buildFlags
}

func init() {
	commands = append(commands, &command{
		name:  "dedupe",
		usage: "[--db DIR] [--threshold J] [--window DURATION] [--drop-list FILE] [--write-kept DIR] [FILE...]",
		short: "cluster the index into near-duplicate groups and say which article to keep",
		long: `The nightly job. Indexes FILEs first, if any are given (as neardup index does), then clusters the
whole index: articles joined by a verified Jaccard similarity >= J, connected components. Prints JSON
Lines, one line per cluster of two or more articles, ordered by the kept id:

  {"keep": "a1", "members": [{"id": "a1", "jaccard": 1, "title": "...", "url": "...", "date": "..."},
                             {"id": "a7", "jaccard": 0.93, "title": "..."}]}

members include the kept article; jaccard is each member's exact similarity to it (a member joined
through a chain may fall below J); title, url and date are given when known. The kept article is the
earliest by date (articles without a parseable date come after dated ones), then the longest text,
then the smallest id. A summary goes to
stderr: articles, clusters, duplicates to drop, seconds. --drop-list FILE writes the ids to remove,
one per line, from the index as it is: after "neardup delete --from FILE", the next run's list holds
only new duplicates. --write-kept DIR writes the deduplicated corpus into DIR: each input FILE under
its own name, as it was read, less the records of the duplicates to drop; JSON Lines line by line,
each kept line byte for byte (gzipped again when read gzipped), Parquet row by row in the input's
schema. Records that are no article (rejected when indexed) are left out too; each file is renamed
into place when whole.

Articles shorter than --min-shingles (5 distinct word shingles: about 9 words) are indexed but never
put in a cluster: two "Page not found" pages are not copies.

--window DURATION (36h, 7d) keeps duplicates within their news cycle: two articles are joined only if
their dates are at most DURATION apart, and no cluster spans more than DURATION from its earliest to
its latest dated article. Pairs join best first (highest Jaccard, then nearest in time), each only if
the cluster it makes still fits, so a year of daily market wraps or weekly listings is not folded into
one cluster. An article without a date is not placed in time: it may join any cluster, and never
stretches one. Without --window, dates play no part (only in choosing the kept article).

With an index created with --passages: --ignore-boilerplate leaves passages found in 10 or more
articles (site furniture such as a related-stories block) out of the similarity, so two stories from
one site are not called near-duplicates because of it; --passage-report FILE writes a JSON Lines report of
the articles with paragraphs repeated inside them ({"kind": "repeats", ...}) and of the boilerplate
passages with the number of articles holding each ({"kind": "boilerplate", ...}).`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &dedupeOpts{}
			dbFlag(fs, e, &o.db)
			fs.Float64Var(&o.threshold, "threshold", neardup.DefaultThreshold, "least Jaccard similarity that joins two articles")
			fs.StringVar(&o.dropList, "drop-list", "", "write the ids of the duplicates to drop to FILE, one per line")
			fs.StringVar(&o.writeKept, "write-kept", "", "write the deduplicated corpus into folder DIR: each input file (JSON Lines or Parquet) as read, less the duplicates' records")
			o.remote.register(fs)
			fs.IntVar(&o.minSh, "min-shingles", neardup.DefaultMinShingles, "leave out of clusters the articles with fewer distinct word shingles (under about N+4 words: \"Page not found\"); they stay indexed (0: none left out)")
			fs.BoolVar(&o.ignoreBP, "ignore-boilerplate", false, "leave boilerplate passages out of the similarity (index with passages)")
			durationFlag(fs, &o.window, "window", "join only articles dated at most this far apart; no cluster spans more (e.g. 36h, 7d)")
			fs.StringVar(&o.passageFile, "passage-report", "", "write the whole-index passage report to FILE (JSON Lines; index with passages)")
			o.build.register(fs)
			return o
		},
		run: runDedupe,
	})
}

func runDedupe(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*dedupeOpts)
	if !(o.threshold > 0 && o.threshold <= 1) {
		return usageError(e, "dedupe", "--threshold must be in (0, 1]")
	}
	if o.minSh < 0 {
		return usageError(e, "dedupe", "--min-shingles must be >= 0")
	}
	if o.remote.on() {
		if len(args) > 0 || o.writeKept != "" || o.passageFile != "" {
			return usageError(e, "dedupe", "--server asks a live index for its clusters: no FILE, --write-kept or --passage-report with it")
		}
		return remoteDedupe(ctx, e, o)
	}
	if o.writeKept != "" {
		if len(args) == 0 {
			return usageError(e, "dedupe", "--write-kept writes the input files less their duplicates: give the files")
		}
		if o.build.format != "jsonl" && o.build.format != "parquet" {
			return usageError(e, "dedupe", "--write-kept writes JSON Lines and Parquet input, not --format %s", o.build.format)
		}
	}
	start := time.Now()
	if !o.build.fs.Changed("index-threshold") && o.threshold < o.build.threshold {
		o.build.threshold = o.threshold // a new index is tuned for the threshold asked for
	}
	var ix *neardup.Index
	if len(args) > 0 {
		if code := checkInputs(e, "dedupe", &o.build, args); code != exitOK {
			return code
		}
		var code int
		if ix, code = openForWrite(e, o.db, &o.build, bulkInputs(args)); code != exitOK {
			return code
		}
	} else {
		if _, err := o.build.config(); err != nil {
			return usageError(e, "dedupe", "%v", err)
		}
		var err error
		if ix, err = openForRead(o.db); err != nil {
			return fail(e, err, o.db)
		}
	}
	defer ix.Close()
	if (o.ignoreBP || o.passageFile != "") && ix.Params().PassageK == 0 {
		flag := "--ignore-boilerplate"
		if !o.ignoreBP {
			flag = "--passage-report"
		}
		e.errorf("%s needs passages, and %s was built without them: build a new index with --db NEW --passages", flag, o.db)
		return exitError
	}
	code := exitOK
	var err error
	var ist *neardup.AddStats
	if len(args) > 0 {
		var s neardup.AddStats
		if s, code = ingest(ctx, e, ix, &o.build, args); code == exitError || code == exitInterrupted {
			if o.build.json {
				jsonSummary(e, indexSummary{"dedupe", s, round2(time.Since(start).Seconds()), code})
			}
			return code
		}
		ist = &s
	}
	warnThreshold(e, ix, o.threshold)
	out := bufio.NewWriterSize(e.stdout, 1<<16)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var drop *bufio.Writer
	var dropFile *os.File
	if o.dropList != "" {
		if dropFile, err = os.Create(o.dropList); err != nil {
			return fail(e, err, o.db)
		}
		defer dropFile.Close()
		drop = bufio.NewWriter(dropFile)
	}
	var dropped map[string]bool
	if o.writeKept != "" {
		dropped = map[string]bool{}
	}
	st, err := ix.DedupeWith(ctx, neardup.DedupeOptions{Threshold: o.threshold, IgnoreBoilerplate: o.ignoreBP, Window: o.window, MinShingles: o.minSh}, func(c neardup.Cluster) error {
		for _, m := range c.Members[1:] {
			if drop != nil {
				fmt.Fprintln(drop, m.ID)
			}
			if dropped != nil {
				dropped[m.ID] = true
			}
		}
		return enc.Encode(c)
	})
	if err == nil {
		err = out.Flush()
	}
	if err == nil && drop != nil {
		if err = drop.Flush(); err == nil {
			err = dropFile.Close()
		}
	}
	if err == nil && o.passageFile != "" {
		err = writePassageReport(ctx, e, ix, o.passageFile)
	}
	if err == nil && o.writeKept != "" {
		// The files as the run read them: folders of Parquet shards expanded, JSON Lines files as given.
		format, _ := input.Lookup(o.build.format)
		inputs := format.Expand(args, func(error) {})
		var ks keptStats
		if ks, err = writeKept(ctx, inputs, o.writeKept, o.build.format == "parquet", o.build.fields, dropped); err == nil {
			fmt.Fprintf(e.stderr, "neardup: wrote %d files into %s: %d records kept, %d duplicates left out, %d not articles left out\n",
				ks.files, o.writeKept, ks.kept, ks.dropped, ks.skipped)
		}
	}
	if o.build.json {
		defer func() {
			jsonSummary(e, struct {
				Command string `json:"command"`
				neardup.DedupeStats
				Indexed *neardup.AddStats `json:"indexed,omitempty"`
				Seconds float64           `json:"seconds"`
			}{"dedupe", st, ist, round2(time.Since(start).Seconds())})
		}()
	} else {
		fmt.Fprintf(e.stderr, "neardup: %d articles, %d clusters, %d duplicates to drop, %.2f seconds\n",
			st.Articles, st.Clusters, st.Duplicates, time.Since(start).Seconds())
	}
	if errors.Is(err, context.Canceled) {
		e.errorf("interrupted")
		return exitInterrupted
	}
	if err != nil {
		return fail(e, err, o.db)
	}
	return code
}

func writePassageReport(ctx context.Context, e *env, ix *neardup.Index, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n, err := ix.ReportPassages(ctx, func(v any) error { return enc.Encode(v) })
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "neardup: %d articles with repeated paragraphs; report in %s\n", n, path)
	return f.Close()
}

// remoteDedupe asks a live neardup serve for the clusters (GET /v1/clusters), prints them as they come, writes
// the drop list from them, and sums them up as dedupe does.
func remoteDedupe(ctx context.Context, e *env, o *dedupeOpts) int {
	start := time.Now()
	q := url.Values{}
	q.Set("threshold", strconv.FormatFloat(o.threshold, 'g', -1, 64))
	q.Set("min_shingles", strconv.Itoa(o.minSh))
	if o.window > 0 {
		q.Set("window", o.window.String())
	}
	if o.ignoreBP {
		q.Set("ignore_boilerplate", "true")
	}
	var drop *bufio.Writer
	var dropFile *os.File
	if o.dropList != "" {
		var err error
		if dropFile, err = os.Create(o.dropList); err != nil {
			return fail(e, err, o.db)
		}
		defer dropFile.Close()
		drop = bufio.NewWriter(dropFile)
	}
	out := bufio.NewWriterSize(e.stdout, 1<<16)
	var clusters, dups int
	lines := writerFunc(func(line []byte) (int, error) {
		var c neardup.Cluster
		if err := json.Unmarshal(line, &c); err != nil {
			return 0, fmt.Errorf("the server's clusters: %v", err)
		}
		clusters++
		dups += len(c.Members) - 1
		if drop != nil {
			for _, m := range c.Members[1:] {
				fmt.Fprintln(drop, m.ID)
			}
		}
		return out.Write(line)
	})
	err := o.remote.get(ctx, "/v1/clusters", q, &lineSplitter{w: lines})
	if err == nil {
		err = out.Flush()
	}
	if err == nil && drop != nil { // as the local dedupe: a drop list that cannot be written is an error
		if err = drop.Flush(); err == nil {
			err = dropFile.Close()
		}
	}
	if err != nil {
		e.errorf("%s", err)
		return exitError
	}
	fmt.Fprintf(e.stderr, "neardup: %d clusters, %d duplicates to drop (from %s), %.2f seconds\n", clusters, dups, o.remote.url, time.Since(start).Seconds())
	return exitOK
}

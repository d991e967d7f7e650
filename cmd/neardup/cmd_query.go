package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
)

type queryOpts struct {
	fs          *pflag.FlagSet
	db          string
	threshold   float64
	containment float64
	reuse       float64
	window      time.Duration
	date        string
	top         int
	minSh       int
	src         source
	remote      remote
}

func init() {
	commands = append(commands, &command{
		name:  "query",
		usage: "[--db DIR] [--threshold J | --containment C | --reuse[=R]] [--window DURATION] [--top N] (ID | --file PATH | --text TEXT | --text -)",
		short: "print the near-duplicates of one article",
		long: `Prints the indexed near-duplicates of one article as one JSON object, best first:

  {"id": "a1", "matches": [{"id": "a7", "jaccard": 0.93, "containment": 0.97, "title": "..."}]}

jaccard is the exact Jaccard similarity of the two articles' word-shingle sets; containment is the
share of the queried article's shingles found in the match (near 1 for a trimmed copy of a longer
story). The article is an indexed ID, or a file's text (--file PATH, its id the path), or a text
given on the command line (--text "...") or read from stdin (--text -). It need not be indexed; if it
is, it is not its own match. An unknown ID exits 2.

--threshold may be anything at or above the index's own threshold (see neardup stats) without
rebuilding; below it, pairs under the index threshold may be missed.

--containment C asks another question: which indexed articles hold at least C of the queried
article's shingles, whatever their Jaccard similarity? A press release pasted into a longer story
is found this way (containment near 1, Jaccard perhaps 0.2), as is a wire item inside a round-up.
Matches come best containment first, both scores exact. It needs an index of format 3 or later
(neardup rebuild makes one from an older index). Each article is posted under a few anchor shingles
(the smallest of every 40 consecutive ones), so a text of 44 words or more pasted whole is always
found in the articles holding it; a shorter one, or one cut into shorter pieces, only mostly.

--reuse[=R] asks a third: which indexed articles were written from this one, or it from them, however
rewritten? The reuse score is the share of words, of the match or of the query (the larger), in
passages the two texts share: word 3-grams found in both, chained across gaps and edits (a wire story
retouched by a newspaper keeps many of them; the same story written independently few). Matches
come best reuse first, each with "reuse" and its "passages" (start and end in the query's text,
source_start and source_end in the match's), jaccard and containment exact as ever. --reuse alone
takes 0.15: on the short-answer reuse corpus it flags 0.95 of the copied and lightly revised answers
and none written without the source, on an index built with --passages (bench/README.md, "Reuse");
on other indexes rewrites that share no anchor shingle with the query are not candidates.

--window DURATION (36h, 90m, 7d) keeps only matches dated at most that far from the queried
article (an indexed article's date, or --date for a file or text). An article without a date is
not placed in time, so no window leaves it out.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &queryOpts{fs: fs}
			dbFlag(fs, e, &o.db)
			fs.Float64Var(&o.threshold, "threshold", neardup.DefaultThreshold, "least Jaccard similarity reported")
			fs.Float64Var(&o.containment, "containment", 0, "report instead every article holding at least this share of the query's shingles, in (0, 1]")
			fs.Float64Var(&o.reuse, "reuse", 0, "report instead every article with a reuse score of at least R (--reuse alone: 0.15; --reuse=R), in (0, 1]")
			fs.Lookup("reuse").NoOptDefVal = strconv.FormatFloat(neardup.DefaultReuse, 'g', -1, 64)
			durationFlag(fs, &o.window, "window", "only matches dated at most this far from the query (e.g. 36h, 7d; 0: no window)")
			fs.StringVar(&o.date, "date", "", "the date of a --file or --text query, for --window (e.g. 2024-05-01T09:00:00Z)")
			fs.IntVar(&o.top, "top", 20, "most matches printed (0: all)")
			o.remote.register(fs)
			fs.IntVar(&o.minSh, "min-shingles", neardup.DefaultMinShingles, "leave out articles with fewer distinct word shingles (under about N+4 words), and answer nothing for such a query (0: none left out)")
			o.src.register(fs, "query with")
			return o
		},
		exits: readExits,
		run:   runQuery,
	})
}

func runQuery(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*queryOpts)
	if code := o.src.check(e, o.fs, "query", args); code != exitOK {
		return code
	}
	if o.top < 0 {
		return usageError(e, "query", "--top must be >= 0")
	}
	if !(o.threshold > 0 && o.threshold <= 1) {
		return usageError(e, "query", "--threshold must be in (0, 1]")
	}
	if o.fs.Changed("containment") {
		if o.fs.Changed("threshold") {
			return usageError(e, "query", "--containment and --threshold ask different questions: give one")
		}
		if !(o.containment > 0 && o.containment <= 1) {
			return usageError(e, "query", "--containment must be in (0, 1]")
		}
	}
	if o.fs.Changed("reuse") {
		if o.fs.Changed("threshold") || o.fs.Changed("containment") {
			return usageError(e, "query", "--reuse, --containment and --threshold ask different questions: give one")
		}
		if !(o.reuse > 0 && o.reuse <= 1) {
			return usageError(e, "query", "--reuse must be in (0, 1]")
		}
	}
	if o.date != "" {
		if len(args) == 1 {
			return usageError(e, "query", "--date is for a --file or --text query; an indexed article has its own")
		}
		if neardup.ParseDate(o.date) == 0 {
			return usageError(e, "query", fmt.Sprintf("--date %q is not a date neardup reads (use RFC 3339, e.g. 2024-05-01T09:00:00Z)", o.date))
		}
	}
	if o.window > 0 && len(args) == 0 && o.date == "" {
		e.errorf("warning: --window without --date: the text has no date, so the window leaves nothing out")
	}
	if o.minSh < 0 {
		return usageError(e, "query", "--min-shingles must be >= 0")
	}
	qo := neardup.QueryOptions{Threshold: o.threshold, Containment: o.containment, Top: o.top, Window: o.window, MinShingles: o.minSh, Reuse: o.reuse}
	if o.remote.on() {
		return remoteQuery(ctx, e, o, qo, args)
	}
	ix, err := openForRead(o.db)
	if err != nil {
		return fail(e, err, o.db)
	}
	defer ix.Close()
	if o.containment == 0 && o.reuse == 0 {
		warnThreshold(e, ix, o.threshold)
	}
	res := neardup.QueryResult{}
	var ms []neardup.Match
	switch {
	case len(args) == 1:
		res.ID = args[0]
		ms, err = ix.QueryIDWith(ctx, args[0], qo)
		if errors.Is(err, neardup.ErrNotFound) {
			e.errorf("%s", notFound(args[0], o.db))
			return exitError
		}
	default:
		var data []byte
		res.ID, data, err = o.src.read(e)
		if err != nil {
			return fail(e, err, o.db)
		}
		ms, err = ix.QueryDocWith(ctx, &neardup.Doc{ID: res.ID, Text: string(data), Date: o.date}, qo)
	}
	if err != nil {
		return fail(e, err, o.db)
	}
	res.Matches = ms
	if res.Matches == nil {
		res.Matches = []neardup.Match{}
	}
	if err := writeJSON(e.stdout, res); err != nil {
		e.errorf("write: %v", err)
		return exitError
	}
	return exitOK
}

func warnThreshold(e *env, ix *neardup.Index, t float64) {
	if t < ix.Params().Threshold {
		e.errorf("warning: --threshold %.2f is below the index's %.2f: pairs between them may be missed", t, ix.Params().Threshold)
	}
}

// remoteQuery asks a live neardup serve the query: an indexed id by GET /v1/articles/{id}/duplicates, a file
// or text by POST /v1/query; the answer is the same object.
func remoteQuery(ctx context.Context, e *env, o *queryOpts, qo neardup.QueryOptions, args []string) int {
	q := url.Values{}
	q.Set("top", strconv.Itoa(qo.Top))
	q.Set("min_shingles", strconv.Itoa(qo.MinShingles))
	switch {
	case qo.Reuse > 0:
		q.Set("reuse", strconv.FormatFloat(qo.Reuse, 'g', -1, 64))
	case qo.Containment > 0:
		q.Set("containment", strconv.FormatFloat(qo.Containment, 'g', -1, 64))
	default:
		q.Set("threshold", strconv.FormatFloat(qo.Threshold, 'g', -1, 64))
	}
	if qo.Window > 0 {
		q.Set("window", qo.Window.String())
	}
	var err error
	if len(args) == 1 {
		err = o.remote.get(ctx, "/v1/articles/"+url.PathEscape(args[0])+"/duplicates", q, e.stdout)
	} else {
		id, data, rerr := o.src.read(e)
		if rerr != nil {
			return fail(e, rerr, o.db)
		}
		body, _ := json.Marshal(map[string]string{"id": id, "text": string(data), "date": o.date})
		err = o.remote.do(ctx, http.MethodPost, "/v1/query", q, bytes.NewReader(body), e.stdout)
	}
	if err != nil {
		e.errorf("%s", err)
		return exitError
	}
	return exitOK
}

package main

import (
	"context"
	"errors"

	"github.com/neardup/neardup"
	"github.com/spf13/pflag"
)

type passagesOpts struct {
	db  string
	src source
}

func init() {
	commands = append(commands, &command{
		name:  "passages",
		usage: "[--db DIR] (ID | --file PATH | --text -)",
		short: "print the passages of one article repeated inside it or in other articles",
		long: `Prints, as one JSON object, every passage of one article that repeats inside the article or
appears in other indexed articles, in text order:

  {"id": "a1", "passages": [{"start": 10, "end": 420, "kind": "duplicate",
     "matches": [{"id": "a1", "start": 900, "end": 1310, "jaccard": 1}, {"id": "b7", ...}]}]}

start and end are byte offsets into the article's text, end exclusive; a match with the article's own id
is a repeat inside it, with its span in the same text. jaccard is the exact similarity of the two
passages' word-5-shingle sets (the least of them, for merged matches).

With --file or --text, repeats inside the article are runs of at least 8 words found again (exactly,
or with a word or two changed), with spans starting and ending on the repeated words. Passages in
other articles are paragraphs (long ones cut into windows of 64 words) with Jaccard >= 0.5 to a
paragraph of an indexed article (found with probability 0.99 at Jaccard 0.9, 0.75 at 0.5); this
needs an index created with --passages. A passage found in 10
or more other articles is "kind": "boilerplate" (site furniture such as a related-stories block),
and "articles" counts them.

With an ID, the index's own paragraphs of that article are used (it keeps no texts), so spans are
whole paragraphs.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &passagesOpts{}
			dbFlag(fs, e, &o.db)
			o.src.register(fs, "report")
			return o
		},
		run: runPassages,
	})
}

func runPassages(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*passagesOpts)
	if code := o.src.check(e, "passages", args); code != exitOK {
		return code
	}
	ix, err := openIndex(o.db, nil, readOnly())
	if err != nil {
		e.errorf("%v", err)
		return exitError
	}
	defer ix.Close()
	var r *neardup.PassageReport
	if len(args) == 1 {
		r, err = ix.PassagesID(args[0])
	} else {
		id, data, err := o.src.read(e)
		if err != nil {
			e.errorf("%v", err)
			return exitError
		}
		if ix.Params().PassageK == 0 {
			e.errorf("note: the index has no passages (create it with --passages); reporting repeats inside the text only")
		}
		r, err = ix.PassagesDoc(&neardup.Doc{ID: id, Text: string(data)})
	}
	if errors.Is(err, neardup.ErrNoPassages) {
		e.errorf("%v", err)
		return exitError
	}
	if err != nil {
		e.errorf("%v", err)
		return exitError
	}
	if err := writeJSON(e.stdout, r); err != nil {
		e.errorf("write: %v", err)
		return exitError
	}
	return exitOK
}

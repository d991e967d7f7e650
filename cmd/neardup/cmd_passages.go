package main

import (
	"context"
	"errors"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
)

type passagesOpts struct {
	db  string
	src source
	fs  *pflag.FlagSet
}

func init() {
	commands = append(commands, &command{
		name:  "passages",
		usage: "[--db DIR] (ID | --file PATH | --text TEXT | --text -)",
		short: "print the passages of one article repeated inside it or in other articles",
		long: `Prints, as one JSON object, every passage of one article that repeats inside the article or
appears in other indexed articles, in text order:

  {"id": "a1", "passages": [{"start": 10, "end": 420, "kind": "duplicate",
     "matches": [{"id": "a1", "start": 900, "end": 1310, "jaccard": 1}, {"id": "b7", ...}]}]}

start and end are byte offsets into the article's text, end exclusive; a match with the article's own id
is a repeat inside it, with its span in the same text. jaccard is the exact similarity of the two
spans' word-5-shingle sets (the least of them, for merged matches).

Repeats inside the article are runs of at least 8 words found again (exactly, or with a word or two
changed), with spans starting and ending on the repeated words; they need no index (without one, a
note says so on stderr). Passages in other articles are aligned, as text-alignment systems do: word
3-grams the text shares with an indexed article, chained across gaps and edits into maximal passages,
so one copy is one passage wherever it starts and whatever paragraphs either side has, verbatim or
with a word in ten changed or dropped, its spans on words in both texts. The articles aligned are
those sharing the text's shingles in the containment anchors, which every index keeps but one built
with --no-containment or --no-text: at the default anchor window (40) a copy of 44 words or more is
always found and shorter ones sometimes; an index created with --passages (window 8) finds copies of
12 words and more surely (bench/README.md, "Text alignment"). A passage found in 10 or more other
articles is "kind": "boilerplate" (site furniture such as a related-stories block), and "articles"
counts them; it never merges with a copied passage beside it. An index without anchors or texts
reports, with --passages, its paragraphs with Jaccard >= 0.5 to a paragraph of an indexed article.

With an ID, the article's stored text gives the same word-tight spans; an index without texts (built
with --no-text, or before texts were kept) gives whole paragraphs, from the index's own paragraphs of
that article.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &passagesOpts{fs: fs}
			dbFlag(fs, e, &o.db)
			o.src.register(fs, "report")
			return o
		},
		exits: readExits,
		run:   runPassages,
	})
}

func runPassages(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*passagesOpts)
	if code := o.src.check(e, o.fs, "passages", args); code != exitOK {
		return code
	}
	var r *neardup.PassageReport
	if len(args) == 1 {
		ix, err := openForRead(o.db)
		if err != nil {
			return fail(e, err, o.db)
		}
		defer ix.Close()
		// With the stored text, the spans are word-tight, as for --file; without, the index's paragraphs.
		if a, gerr := ix.Get(args[0]); gerr == nil {
			if !ix.CanAlign() && ix.Params().PassageK == 0 {
				e.errorf("note: %s has neither containment anchors nor passages (build an index with --passages for them); reporting repeats inside the article only", o.db)
			}
			r, err = ix.PassagesDoc(ctx, &neardup.Doc{ID: a.ID, Text: a.Text})
		} else {
			r, err = ix.PassagesID(ctx, args[0])
		}
		switch {
		case errors.Is(err, neardup.ErrNoPassages):
			e.errorf("%s was built without passages: passages by ID need an index built with --passages (--file or --text work on any index)", o.db)
			return exitError
		case errors.Is(err, neardup.ErrNotFound):
			e.errorf("%s", notFound(args[0], o.db))
			return exitError
		case err != nil:
			return fail(e, err, o.db)
		}
	} else {
		id, data, err := o.src.read(e)
		if err != nil {
			return fail(e, err, o.db)
		}
		d := &neardup.Doc{ID: id, Text: string(data)}
		exists, err := neardup.Exists(o.db)
		if err != nil {
			return fail(e, err, o.db)
		}
		if !exists {
			e.errorf("note: no index in %s; reporting repeats inside the text only", o.db)
			r = neardup.TextPassages(d)
		} else {
			ix, err := openForRead(o.db)
			if err != nil {
				return fail(e, err, o.db)
			}
			defer ix.Close()
			if !ix.CanAlign() && ix.Params().PassageK == 0 {
				e.errorf("note: %s has neither containment anchors nor passages (build an index with --passages for them); reporting repeats inside the text only", o.db)
			}
			if r, err = ix.PassagesDoc(ctx, d); err != nil {
				return fail(e, err, o.db)
			}
		}
	}
	if err := writeJSON(e.stdout, r); err != nil {
		e.errorf("write: %v", err)
		return exitError
	}
	return exitOK
}

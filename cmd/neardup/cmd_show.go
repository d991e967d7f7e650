package main

import (
	"context"
	"errors"
	"net/url"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
)

type showOpts struct {
	db     string
	remote remote
}

func init() {
	commands = append(commands, &command{
		name:  "show",
		usage: "[--db DIR] ID",
		short: "print one indexed article with its stored text",
		long: `Prints the indexed article with the ID as one JSON object:

  {"id": "a1", "title": "...", "url": "...", "date": "...", "meta": {...}, "provenance": {...}, "text": "..."}

meta holds the input's other fields, as given. provenance, for a page an index run read itself (a WARC
record or a saved HTML file), says where: {"format": "warc"|"html", "file": ABSOLUTE PATH, "offset": N,
"site": "...", "payload_digest": "...", "charset": "...", "captured": WARC-Date}. The text is the
one the index keeps (the extracted page without its site furniture, for crawled pages); an index
created with --no-text, or before texts were kept, has none: then show prints the rest and says so on
stderr, and exits 2.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &showOpts{}
			dbFlag(fs, e, &o.db)
			o.remote.register(fs)
			return o
		},
		exits: readExits,
		run: func(ctx context.Context, e *env, opts any, args []string) int {
			o := opts.(*showOpts)
			if len(args) != 1 {
				return usageError(e, "show", "give one article ID")
			}
			if o.remote.on() {
				if err := o.remote.get(ctx, "/v1/articles/"+url.PathEscape(args[0]), nil, e.stdout); err != nil {
					e.errorf("%s", err)
					return exitError
				}
				return exitOK
			}
			ix, err := openForRead(o.db)
			if err != nil {
				return fail(e, err, o.db)
			}
			defer ix.Close()
			a, err := ix.Get(args[0])
			switch {
			case errors.Is(err, neardup.ErrNotFound):
				e.errorf("%s", notFound(args[0], o.db))
				return exitError
			case err != nil && !errors.Is(err, neardup.ErrNoText):
				return fail(e, err, o.db)
			}
			if werr := writeJSON(e.stdout, a.View(err == nil)); werr != nil {
				e.errorf("write: %v", werr)
				return exitError
			}
			if err != nil {
				e.errorf("%s keeps no text of %q (built with --no-text, or before texts were kept): build a new index to keep them", o.db, neardup.ShortID(args[0]))
				return exitError
			}
			return exitOK
		},
	})
}

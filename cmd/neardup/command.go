package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
)

// Exit statuses.
const (
	exitOK          = 0   // everything was accepted
	exitRejected    = 1   // the job finished, but some input was rejected
	exitError       = 2   // a usage error, or the job could not run
	exitNoIndex     = 10  // the folder holds no index
	exitLocked      = 11  // the index is in use by another neardup process
	exitInterrupted = 130 // interrupted (Ctrl-C, SIGTERM); committed work is kept
)

type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func (e *env) errorf(format string, a ...any) { fmt.Fprintf(e.stderr, "neardup: "+format+"\n", a...) }

// command is one subcommand.
type command struct {
	name  string
	usage string // after "neardup NAME "
	short string
	long  string
	exit  string // extra EXIT STATUS text
	// exits are the statuses the command can return (nil: all four of exitText); exitNotes say what one means
	// for this command when it differs.
	exits     []int
	exitNotes map[int]string
	flags     func(fs *pflag.FlagSet, e *env) any
	run       func(ctx context.Context, e *env, opts any, args []string) int
}

var commands []*command

// exitText says what each exit status means.
var exitText = map[int]string{
	exitOK:          "success",
	exitRejected:    "finished, but some input was rejected (reported on stderr as FILE:LINE: reason)",
	exitError:       "usage error, or the job could not run (one line on stderr says why)",
	exitNoIndex:     "no index in the --db folder",
	exitLocked:      "the index is in use by another neardup process (share a live index through neardup serve)",
	exitInterrupted: "interrupted; work committed before the interrupt is kept, and rerunning resumes",
}

// readExits are the statuses of a command that only reads.
var readExits = []int{exitOK, exitError}

func (c *command) help(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: neardup %s %s\n\n%s\n\n", c.name, c.usage, strings.TrimSpace(c.long))
	fmt.Fprintf(w, "FLAGS\n%s\n", fs.FlagUsagesWrapped(100))
	fmt.Fprintln(w, "EXIT STATUS")
	exits := c.exits
	if exits == nil {
		exits = []int{exitOK, exitRejected, exitError, exitInterrupted}
	}
	if fs.Lookup("db") != nil { // a command that opens an index
		exits = append(append([]int(nil), exits...), exitNoIndex, exitLocked)
		slices.Sort(exits)
	}
	for _, x := range exits {
		text := exitText[x]
		if t, ok := c.exitNotes[x]; ok {
			text = t
		}
		fmt.Fprintf(w, "  %-4d %s\n", x, text)
	}
	if c.exit != "" {
		fmt.Fprintln(w, c.exit)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `neardup finds near-duplicate news articles: wire copies, corrected versions, scraped pages.

Usage: neardup COMMAND [FLAGS] [ARGS]

COMMANDS
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, `
The index is a folder: --db DIR, default ./neardup.db, or $NEARDUP_DB when set. Errors are one line on
stderr; NEARDUP_LOG=warn also shows the storage engine's own log lines.
Run "neardup COMMAND --help" for a command's flags and output, "neardup help furniture" for how crawled
pages are cleared of site furniture, "neardup help dates" for the dates read, "neardup completion
bash" for shell completion, "neardup --version" for the version.

Quick start:
  neardup dedupe testdata/doj-press-releases.jsonl     index the sample and print its clusters
  neardup query doj-opa-01009                          what is this article a copy of?
  neardup index crawl/*.warc.gz                        index a crawl from its WARC files
  neardup serve --addr 127.0.0.1:8080                  the same over HTTP, and pages to review them
`)
}

func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitError
	}
	switch args[0] {
	case "version", "--version", "-V":
		fmt.Fprintf(e.stdout, "neardup %s (index format %d)\n", neardup.Version(), neardup.FormatVersion)
		return exitOK
	case "help", "-h", "--help":
		if len(args) > 1 {
			if t, ok := topics[args[1]]; ok {
				fmt.Fprint(e.stdout, t)
				return exitOK
			}
			return run(ctx, []string{args[1], "--help"}, e)
		}
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.SortFlags = false
		opts := c.flags(fs, e)
		if err := fs.Parse(args[1:]); err != nil {
			if errors.Is(err, pflag.ErrHelp) {
				c.help(e.stdout, fs)
				return exitOK
			}
			e.errorf("%s: %v%s", c.name, err, flagHint(fs, err))
			fmt.Fprintf(e.stderr, "Usage: neardup %s %s\nRun \"neardup %s --help\" for more.\n", c.name, c.usage, c.name)
			return exitError
		}
		return c.run(ctx, e, opts, fs.Args())
	}
	names := []string{"help", "version"}
	for _, c := range commands {
		names = append(names, c.name)
	}
	if s := suggest(args[0], names); s != "" {
		e.errorf("unknown command %q (did you mean %s?)", args[0], s)
		fmt.Fprintf(e.stderr, "Run \"neardup help\" for the commands.\n")
		return exitError
	}
	e.errorf("unknown command %q", args[0])
	usage(e.stderr)
	return exitError
}

// topics are help texts that are not commands: "neardup help TOPIC".
var topics = map[string]string{
	"furniture": `Site furniture: the blocks of text a site repeats around its articles (navigation and related-story
lists, newsletter and share boxes, a column's byline, footers) that the article extractor kept. From
HTML and WARC input, index, dedupe and extract take them out of each page's text before it is shingled,
so the same wire story on forty sites is one cluster, and two stories of one site are not near-duplicates
because of what the site puts around them. Plain-text input (JSON Lines, --format text) is left as it is.

The rule. A page's text is split into blocks (its paragraphs). A page's site is the registered domain of
its URL (the WARC-Target-URI; for saved pages the URL the page declares with <link rel="canonical"> or
og:url, else the folder holding the file). Within a site, a block is furniture when it is on at least 3
pages, and on at least 5% of the site's pages, that tell different stories: two pages tell one story
when the blocks they share hold at least half of the words of all their blocks, so a paragraph a story
keeps through its updates stays. A block on 5 or more distinct pages of a site is furniture whatever
they tell, and a text served under 5 or more URLs of a site is furniture as a whole (a consent wall, a
comment thread, or a template the extractor took for every article). Whole pages count too: a block of
a page's markup (a run of text between block elements) on 5 or more distinct pages of the site is
furniture wherever the extractor kept it (a menu it took for the article of a short story). Pages of one
site with the same text (one story under a few URLs) count once.

A second look. A page whose text is half furniture or more, with fewer than 100 words that are not, is
extracted again from its file or WARC record with the site's furniture taken out of the page first
(every element whose text, or whose every block, is furniture), so the extractor looks past the consent
wall, comment thread or menu it took the first time; the new text replaces the old when it keeps more
words that are not furniture, and the furniture is then learnt again from the texts as they now are. A page found in neither (read from stdin)
is not looked at again; a page that is all furniture after that is indexed without text and matches
nothing. The headline heading a page's text is its title, not its text, and is left out of it.

The rule is learnt from all the pages of one run (a run holds a site's pages until every file is read),
so within a run the result does not depend on the order pages arrive in. Two bounds keep a long run's
memory flat: 512 MiB of held page text in all (past it, the site holding the most is cleared and sent
first) and 50,000 pages of one site (its furniture is then learnt over those, and what they lost is
taken out of the site's later pages too). A crawl indexed as it arrives, a
few pages of a site in each run, learns less: pages indexed by an earlier run keep the text they were
given then, and a run with fewer than 3 pages of a site learns none of its furniture. neardup relearn
(a nightly job, say) learns it again from every crawled page of the index, read again from its WARC
file or saved page, and re-indexes what changes: the index is then what one run over all the pages
would have made. --keep-furniture turns the rule off; neardup extract --furniture shows what each page
lost. Measured in bench/README.md ("The crawl path").
`,
	"dates": `Dates. An article's "date" places it in time: dedupe keeps the earliest article of a cluster, and
--window joins only articles dated close together. neardup reads the forms news corpora, feeds and pages
use: RFC 3339 and ISO 8601 dates and times (2026-12-06, 2026-12-06T10:00:00+01:00, +0100 or Z, a space
for the T, with or without seconds), RFC 1123 and RFC 850 (feeds: "Sat, 06 Dec 2026 10:00:00 +0100"),
ANSI C, "Dec 6, 2026", "6 December 2026", 2026/12/06, 20261206, epoch seconds (10 digits) and
milliseconds (13), and Reuters' "27-MAR-1987 07:16:49.94" (anything after a date, from a tab, a control
character or an HTML entity on, is cut off). Numeric dates with slashes are read month first, as US wire
feeds write them: 06/12/2026 is June 12; a first number over 12 cannot be a month, so 25/12/2026 is
December 25. A date without a zone is UTC. A bare year, or a year outside 1800-2200, is not a date.
(The forms past the common ones are read by github.com/itlightning/dateparse.)

An article whose date cannot be read is indexed as undated: it is not placed in time (it may join any
cluster, never stretches one, and is kept only when no member has a date). index says how many there
were and names the first few on stderr; neardup stats counts them in the index ("unread_dates").

Crawled pages: the date is the page's own published date (JSON-LD datePublished, article:published_time
and the other meta tags readers use), none when the page declares none. When the crawler fetched the page
(WARC-Date) is not the article's date: it is kept in the article's provenance ("captured", neardup show).
`,
}

// dbFlag registers --db with its default from $NEARDUP_DB.
func dbFlag(fs *pflag.FlagSet, e *env, dst *string) {
	def := e.getenv("NEARDUP_DB")
	if def == "" {
		def = "neardup.db"
	}
	fs.StringVar(dst, "db", def, "index folder ($NEARDUP_DB overrides the default)")
}

func usageError(e *env, c string, format string, a ...any) int {
	e.errorf("%s: "+format, append([]any{c}, a...)...)
	fmt.Fprintf(e.stderr, "Run \"neardup %s --help\" for usage.\n", c)
	return exitError
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/store"
	"github.com/spf13/pflag"
)

// Exit statuses.
const (
	exitOK          = 0   // everything was accepted
	exitRejected    = 1   // the job finished, but some input was rejected
	exitError       = 2   // a usage error, or the job could not run
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
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, `
The index is a folder: --db DIR, default ./neardup.db, or $NEARDUP_DB when set.
Run "neardup COMMAND --help" for a command's flags and output, "neardup --version" for the version.

Quick start:
  neardup dedupe testdata/doj-press-releases.jsonl     index the sample and print its clusters
  neardup query doj-opa-01009                          what is this article a copy of?
  neardup index crawl/*.warc.gz                        index a crawl from its WARC files
  neardup serve --addr 127.0.0.1:8080                  the same over HTTP
`)
}

func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitError
	}
	switch args[0] {
	case "version", "--version", "-V":
		fmt.Fprintf(e.stdout, "neardup %s (index format %d)\n", neardup.Version(), store.FormatVersion)
		return exitOK
	case "help", "-h", "--help":
		if len(args) > 1 {
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
			e.errorf("%s: %v", c.name, err)
			fmt.Fprintf(e.stderr, "Usage: neardup %s %s\nRun \"neardup %s --help\" for more.\n", c.name, c.usage, c.name)
			return exitError
		}
		return c.run(ctx, e, opts, fs.Args())
	}
	e.errorf("unknown command %q", args[0])
	usage(e.stderr)
	return exitError
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

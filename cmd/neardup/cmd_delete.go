package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
)

type deleteOpts struct {
	db    string
	from  []string
	build buildFlags
}

func init() {
	commands = append(commands, &command{
		name:  "delete",
		usage: "[--db DIR] (ID... | --from FILE)",
		short: "delete articles by id, or the ids of a drop list",
		long: `Deletes the articles with the IDs given, or those listed in FILE, one id a line (the drop list
that neardup dedupe --drop-list writes; "-" reads stdin; blank lines are skipped; .gz read
transparently). Deletes are committed a few hundred at a time; a summary goes to stderr:

  neardup: 23 deleted, 0 not found (0.01 s)

An id not in the index (deleted already, or never indexed) is counted as not found, and the first five
are named on stderr; that is not a failure. Rerunning a list, finished or interrupted, resumes it: the
ids deleted before are then not found, and a finished list deletes nothing and exits 0.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &deleteOpts{}
			dbFlag(fs, e, &o.db)
			fs.StringArrayVar(&o.from, "from", nil, "read the ids to delete from FILE, one a line (repeatable)")
			o.build.registerStore(fs) // delete never creates an index: no parameter flags
			return o
		},
		exits: []int{exitOK, exitError, exitInterrupted},
		run:   runDelete,
	})
}

func runDelete(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*deleteOpts)
	if len(args) == 0 && len(o.from) == 0 {
		return usageError(e, "delete", "give the ids to delete, or --from FILE")
	}
	if len(o.from) > 0 {
		b := buildFlags{format: "jsonl", idFrom: "url"}
		if code := checkInputs(e, "delete", &b, o.from); code != exitOK {
			return code
		}
	}
	if changed := o.build.changedParams(); len(changed) > 0 {
		return usageError(e, "delete", "%s apply only when an index is created", strings.Join(changed, ", "))
	}
	ix, err := neardup.Open(o.db, &neardup.Options{Store: storeOptions(&o.build)})
	if err != nil {
		return fail(e, err, o.db)
	}
	start := time.Now()
	ids := make(chan string)
	readCtx, cancelRead := context.WithCancel(ctx)
	readErr := make(chan error, 1)
	go func() {
		defer close(ids)
		send := func(id string) bool {
			select {
			case ids <- id:
				return true
			case <-readCtx.Done():
				return false
			}
		}
		for _, id := range args {
			if !send(id) {
				return
			}
		}
		for _, name := range o.from {
			rc, _, err := input.OpenInput(name, e.stdin, nil)
			if err != nil {
				readErr <- err
				return
			}
			sc := bufio.NewScanner(rc)
			sc.Buffer(make([]byte, 64<<10), neardup.MaxIDBytes+2)
			for sc.Scan() {
				if id := strings.TrimRight(sc.Text(), "\r"); strings.TrimSpace(id) != "" && !send(id) {
					rc.Close()
					return
				}
			}
			rc.Close()
			if err := sc.Err(); err != nil {
				readErr <- fmt.Errorf("%s: %w", name, err)
				return
			}
		}
	}()
	var absent []string
	st, err := ix.DeleteIDs(ctx, ids, func(id string) {
		if len(absent) < 5 {
			absent = append(absent, neardup.ShortID(id))
		}
	})
	cancelRead()
	if cerr := ix.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if o.build.json {
		defer func() {
			jsonSummary(e, struct {
				Command  string   `json:"command"`
				Deleted  int      `json:"deleted"`
				NotFound int      `json:"not_found"`
				Absent   []string `json:"not_found_first,omitempty"`
				Seconds  float64  `json:"seconds"`
			}{"delete", st.Deleted, st.NotFound, absent, round2(time.Since(start).Seconds())})
		}()
	} else {
		fmt.Fprintf(e.stderr, "neardup: %d deleted, %d not found (%.2f s)\n", st.Deleted, st.NotFound, time.Since(start).Seconds())
	}
	if len(absent) > 0 && !o.build.json {
		fmt.Fprintf(e.stderr, "neardup: not in the index (deleted already, or never indexed): %s", strings.Join(absent, ", "))
		if st.NotFound > len(absent) {
			fmt.Fprintf(e.stderr, " and %d more", st.NotFound-len(absent))
		}
		fmt.Fprintln(e.stderr)
	}
	select {
	case rerr := <-readErr:
		if err == nil {
			err = rerr
		}
	default:
	}
	switch {
	case errors.Is(err, context.Canceled):
		e.errorf("interrupted; deletes committed so far are kept, rerun to resume")
		return exitInterrupted
	case err != nil:
		return fail(e, err, o.db)
	}
	return exitOK
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"neardup": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
			stop()
			os.Exit(code)
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script through the real binary. Each script pins output
// and exit statuses; "status N cmd args..." asserts an exact exit status.
func TestScripts(t *testing.T) {
	sample, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl"))
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("SAMPLE", sample)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// truncate FILE N cuts a file to N bytes, as a transfer cut short does.
			"truncate": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: truncate FILE N")
				}
				n, err := strconv.ParseInt(args[1], 10, 64)
				ts.Check(err)
				ts.Check(os.Truncate(ts.MkAbs(args[0]), n))
			},
			// parquet IN OUT [ROWS] writes the JSON Lines articles of IN as a Parquet shard OUT, in row groups of
			// ROWS (default 2), with the columns a news dataset has: doc_id, body, headline, published (a
			// timestamp), section.
			"parquet": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: parquet IN OUT [ROWS]")
				}
				rows := 2
				if len(args) > 2 {
					var err error
					rows, err = strconv.Atoi(args[2])
					ts.Check(err)
				}
				ts.Check(writeShard(ts.MkAbs(args[0]), ts.MkAbs(args[1]), rows))
			},
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: status N command args...")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("%v", err)
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
		},
	})
}

// shardRow is a row of the shards the parquet script command writes.
type shardRow struct {
	DocID     string    `parquet:"doc_id"`
	Body      string    `parquet:"body"`
	Headline  string    `parquet:"headline"`
	Published time.Time `parquet:"published,timestamp(millisecond)"`
	Section   string    `parquet:"section"`
}

func writeShard(in, out string, perGroup int) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var rows []shardRow
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var a struct{ ID, Text, Title, Date, Section string }
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			return err
		}
		t, _ := time.Parse(time.RFC3339, a.Date)
		rows = append(rows, shardRow{DocID: a.ID, Body: a.Text, Headline: a.Title, Published: t, Section: a.Section})
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := parquet.NewGenericWriter[shardRow](f, parquet.MaxRowsPerRowGroup(int64(perGroup)))
	if _, err := w.Write(rows); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup"
)

// writeJSON writes v as one line of JSON and flushes, reporting write errors (a closed pipe, a full disk).
func writeJSON(w io.Writer, v any) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return bw.Flush()
}

// windowValue is a duration flag that also reads days ("7d"), through neardup.ParseWindow.
type windowValue struct{ d *time.Duration }

func (v windowValue) String() string {
	if *v.d == 0 {
		return "0"
	}
	return v.d.String()
}

func (v windowValue) Set(s string) error {
	d, err := neardup.ParseWindow(s)
	if err != nil {
		return errors.New(trimPrefixes(err.Error()))
	}
	*v.d = d
	return nil
}

func (windowValue) Type() string { return "duration" }

// durationFlag defines a duration flag that reads days too.
func durationFlag(fs *pflag.FlagSet, d *time.Duration, name, usage string) {
	fs.Var(windowValue{d}, name, usage)
}

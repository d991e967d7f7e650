package main

import (
	"io"
	"os"

	"github.com/spf13/pflag"
)

// source is the one article a command reads: an indexed ID argument, a file (--file PATH), or a text given on
// the command line (--text "...") or read from stdin (--text -).
type source struct {
	file, text string
	textSet    bool
}

func (s *source) register(fs *pflag.FlagSet, what string) {
	fs.StringVar(&s.file, "file", "", what+" the text of this file")
	fs.StringVar(&s.text, "text", "", what+` this text, or with "-" the text read from stdin`)
}

// check validates the arguments; it returns exitOK or the usage error's status.
func (s *source) check(e *env, fs *pflag.FlagSet, cmd string, args []string) int {
	s.textSet = fs.Changed("text")
	given := len(args)
	if s.file != "" {
		given++
	}
	if s.textSet {
		given++
	}
	if given != 1 || len(args) > 1 {
		return usageError(e, cmd, `give exactly one of ID, --file PATH or --text TEXT (--text - reads stdin)`)
	}
	return exitOK
}

// read returns the id and text of a --file or --text source: the path, "-" for stdin, or "text" for a text
// given on the command line.
func (s *source) read(e *env) (string, []byte, error) {
	switch {
	case s.file != "":
		data, err := os.ReadFile(s.file)
		return s.file, data, err
	case s.text == "-":
		data, err := io.ReadAll(e.stdin)
		return "-", data, err
	}
	return "text", []byte(s.text), nil
}

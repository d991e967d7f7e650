package main

import (
	"io"
	"os"

	"github.com/spf13/pflag"
)

// source is the one article a command reads: an indexed ID argument, a file (--file PATH) or stdin (--text -).
type source struct {
	file, text string
}

func (s *source) register(fs *pflag.FlagSet, what string) {
	fs.StringVar(&s.file, "file", "", what+" the text of this file")
	fs.StringVar(&s.text, "text", "", what+` text from stdin: "-"`)
}

// check validates the arguments; it returns exitOK or the usage error's status.
func (s *source) check(e *env, cmd string, args []string) int {
	given := len(args)
	if s.file != "" {
		given++
	}
	if s.text != "" {
		given++
	}
	if given != 1 || len(args) > 1 {
		return usageError(e, cmd, "give exactly one of ID, --file PATH or --text -")
	}
	if s.text != "" && s.text != "-" {
		return usageError(e, cmd, `--text takes "-" (stdin)`)
	}
	return exitOK
}

// read returns the id and text of a --file or --text source: the path, or "-" for stdin.
func (s *source) read(e *env) (string, []byte, error) {
	if s.file != "" {
		data, err := os.ReadFile(s.file)
		return s.file, data, err
	}
	data, err := io.ReadAll(e.stdin)
	return "-", data, err
}

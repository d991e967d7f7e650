package main

import (
	"bufio"
	"encoding/json"
	"io"
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

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"
)

// TestSmallScale runs the scale command at a few thousand articles, as CI does, so that it keeps working.
func TestSmallScale(t *testing.T) {
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	err := run(3000, 300, "", "", 1)
	w.Close()
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	io.Copy(&out, r)
	var res result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	t.Logf("%s", out.String())
	if res.Articles != 3000 || res.ArticlesPerS <= 0 || res.IndexMB <= 0 || res.QueryP99Ms <= 0 || res.Clusters == 0 {
		t.Errorf("implausible result %+v", res)
	}
}

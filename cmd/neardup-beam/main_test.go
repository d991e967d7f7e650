package main

import (
	"path/filepath"
	"testing"
)

// TestCheckInput: a local input that matches no file is refused before the pipeline runs; a URL is left to the
// runner's file system.
func TestCheckInput(t *testing.T) {
	if err := checkInput(filepath.Join(t.TempDir(), "*.jsonl")); err == nil {
		t.Error("a glob matching nothing was accepted")
	}
	if err := checkInput("../../testdata/doj-press-releases.jsonl"); err != nil {
		t.Errorf("the sample: %v", err)
	}
	if err := checkInput("gs://bucket/news/*.jsonl.gz"); err != nil {
		t.Errorf("a URL: %v", err)
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiskFull indexes into a 24 MB tmpfs (root only: it mounts one). Badger writes through memory maps of sparse
// files, where a full disk is a SIGBUS that kills the process: the run must instead stop with one line naming
// the device and the folder and exit 2, keep what it committed, and leave the read commands answering.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a tmpfs and fills it: not in -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })

	// 40 MB of articles of distinct words: more than the file system holds once indexed.
	input := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(input)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range 20000 {
		var text strings.Builder
		for j := range 300 {
			fmt.Fprintf(&text, "w%dx%d ", i, j)
		}
		b, _ := json.Marshal(map[string]string{"id": fmt.Sprint("a", i), "text": text.String()})
		w.Write(append(b, '\n'))
	}
	w.Flush()
	f.Close()

	db := filepath.Join(mnt, "ix")
	runCmd := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
		return code, stdout.String(), stderr.String()
	}
	// A new index from a file is built in one pass: on a full disk it stops, says so, and leaves nothing, its
	// runs removed.
	code, _, stderr := runCmd("index", "--db", db, input)
	if code != exitError || !strings.Contains(stderr, "neardup: disk full: "+mnt+" (tmpfs) has ") || !strings.Contains(stderr, "nothing was indexed") {
		t.Fatalf("bulk index on a full disk: exit %d\n%s", code, stderr)
	}
	if left, _ := os.ReadDir(mnt); len(left) != 0 {
		t.Fatalf("a failed bulk build left %v", left)
	}
	// Article by article, it keeps what was committed.
	code, _, stderr = runCmd("index", "--no-bulk", "--db", db, input)
	if code != exitError || !strings.Contains(stderr, "neardup: disk full: "+mnt+" (tmpfs) has ") || !strings.Contains(stderr, "the index in "+db) {
		t.Fatalf("index on a full disk: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCmd("stats", "--db", db)
	var st struct{ Articles int }
	if code != exitOK || json.Unmarshal([]byte(stdout), &st) != nil || st.Articles == 0 {
		t.Fatalf("stats on a full disk: exit %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := runCmd("verify", "--db", db); code != exitOK {
		t.Fatalf("verify after a full disk: exit %d %s", code, stderr)
	}
	// Rerunning adds nothing lost and stops again at the same wall.
	code, _, stderr = runCmd("index", "--db", db, input)
	if code != exitError || !strings.Contains(stderr, fmt.Sprintf("%d unchanged", st.Articles)) {
		t.Fatalf("rerun: exit %d %s", code, stderr)
	}
}

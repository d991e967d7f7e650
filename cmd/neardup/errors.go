package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/neardup/neardup"
)

// describe turns an error into the one line a user reads: what happened, in words, and what to do. Errors the
// commands know get their own sentence; any other is printed without the package prefixes Go errors carry.
func describe(err error, db string) string {
	var le *neardup.LockError
	var df *neardup.DiskFullError
	var pe *fs.PathError
	switch {
	case errors.As(err, &le):
		if le.PID > 0 {
			return fmt.Sprintf("%s is in use by another neardup process (pid %d); share a live index through neardup serve", db, le.PID)
		}
		return fmt.Sprintf("%s is in use by another neardup process; share a live index through neardup serve", db)
	case errors.As(err, &df):
		dir, dev := mount(db)
		if dev == "" {
			dev = "unknown device"
		}
		return fmt.Sprintf("disk full: %s (%s) has %d MB free and the index in %s needs %d MB to write safely; nothing uncommitted was written, committed articles are kept (free some space, then rerun)",
			dir, dev, df.Free>>20, db, (df.Need+1<<20-1)>>20)
	case errors.Is(err, neardup.ErrNoIndex):
		return fmt.Sprintf("no index in %s (run neardup index FILE --db %s first)", db, db)
	case errors.Is(err, neardup.ErrRecovery):
		return fmt.Sprintf("%s needs recovery (its writer was killed) and it could not run: %s", db, trimPrefixes(err.Error()))
	case errors.Is(err, neardup.ErrCorrupt):
		detail := strings.TrimPrefix(trimPrefixes(err.Error()), "corrupt index")
		detail = strings.TrimPrefix(strings.TrimPrefix(detail, ": "), " ")
		if detail == "" {
			detail = "a record or table fails its checksum"
		}
		return fmt.Sprintf("%s is damaged: %s (neardup verify --db %s checks the whole index)", db, detail, db)
	case errors.Is(err, neardup.ErrNoAnchors):
		return fmt.Sprintf("%s: neardup rebuild --db %s --out NEW makes an index with them", trimPrefixes(err.Error()), db)
	case errors.Is(err, neardup.ErrNotFound):
		return trimPrefixes(err.Error())
	case errors.Is(err, fs.ErrPermission) && errors.As(err, &pe):
		return fmt.Sprintf("%s: permission denied", pe.Path)
	}
	return trimPrefixes(err.Error())
}

// trimPrefixes drops the "pkg: " prefixes Go errors carry ("store: ", "neardup: "), wherever they are.
func trimPrefixes(s string) string {
	for _, p := range []string{"neardup: ", "store: ", "minhash: ", "shingle: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return s
}

// fail reports err in one line and returns the exit status for a job that could not run (exitCode).
func fail(e *env, err error, db string) int {
	e.errorf("%s", describe(err, db))
	return exitCode(err)
}

// exitCode is the exit status of a job that could not run because of err: statuses of their own for the
// folder holding no index and the index in use (as restic has), so that a script can tell them apart; else
// exitError.
func exitCode(err error) int {
	switch {
	case errors.Is(err, neardup.ErrNoIndex):
		return exitNoIndex
	case errors.Is(err, neardup.ErrLocked):
		return exitLocked
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	}
	return exitError
}

// notFound is the one wording of an unknown article id.
func notFound(id, db string) string {
	return fmt.Sprintf("no article %q in %s", neardup.ShortID(id), db)
}

// mount returns the mount point of the file system holding path and its device (Linux: from /proc/self/mounts),
// or path and "" when they cannot be told.
func mount(path string) (dir, dev string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path, ""
	}
	f, err := os.Open("/proc/self/mounts")
	if err != nil {
		return path, ""
	}
	defer f.Close()
	dir = path
	best := -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		mp := fields[1]
		if (abs == mp || strings.HasPrefix(abs, strings.TrimSuffix(mp, "/")+"/")) && len(mp) > best {
			best, dir, dev = len(mp), mp, fields[0]
		}
	}
	return dir, dev
}

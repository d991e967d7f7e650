package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Free space.
//
// Badger writes its write-ahead log, value log and tables through memory maps of files it first extends
// sparsely. On a full file system a write into such a hole is not an error but a SIGBUS that kills the process.
// So the store refuses a write, with ErrDiskFull, unless the file system has room for it and for what Badger may
// write in the background meanwhile:
//
//	need = 2 × the group's bytes (value log and write-ahead log) + MemTableSize (a memtable flushed to a
//	       level-0 table) + 1/4 of the tables on disk (a compaction writes its output before it deletes its
//	       input) + 4 MiB
//
// The rule is a margin, not a proof: a compaction larger than a quarter of the tree could still run out. It turns
// "disk full" from a crash into an error in practice; measured on a 40 MB tmpfs (TestDiskFull).

// spaceReserve is the constant part of the margin.
const spaceReserve = 4 << 20

// space checks the free space of the file system holding the index.
type space struct {
	dir  string
	free func(dir string) (int64, error) // free bytes for an unprivileged writer; diskFree by default
	mu   sync.Mutex
	// tables is the size of the index's tables on disk, measured at most every tablesEvery.
	tables   int64
	measured time.Time
}

const tablesEvery = 5 * time.Second

func (sp *space) check(write, memtable int64) error {
	if sp.free == nil {
		return nil
	}
	free, err := sp.free(sp.dir)
	if err != nil {
		return nil // unknown (an unsupported platform): do not refuse
	}
	sp.mu.Lock()
	if time.Since(sp.measured) > tablesEvery {
		sp.tables = tablesSize(sp.dir)
		sp.measured = time.Now()
	}
	need := 2*write + memtable + sp.tables/4 + spaceReserve
	sp.mu.Unlock()
	if free < need {
		return &DiskFullError{Dir: sp.dir, Free: free, Need: need}
	}
	return nil
}

func tablesSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && filepath.Ext(path) == ".sst" {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// DiskUsage returns the bytes the files under dir occupy on disk: allocated blocks, not apparent sizes (Badger
// preallocates its log files sparsely: a new index's value log is 512 MB long and nearly empty).
func DiskUsage(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if os.IsNotExist(err) {
				return nil // removed meanwhile (a compaction)
			}
			return err
		}
		n += allocated(info)
		return nil
	})
	return n, err
}

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

// space checks the free space of the file system holding the index, and measures the index's files.
type space struct {
	dir      string
	free     func(dir string) (int64, error) // free bytes for an unprivileged writer; diskFree by default
	memtable int64                           // Badger's memtable size
	mu       sync.Mutex
	// tables (the apparent size of the index's tables) and used (the bytes its files occupy on disk) are
	// measured by one walk of the folder, at most every measureEvery.
	tables, used int64
	err          error
	measured     time.Time
}

const measureEvery = 2 * time.Second

// measure walks the folder if the last walk is older than measureEvery. The caller holds sp.mu.
func (sp *space) measure() {
	if time.Since(sp.measured) > measureEvery {
		sp.tables, sp.used, sp.err = sizes(sp.dir)
		sp.measured = time.Now()
	}
}

// check refuses a write of about write bytes that the file system has no room for (ErrDiskFull).
func (sp *space) check(write int64) error {
	if sp.free == nil {
		return nil
	}
	free, err := sp.free(sp.dir)
	if err != nil {
		return nil // unknown (an unsupported platform): do not refuse
	}
	sp.mu.Lock()
	sp.measure()
	need := 2*write + sp.memtable + sp.tables/4 + spaceReserve
	sp.mu.Unlock()
	if free < need {
		return &DiskFullError{Dir: sp.dir, Free: free, Need: need}
	}
	return nil
}

// usage returns the bytes the index's files occupy on disk, measured at most measureEvery ago.
func (sp *space) usage() (int64, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.measure()
	return sp.used, sp.err
}

// sizes returns the apparent size of the tables under dir and the bytes all files under dir occupy on disk.
func sizes(dir string) (tables, used int64, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
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
		if filepath.Ext(path) == ".sst" {
			tables += info.Size()
		}
		used += allocated(info)
		return nil
	})
	return tables, used, err
}

// DiskUsage returns the bytes the files under dir occupy on disk: allocated blocks, not apparent sizes (Badger
// preallocates its log files sparsely: a new index's value log is 512 MB long and nearly empty).
func DiskUsage(dir string) (int64, error) {
	_, used, err := sizes(dir)
	return used, err
}

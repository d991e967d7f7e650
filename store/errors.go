package store

import (
	"errors"
	"fmt"
)

// Errors. Callers test for them with errors.Is; the errors returned wrap them with the folder, the id or the
// detail.
var (
	// ErrNoIndex: the folder holds no index (it does not exist, or is empty).
	ErrNoIndex = errors.New("store: no index")
	// ErrParams: the index was built with other parameters, or in another format version.
	ErrParams = errors.New("store: index parameters differ")
	// ErrNoParams: a new index needs parameters.
	ErrNoParams = errors.New("store: new index needs parameters")
	// ErrNotFound: no article with the id (or docnum, or content key).
	ErrNotFound = errors.New("store: not found")
	// ErrTooLarge: an article too large for one transaction.
	ErrTooLarge = errors.New("store: article too large for one transaction")
	// ErrClosed: the store is closed.
	ErrClosed = errors.New("store: closed")
	// ErrReadOnly: a write to a store opened read-only.
	ErrReadOnly = errors.New("store: index opened read-only")
	// ErrExpired: Put of an article already older than the retention period.
	ErrExpired = errors.New("store: article older than the retention period")
	// ErrCollision: two ids share a docnum (xxhash64), which is not expected in practice.
	ErrCollision = errors.New("store: id hash collision")
	// ErrInvalid: Put of an article whose shingle sets are not strictly increasing or too large (its record
	// could not be read back), or whose id is empty.
	ErrInvalid = errors.New("store: invalid article")
	// ErrCorrupt: stored data that fails its checksum or cannot be decoded, or a scan that ended before the end
	// of the index.
	ErrCorrupt = errors.New("store: corrupt index")
	// ErrRecovery: a read-only open of an index whose writer was killed; its write-ahead log must be replayed
	// by one read-write open first (which recovers every committed article).
	ErrRecovery = errors.New("store: index needs recovery by a read-write open")
	// ErrLocked: another process has the index open for writing (see LockError).
	ErrLocked = errors.New("store: index in use by another process")
	// ErrDiskFull: the file system holding the index has too little free space for the next write (see
	// DiskFullError); nothing is written, and what was committed is kept.
	ErrDiskFull = errors.New("store: disk full")
)

// LockError is returned by Open when another process holds the index folder. It wraps ErrLocked.
type LockError struct {
	Dir string
	PID int // the holder's process id when it wrote one, else 0
}

func (e *LockError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("store: %s is in use by another process (pid %d)", e.Dir, e.PID)
	}
	return fmt.Sprintf("store: %s is in use by another process", e.Dir)
}

func (e *LockError) Unwrap() error { return ErrLocked }

// DiskFullError is returned by writes when the file system holding the index has less free space than the
// writes may need. It wraps ErrDiskFull.
type DiskFullError struct {
	Dir        string
	Free, Need int64 // bytes
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("store: disk full: the file system holding %s has %d MB free, the index needs %d MB to write safely", e.Dir, e.Free>>20, (e.Need+1<<20-1)>>20)
}

func (e *DiskFullError) Unwrap() error { return ErrDiskFull }

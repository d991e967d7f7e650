//go:build !unix

package store

import (
	"errors"
	"io/fs"
)

func diskFree(string) (int64, error) {
	return 0, errors.New("store: free space unknown on this platform")
}

func allocated(info fs.FileInfo) int64 { return info.Size() }

func lockHeld(string, bool) (int, bool) { return 0, false }

package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fill writes n articles of 17 band keys each, in one batch.
func fill(t testing.TB, s *Store, n int) {
	t.Helper()
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Discard()
	for i := range n {
		bands := make([]uint64, 17)
		for j := range bands {
			bands[j] = uint64(i)*1000003 + uint64(j)*7919 + 1
		}
		a := article(fmt.Sprintf("article-%06d", i), Set{uint32(i), uint32(i) + 1}, bands...)
		a.Title = strings.Repeat("title ", 60) // records go to the value log (values over 256 bytes)
		if _, err := b.Put(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestCountsMaintained: counts follow adds, replaces and deletes, survive a reopen, and match a key scan.
func TestCountsMaintained(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	fill(t, s, 100)
	if _, err := s.Put(article("article-000001", Set{9}, 1, 2)); err != nil { // replace: 17 → 2 bands
		t.Fatal(err)
	}
	if ok, err := s.Delete("article-000002"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	want := Counts{Articles: 99, Bands: 98*17 + 2}
	if c, err := s.Counts(); err != nil || c != want {
		t.Fatalf("counts %+v %v, want %+v", c, err, want)
	}
	s.Close()
	s = openTest(t, dir, &Options{ReadOnly: true})
	if c, err := s.Counts(); err != nil || c != want {
		t.Fatalf("counts after reopen %+v %v, want %+v", c, err, want)
	}
	if c, err := s.scanCounts(); err != nil || c != want {
		t.Fatalf("key scan %+v %v, want %+v", c, err, want)
	}
}

// flipSST flips one byte in the middle of the largest table's data.
func flipSST(t *testing.T, dir string) string {
	t.Helper()
	var biggest string
	var size int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, _ error) error {
		if filepath.Ext(p) == ".sst" {
			if info, _ := d.Info(); info != nil && info.Size() > size {
				biggest, size = p, info.Size()
			}
		}
		return nil
	})
	if biggest == "" {
		t.Fatal("no table written")
	}
	b, err := os.ReadFile(biggest)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/3] ^= 0x55
	if err := os.WriteFile(biggest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return biggest
}

// TestCorruptTableDetected: a byte flipped in a table block makes whole-index scans fail with ErrCorrupt instead
// of ending early with a short answer.
func TestCorruptTableDetected(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, &Options{Params: testParams, MemTableSize: 1 << 20})
	fill(t, s, 3000)
	s.Close()
	flipSST(t, dir)
	s, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Stats(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("stats of a corrupt index: %v, want ErrCorrupt", err)
	}
	buckets := 0
	err = s.ScanBuckets(func([]uint64) error { buckets++; return nil })
	if err2 := s.Each(true, func(uint64, *Article) error { return nil }); !errors.Is(err, ErrCorrupt) && !errors.Is(err2, ErrCorrupt) {
		t.Errorf("scans of a corrupt index: buckets %v, articles %v; want ErrCorrupt from one", err, err2)
	}
	if err := s.Verify(); err == nil {
		t.Error("Verify passed a corrupt index")
	}
	if _, err := s.VerifyAll(context.Background()); !errors.Is(err, ErrCorrupt) {
		t.Errorf("VerifyAll of a corrupt index: %v, want ErrCorrupt", err)
	}
}

// TestCorruptValueDetected: bytes flipped in the value log are reported by the read of the article they belong
// to, never returned as a changed record.
func TestCorruptValueDetected(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	fill(t, s, 200)
	s.Close()
	vlogs, _ := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if len(vlogs) == 0 {
		t.Fatal("no value log")
	}
	b, err := os.ReadFile(vlogs[0])
	if err != nil {
		t.Fatal(err)
	}
	// Flip a byte inside each of 50 titles.
	flipped := 0
	for i := 0; i < len(b) && flipped < 50; {
		j := bytes.Index(b[i:], []byte("title title"))
		if j < 0 {
			break
		}
		b[i+j+3] ^= 0x01
		flipped++
		i += j + 4000
	}
	if err := os.WriteFile(vlogs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bad := 0
	for i := range 200 {
		a, err := s.Get(fmt.Sprintf("article-%06d", i))
		switch {
		case err != nil:
			bad++
		case a.Title != strings.Repeat("title ", 60):
			t.Fatalf("article %d read back changed without an error: %.40q", i, a.Title)
		}
	}
	if bad == 0 {
		t.Errorf("%d bytes flipped, no read failed", flipped)
	}
}

// TestDiskFull: a write the file system has no room for is refused with ErrDiskFull before Badger sees it;
// what was committed is kept and reads go on.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	fill(t, s, 10)
	s.space.free = func(string) (int64, error) { return 10 << 20, nil }
	if _, err := s.Put(article("late", Set{1}, 1, 2)); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("put on a full disk: %v, want ErrDiskFull", err)
	}
	var df *DiskFullError
	if _, err := s.Put(article("late", Set{1}, 1, 2)); !errors.As(err, &df) || df.Dir != dir || df.Free != 10<<20 {
		t.Fatalf("the error names the folder and the space: %v", err)
	}
	if n, err := s.Count(); err != nil || n != 10 {
		t.Fatalf("after a refused write: %d articles, %v", n, err)
	}
	s.space.free = diskFree
	if _, err := s.Put(article("late", Set{1}, 1, 2)); err != nil {
		t.Fatalf("put once there is room: %v", err)
	}
}

// TestLocked: a second writer is told the folder is in use, and by which process.
func TestLocked(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir, nil)
	_, err := Open(dir, &Options{})
	var le *LockError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || le.PID != os.Getpid() {
		t.Fatalf("second open: %v, want a LockError naming pid %d", err, os.Getpid())
	}
}

// TestPermissionDenied: an unreadable folder is "permission denied", not "no index".
func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any folder; run as another user to test permissions")
	}
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	s.Close()
	os.Chmod(dir, 0)
	defer os.Chmod(dir, 0o755)
	if _, err := Open(dir, &Options{ReadOnly: true}); !errors.Is(err, fs.ErrPermission) || errors.Is(err, ErrNoIndex) {
		t.Fatalf("open of an unreadable index: %v", err)
	}
}

// TestDiskUsage: a new index occupies far less than the apparent size of its preallocated files.
func TestDiskUsage(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, nil)
	fill(t, s, 10)
	s.Close()
	apparent, _ := DirSize(dir)
	used, err := DiskUsage(dir)
	if err != nil || used <= 0 || used > apparent/10 {
		t.Fatalf("disk usage %d (%v), apparent size %d", used, err, apparent)
	}
}

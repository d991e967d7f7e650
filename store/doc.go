// Package store is neardup's persistent LSH index, an embedded Badger database in one folder. It knows band keys,
// shingle sets, article records and ids; it computes no hashes (package minhash does) and reads no text (package
// shingle does).
//
// # Usage
//
//	s, err := store.Open("news.db", &store.Options{Params: params}) // params are required to create an index
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//	b, err := s.NewBatch() // one writer at a time; queries run meanwhile
//	if err != nil {
//		return err
//	}
//	defer b.Discard()
//	if _, err := b.Put(article); err != nil { // an article's record and postings go in one transaction
//		return err
//	}
//	if err := b.Commit(); err != nil {
//		return err
//	}
//	matches, err := s.Query(store.Query{Bands: bands, Set: set, Full: true, Threshold: 0.8})
//
// # Guarantees
//
// Every article's record, postings and content key are written in one Badger transaction, with the index's
// counts (in key order, ordered.go): after a crash an article is wholly present or absent, and rerunning the same input converges to the
// index a clean run builds. A write is refused with ErrDiskFull, before Badger sees it, when the file system
// lacks room for it and a margin (space.go); committed articles are kept. Table blocks and value-log entries are
// checked against their checksums when read, and whole-index scans compare what they read with the stored counts
// (counts.go), so damage is an ErrCorrupt error, not a silently short or changed answer; VerifyAll checks a whole
// index. The layout is versioned (FormatVersion), records too, and both are pinned by golden tests.
//
// A new index may instead be built in one pass (CreateBulk, bulk.go): sorted runs beside the folder, merged into
// Badger's StreamWriter, the folder renamed into place when whole. It holds the keys and values a batch build
// would, and a killed build leaves no index.
//
// Containment queries (Contained, anchors.go) read the anchor postings each article carries beside its band
// postings; the caller chooses the anchors.
//
// # Errors
//
// The sentinels are in errors.go: test them with errors.Is. Open fails with ErrNoIndex for a folder without an
// index (and creates nothing), a *LockError (ErrLocked) when another process writes the index, ErrRecovery for a
// read-only open after a killed writer, ErrParams for other parameters or another format version.
package store

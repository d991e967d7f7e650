package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/klauspost/compress/zstd"
)

// Stored texts.
//
// An index with Params.Text keeps each article's text. From format 4 texts are kept in blocks: the texts of
// consecutive articles, put together until they reach textBlockSize, compressed as one zstd frame under an x key,
// and each record names its block and its span in it (textRef). Compressing news articles of a few hundred bytes
// one by one leaves 0.55 of their size; blocks of 64 KB leave 0.39 and compress faster (bench/README.md). A u key
// beside each block counts the records that name it: replacing or deleting an article decrements it, and the
// block goes with its last article. A block is written in the transaction of its articles, so a record never
// names a block that is not there. Formats 2 and 3 kept one zstd frame an article under a t key; such indexes
// are read and written that way still.

// textBlockSize is the size of uncompressed text at which a block is closed; the last block of a batch (or of a
// Badger transaction) is closed smaller.
const textBlockSize = 64 << 10

// blockVersion is the version of the text block encoding.
const blockVersion = 1

// textRef says where an article's text is: its block (0 for none) and its span in the block's uncompressed texts.
type textRef struct {
	block  uint64
	off, n uint32
}

func blockKey(dst []byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, prefixBlock), n)
}

func useKey(dst []byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, prefixUse), n)
}

// blocks reports whether the index keeps its texts in blocks (format 4 and later, with texts).
func (p Params) blocks() bool { return p.Text && p.Format >= 4 }

var (
	codecOnce sync.Once
	zEnc      *zstd.Encoder
	zDec      *zstd.Decoder
)

// codec returns the shared zstd encoder and decoder; EncodeAll and DecodeAll are safe for concurrent use, with an
// encoding state a core.
func codec() (*zstd.Encoder, *zstd.Decoder) {
	codecOnce.Do(func() {
		zEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
		zDec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(256<<20))
	})
	return zEnc, zDec
}

// compressFrame returns text as one zstd frame (the t keys of formats 2 and 3).
func compressFrame(text []byte) []byte {
	enc, _ := codec()
	return enc.EncodeAll(text, make([]byte, 0, len(text)/3+16))
}

// decompressFrame returns the text of a zstd frame, appended to dst.
func decompressFrame(dst, b []byte) ([]byte, error) {
	_, dec := codec()
	out, err := dec.DecodeAll(b, dst)
	if err != nil {
		return nil, fmt.Errorf("%w: stored text: %v", ErrCorrupt, err)
	}
	return out, nil
}

// openBlock gathers the texts of a block until it is closed.
type openBlock struct {
	num     uint64
	raw     []byte
	members []blockMember
	dead    int    // members replaced or deleted while the block was open
	exp     uint64 // the latest expiry of a member (all expire with retention, none without)
}

type blockMember struct {
	num uint64
	n   uint32
}

// add appends an article's text and returns where it is.
func (o *openBlock) add(num uint64, text []byte, exp uint64) textRef {
	ref := textRef{block: o.num, off: uint32(len(o.raw)), n: uint32(len(text))}
	o.raw = append(o.raw, text...)
	o.members = append(o.members, blockMember{num, uint32(len(text))})
	o.exp = max(o.exp, exp)
	return ref
}

// full reports whether the block has reached its size.
func (o *openBlock) full() bool { return len(o.raw) >= textBlockSize }

// live returns the number of members still named by their records.
func (o *openBlock) live() int { return len(o.members) - o.dead }

// encode appends the block's encoding: a version byte, the member count, each member's docnum (8 bytes,
// big-endian) and text length (uvarint), then the texts, one after the other, as one zstd frame.
func (o *openBlock) encode(dst []byte) []byte {
	dst = append(dst, blockVersion)
	dst = binary.AppendUvarint(dst, uint64(len(o.members)))
	for _, m := range o.members {
		dst = binary.BigEndian.AppendUint64(dst, m.num)
		dst = binary.AppendUvarint(dst, uint64(m.n))
	}
	enc, _ := codec()
	return enc.EncodeAll(o.raw, dst)
}

// reset empties the block and gives it the number n.
func (o *openBlock) reset(n uint64) {
	o.num, o.raw, o.members, o.dead, o.exp = n, o.raw[:0], o.members[:0], 0, 0
}

// decodeBlockHeader returns the members of an encoded block and the rest (the zstd frame).
func decodeBlockHeader(b []byte, members []blockMember) ([]blockMember, []byte, error) {
	if len(b) == 0 || b[0] != blockVersion {
		if len(b) > 0 {
			return nil, nil, fmt.Errorf("%w: text block version %d, this build reads %d", ErrCorrupt, b[0], blockVersion)
		}
		return nil, nil, ErrCorrupt
	}
	d := &decoder{b: b[1:]}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b))/9 {
		return nil, nil, ErrCorrupt
	}
	members = members[:0]
	for range n {
		raw := d.bytes(8)
		l := d.uvarint()
		if d.err != nil || l > 1<<32-1 {
			return nil, nil, ErrCorrupt
		}
		members = append(members, blockMember{binary.BigEndian.Uint64(raw), uint32(l)})
	}
	return members, d.b, nil
}

// decodeBlock returns the members of an encoded block and its texts, uncompressed, appended to dst.
func decodeBlock(b []byte, members []blockMember, dst []byte) ([]blockMember, []byte, error) {
	members, frame, err := decodeBlockHeader(b, members)
	if err != nil {
		return nil, nil, err
	}
	total := 0
	for _, m := range members {
		total += int(m.n)
	}
	// The frame says its size (all but the smallest): a damaged one must not make the decoder allocate more than
	// the members hold. Without a size, the decoder's memory limit bounds it.
	var h zstd.Header
	if err := h.Decode(frame); err != nil || h.HasFCS && h.FrameContentSize != uint64(total) {
		return nil, nil, fmt.Errorf("%w: text block frame does not hold its %d members' %d bytes", ErrCorrupt, len(members), total)
	}
	raw, err := decompressFrame(slices.Grow(dst, total), frame)
	if err != nil {
		return nil, nil, err
	}
	if total != len(raw)-len(dst) {
		return nil, nil, fmt.Errorf("%w: text block of %d bytes, its members %d", ErrCorrupt, len(raw)-len(dst), total)
	}
	return members, raw, nil
}

func encodeUse(n int) []byte { return binary.AppendUvarint(nil, uint64(n)) }

func decodeUse(v []byte) (int, error) {
	n, w := binary.Uvarint(v)
	if w <= 0 || w != len(v) {
		return 0, ErrCorrupt
	}
	return int(n), nil
}

// readUse returns the use count of block n and its expiry, or ErrNotFound.
func readUse(txn *badger.Txn, n uint64) (int, uint64, error) {
	item, err := getChecked(txn, useKey(nil, n))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, 0, ErrNotFound
	}
	if err != nil {
		return 0, 0, err
	}
	var c int
	err = item.Value(func(v []byte) error {
		c, err = decodeUse(v)
		return err
	})
	return c, item.ExpiresAt(), err
}

// lastBlock returns the largest block number in the index (0 for none).
func lastBlock(txn *badger.Txn) (uint64, error) {
	opt := badger.DefaultIteratorOptions
	opt.PrefetchValues = false
	opt.Reverse = true
	it := newIter(txn, opt)
	defer it.Close()
	it.Seek([]byte{prefixBlock, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	var last uint64
	if it.Valid() {
		if k := it.Item().Key(); len(k) == 9 && k[0] == prefixBlock {
			last = binary.BigEndian.Uint64(k[1:])
		}
	}
	return last, it.Err()
}

// textOf returns the text of the article a (read in txn, num its docnum), appended to dst, or ErrNotFound when
// the index keeps none of it.
func textOf(txn *badger.Txn, num uint64, a *Article, dst []byte) ([]byte, error) {
	if a.ref.block == 0 {
		item, err := getChecked(txn, textKey(nil, num))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		var out []byte
		err = item.Value(func(v []byte) error {
			out, err = decompressFrame(dst, v)
			return err
		})
		return out, err
	}
	item, err := txn.Get(blockKey(nil, a.ref.block))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("%w: the text block %d of %q is missing", ErrCorrupt, a.ref.block, a.ID)
	}
	if err != nil {
		return nil, err
	}
	var out []byte
	err = item.Value(func(v []byte) error {
		_, raw, err := decodeBlock(v, nil, nil)
		if err != nil {
			return err
		}
		end := uint64(a.ref.off) + uint64(a.ref.n)
		if end > uint64(len(raw)) {
			return fmt.Errorf("%w: the text of %q is past its block's end", ErrCorrupt, a.ID)
		}
		out = append(dst, raw[a.ref.off:end]...)
		return nil
	})
	return out, err
}

// Text returns the stored text of the article with the docnum as it was given to Put (Article.Text), or
// ErrNotFound when the article or its text is not there (an index without texts, or an article written without).
func (s *Store) Text(num uint64) ([]byte, error) {
	var out []byte
	err := s.db.View(func(txn *badger.Txn) error {
		a, err := getDoc(txn, num, partMeta)
		if err != nil {
			return err
		}
		out, err = textOf(txn, num, a, nil)
		return err
	})
	return out, err
}

// EachText calls fn with every article (metadata only) and its stored text, from one snapshot of the index;
// text is nil for an article the index keeps no text of. Texts kept in blocks come block by block (each block
// is decompressed once), in the order they were written; articles without a text come last. The text is valid
// during the call only.
func (s *Store) EachText(fn func(num uint64, a *Article, text []byte) error) error {
	if !s.params.blocks() {
		return s.db.View(func(txn *badger.Txn) error {
			var buf []byte
			return s.each(txn, true, func(num uint64, a *Article) error {
				text, err := textOf(txn, num, a, buf[:0])
				switch {
				case errors.Is(err, ErrNotFound):
					text = nil
				case err != nil:
					return fmt.Errorf("%w (%q)", err, a.ID)
				default:
					buf = text
				}
				return fn(num, a, text)
			})
		})
	}
	return s.db.View(func(txn *badger.Txn) error {
		it := keyIterator(txn, prefixBlock)
		defer it.Close()
		var members []blockMember
		var raw []byte
		given := 0
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			k := item.Key()
			if len(k) != 9 {
				continue
			}
			block := binary.BigEndian.Uint64(k[1:])
			err := item.Value(func(v []byte) error {
				var err error
				members, raw, err = decodeBlock(v, members, raw[:0])
				return err
			})
			if err != nil {
				return fmt.Errorf("%w (text block %d)", err, block)
			}
			off := uint32(0)
			for _, m := range members {
				at := textRef{block, off, m.n}
				off += m.n
				a, err := getDoc(txn, m.num, partMeta)
				if errors.Is(err, ErrNotFound) {
					continue // replaced or deleted since
				}
				if err != nil {
					return err
				}
				if a.ref != at {
					continue // a replaced version's
				}
				given++
				if err := fn(m.num, a, raw[at.off:at.off+at.n]); err != nil {
					return err
				}
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
		named := 0
		err := s.each(txn, true, func(num uint64, a *Article) error {
			if a.ref.block != 0 {
				named++
				return nil
			}
			return fn(num, a, nil)
		})
		if err == nil && named != given {
			// A record names a block that is not there, or a place in it that is not its own.
			return fmt.Errorf("%w: %d articles name a text block, %d were found in one", ErrCorrupt, named, given)
		}
		return err
	})
}

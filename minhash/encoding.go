package minhash

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The signature encoding, version 1, all integers little-endian:
//
//	offset  size  field
//	0       4     magic "NDMH"
//	4       1     format version (1)
//	5       1     algorithm (1 = fast similarity sketch)
//	6       2     k
//	8       8     seed
//	16      8·k   the k slots, uint64 each
//
// A signature is meaningful only next to the shingle settings it was made with; the store keeps those.
const (
	encVersion = 1
	headerLen  = 16
)

var magic = [4]byte{'N', 'D', 'M', 'H'}

// ErrFormat is returned when decoding bytes that are not a signature this version understands.
var ErrFormat = errors.New("minhash: bad signature encoding")

// Meta describes how a signature was made.
type Meta struct {
	Algorithm Algorithm
	K         int
	Seed      uint64
}

// Meta returns the Hasher's description.
func (h *Hasher) Meta() Meta { return Meta{Algorithm: FastSimilaritySketch, K: h.k, Seed: h.seed} }

// AppendEncoded appends the encoding of sig, made by h, to dst.
func (h *Hasher) AppendEncoded(dst []byte, sig Signature) []byte {
	if len(sig) != h.k {
		panic("minhash: signature length differs from the hasher's k")
	}
	dst = append(dst, magic[:]...)
	dst = append(dst, encVersion, byte(FastSimilaritySketch))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(h.k))
	dst = binary.LittleEndian.AppendUint64(dst, h.seed)
	for _, v := range sig {
		dst = binary.LittleEndian.AppendUint64(dst, v)
	}
	return dst
}

// Decode decodes a signature, appending its slots to dst.
func Decode(dst Signature, b []byte) (Signature, Meta, error) {
	if len(b) < headerLen || [4]byte(b[:4]) != magic {
		return dst, Meta{}, fmt.Errorf("%w: no header", ErrFormat)
	}
	if b[4] != encVersion {
		return dst, Meta{}, fmt.Errorf("%w: version %d, this build reads %d", ErrFormat, b[4], encVersion)
	}
	m := Meta{Algorithm: Algorithm(b[5]), K: int(binary.LittleEndian.Uint16(b[6:])), Seed: binary.LittleEndian.Uint64(b[8:])}
	if m.Algorithm != FastSimilaritySketch {
		return dst, Meta{}, fmt.Errorf("%w: unknown algorithm %d", ErrFormat, b[5])
	}
	if m.K < MinK || m.K > MaxK || len(b) != headerLen+8*m.K {
		return dst, Meta{}, fmt.Errorf("%w: k %d with %d bytes", ErrFormat, m.K, len(b))
	}
	for i := range m.K {
		dst = append(dst, binary.LittleEndian.Uint64(b[headerLen+8*i:]))
	}
	return dst, m, nil
}

// Package peers races neardup's hashing core against other Go MinHash libraries on the same shingles of the same
// corpus, one core, k = 128. It is its own module so that the product never depends on its peers.
//
//	cd bench/peers
//	NEARDUP_BENCH_CORPUS=$PWD/../../../shared/data/reuters21578.jsonl go test -bench . -count 6 -cpu 1 | tee peers.txt
//	benchstat -col /lib peers.txt
//
// BenchmarkInterleaved gives the ratios on a machine whose speed drifts while it runs.
package peers

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/cespare/xxhash/v2"
	minwise "github.com/dgryski/go-minhash"
	minhashlsh "github.com/ekzhu/minhash-lsh"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/shingle"
)

const k = 128

var sink []uint64

func load(b *testing.B) ([][]byte, int64) {
	if os.Getenv("NEARDUP_BENCH_CORPUS") == "" {
		os.Setenv("NEARDUP_BENCH_CORPUS", corpus.Sample())
	}
	return corpus.Texts(corpus.Bench(b))
}

// signer computes one signature from shingle hashes.
type signer func(shingles []uint64) []uint64

func neardup() signer {
	h, _ := minhash.New(k, 1)
	sig := make(minhash.Signature, 0, k)
	return func(s []uint64) []uint64 { sig = h.Sum(sig[:0], s); return sig }
}

// Peers take shingles as bytes: each shingle hash as 8 little-endian bytes.
func dgryski() signer {
	h1 := func(b []byte) uint64 { return xxhash.Sum64(b) }
	h2 := func(b []byte) uint64 { return xxhash.Sum64(b) * 0x9e3779b97f4a7c15 }
	var buf [8]byte
	return func(s []uint64) []uint64 {
		m := minwise.NewMinWise(h1, h2, k)
		for _, x := range s {
			binary.LittleEndian.PutUint64(buf[:], x)
			m.Push(buf[:])
		}
		return m.Signature()
	}
}

func ekzhu() signer {
	var buf [8]byte
	return func(s []uint64) []uint64 {
		m := minhashlsh.NewMinhash(1, k)
		for _, x := range s {
			binary.LittleEndian.PutUint64(buf[:], x)
			m.Push(buf[:])
		}
		return m.Signature()
	}
}

var libs = []struct {
	name string
	make func() signer
}{{"neardup", neardup}, {"dgryski-go-minhash", dgryski}, {"ekzhu-minhash-lsh", ekzhu}}

// BenchmarkTextToSignature: text → normalised tokens → word 5-shingles (neardup's shingle package for all) →
// signature, MB/s of text.
func BenchmarkTextToSignature(b *testing.B) {
	texts, total := load(b)
	for _, lib := range libs {
		b.Run("lib="+lib.name, func(b *testing.B) {
			s, _ := shingle.New(shingle.Options{})
			sign := lib.make()
			hashes := make([]uint64, 0, 1<<16)
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, t := range texts {
					hashes = s.Hashes(hashes[:0], t)
					sink = sign(hashes)
				}
			}
		})
	}
}

// BenchmarkShinglesToSignature: the signature alone, from the same precomputed shingles; MB/s of the text they
// came from.
func BenchmarkShinglesToSignature(b *testing.B) {
	texts, total := load(b)
	s, _ := shingle.New(shingle.Options{})
	sets := make([][]uint64, len(texts))
	for i, t := range texts {
		sets[i] = s.Hashes(nil, t)
	}
	for _, lib := range libs {
		b.Run("lib="+lib.name, func(b *testing.B) {
			sign := lib.make()
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, set := range sets {
					sink = sign(set)
				}
			}
		})
	}
}

// BenchmarkInterleaved runs the race in turns: the corpus in chunks of 256 articles, each chunk through every
// library in an order that rotates, each timed apart. On a machine whose speed changes from second to second (a
// shared virtual machine), the libraries' separate runs above meet different speeds; here every library meets
// the same ones, and the ratios (x-dgryski: dgryski/go-minhash's time over neardup's; x-ekzhu) are the figures to
// read. text: text → shingles → signature, each library with neardup's shingler; shingles: the signature alone.
func BenchmarkInterleaved(b *testing.B) {
	texts, total := load(b)
	s, _ := shingle.New(shingle.Options{})
	sets := make([][]uint64, len(texts))
	for i, t := range texts {
		sets[i] = s.Hashes(nil, t)
	}
	for _, fromText := range []bool{true, false} {
		name := "shingles"
		if fromText {
			name = "text"
		}
		b.Run(name, func(b *testing.B) {
			hashes := make([]uint64, 0, 1<<16)
			sides := make([]func(lo, hi int), len(libs))
			for l, lib := range libs {
				sign := lib.make()
				sides[l] = func(lo, hi int) {
					for i := lo; i < hi; i++ {
						set := sets[i]
						if fromText {
							hashes = s.Hashes(hashes[:0], texts[i])
							set = hashes
						}
						sink = sign(set)
					}
				}
			}
			spent := corpus.InTurns(b, len(texts), sides...)
			b.ReportMetric(float64(total)*float64(b.N)/spent[0].Seconds()/1e6, "neardup-MB/s")
			b.ReportMetric(float64(spent[1])/float64(spent[0]), "x-dgryski")
			b.ReportMetric(float64(spent[2])/float64(spent[0]), "x-ekzhu")
		})
	}
}

// TestPeersAgree checks that the three libraries estimate similar Jaccard similarities on a near-duplicate pair,
// so that the race compares implementations of the same thing.
func TestPeersAgree(t *testing.T) {
	s, _ := shingle.New(shingle.Options{})
	a := "Oil prices rose on Monday after producers agreed to extend output cuts into next year, traders said, as crude stockpiles fell for a third week running and refiners raised runs ahead of the winter."
	bText := "Oil prices rose on Monday after producers agreed to extend output cuts into next year, traders said, as crude stockpiles fell for a third week running."
	ha, hb := s.Hashes(nil, []byte(a)), s.Hashes(nil, []byte(bText))
	for _, lib := range libs {
		sa := append([]uint64(nil), lib.make()(ha)...)
		sb := lib.make()(hb)
		eq := 0
		for i := range sa {
			if sa[i] == sb[i] {
				eq++
			}
		}
		j := float64(eq) / float64(len(sa))
		if j < 0.5 || j > 0.95 {
			t.Errorf("%s estimates %.2f for a pair of exact Jaccard about 0.76", lib.name, j)
		}
	}
}

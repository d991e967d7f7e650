package minhash

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// Algorithm names a way of computing signatures. It is part of the stored format.
type Algorithm uint8

// FastSimilaritySketch is fast similarity sketching (Dahlgaard, Knudsen and Thorup, FOCS 2017), the only
// algorithm so far.
const FastSimilaritySketch Algorithm = 1

func (a Algorithm) String() string {
	if a == FastSimilaritySketch {
		return "fss"
	}
	return fmt.Sprintf("Algorithm(%d)", uint8(a))
}

// Limits on the signature length k.
const (
	MinK     = 16
	MaxK     = 1024
	DefaultK = 128
)

// Empty is the value of every slot of the signature of an empty set.
const Empty = math.MaxUint64

// Signature is a MinHash signature: k slots, each the minimum of a random (round, value) pair over the set.
// Two signatures are comparable only when made by Hashers with the same k, seed and algorithm.
type Signature []uint64

// ErrK is returned for a signature length outside [MinK, MaxK].
var ErrK = errors.New("minhash: k out of range")

// Hasher computes signatures. It holds only the per-round keys derived from its seed, never written after New,
// so one Hasher may be used by many goroutines at once; Sum writes only into the dst it is given.
type Hasher struct {
	k    int
	seed uint64
	keys []uint64 // 2k round keys
}

// New returns a Hasher for signatures of k slots under seed.
func New(k int, seed uint64) (*Hasher, error) {
	if k < MinK || k > MaxK {
		return nil, fmt.Errorf("%w: %d not in [%d, %d]", ErrK, k, MinK, MaxK)
	}
	h := &Hasher{k: k, seed: seed, keys: make([]uint64, 2*k)}
	s := seed
	for i := range h.keys {
		h.keys[i] = splitmix64(&s)
	}
	return h, nil
}

// K returns the signature length.
func (h *Hasher) K() int { return h.k }

// Seed returns the seed.
func (h *Hasher) Seed() uint64 { return h.seed }

// splitmix64 advances *s and returns the next value of the SplitMix64 generator.
func splitmix64(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// mix is the SplitMix64 finaliser, a bijective 64-bit mixer: the band keys (lsh.go) chain it over a band's slots.
func mix(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Sum appends the signature of the set of shingles to dst and returns it. Repeated shingles count once. The cost
// is O(n + k log k) for n shingles: one round (one hash per shingle) fills all k slots when n >= k ln k, and
// further rounds run only until every slot is filled, 2k rounds at the most.
//
// Round i < k sends each shingle x to a random slot with value i·2^32 + r_i(x); round k+j sends every shingle
// to slot j. A slot holds the smallest value it was sent, so slot j of two sets agrees exactly when the first
// shingle of their union to reach slot j lies in both: P[agree] = Jaccard, as for k-permutation MinHash.
func (h *Hasher) Sum(dst Signature, shingles []uint64) Signature {
	return h.sum(dst, shingles, haveAsm)
}

// sum is Sum with the rounds for k a power of two in assembly (asm, where the build has them) or in Go.
func (h *Hasher) sum(dst Signature, shingles []uint64, asm bool) Signature {
	k := h.k
	start := len(dst)
	dst = append(dst, empties[:k]...)
	sig := dst[start : start+k : start+k]
	if len(shingles) == 0 {
		return dst
	}
	keys := h.keys[:2*k]
	// For k a power of two, (h>>32)·k>>32 is h>>(64-log2 k): a shift in place of a multiplication and a shift in
	// the hot loop, the same slot.
	filled, shift := 0, uint(64-bits.TrailingZeros(uint(k)))
	switch {
	case k&(k-1) != 0:
		for i := 0; i < k && filled < k; i++ {
			filled += roundMul(sig, shingles, keys[i], uint64(i)<<32)
		}
	case asm:
		filled = fullRounds(sig, shingles, keys, shift)
	default:
		filled = fullRoundsGo(sig, shingles, keys, shift)
	}
	if filled == k {
		return dst
	}
	for j := range k {
		if sig[j] != Empty {
			continue
		}
		key := keys[k+j]
		round := uint64(k+j) << 32
		for _, x := range shingles {
			_, r := slot(x^key, k)
			sig[j] = min(sig[j], round|r)
		}
	}
	return dst
}

// roundMul runs one of the first k rounds of Sum: every shingle goes to its slot (as slot computes it) with value
// round|r, the slot keeping the smaller, and it returns how many slots it filled that were empty. It is the hot
// loop for k not a power of two, kept apart so that its few live values stay in registers; an empty slot is told
// by its top bit (no value Sum writes has it set), without a branch. It is not inlined: inlined into Sum, the
// loop shares registers with Sum's and spills, a third slower (BenchmarkSum).
//
//go:noinline
func roundMul(sig Signature, shingles []uint64, key, round uint64) int {
	k := len(sig)
	filled := 0
	for _, x := range shingles {
		b, r := slot(x^key, k)
		s := sig[b]
		filled += int(s >> 63)
		sig[b] = min(s, round|r)
	}
	return filled
}

// fullRoundsGo runs rounds 0, 1, ... of a signature of k = 2^(64-shift) slots as roundMul does, with a shift in
// place of the slot's multiplication, until every slot is filled or k rounds have run, and returns the number of
// slots filled. fullRounds is it, or the same loops in assembly.
func fullRoundsGo(sig Signature, shingles []uint64, keys []uint64, shift uint) int {
	filled := 0
	for i, k := 0, len(sig); i < k && filled < k; i++ {
		filled += roundShiftGo(sig, shingles, keys[i], uint64(i)<<32, shift)
	}
	return filled
}

// roundShiftGo is one round of fullRoundsGo.
//
//go:noinline
func roundShiftGo(sig Signature, shingles []uint64, key, round uint64, shift uint) int {
	filled := 0
	for _, x := range shingles {
		h := fold(x ^ key)
		b := h >> (shift & 63) // shift < 64: the mask spares the compiler's test for larger shifts
		s := sig[b]
		filled += int(s >> 63)
		sig[b] = min(s, round|uint64(uint32(h)))
	}
	return filled
}

// empties is the value of an empty signature, Sum's start.
var empties = func() (e [MaxK]uint64) {
	for i := range e {
		e[i] = Empty
	}
	return e
}()

// slot hashes a shingle xored with a round key to a slot below k and a 32-bit value. The hash folds the 128-bit
// product with an odd constant onto 64 bits (hi ^ lo, the "mum" step of wyhash): one multiplication, enough for
// inputs that are already uniform 64-bit shingle hashes, as the statistical tests check.
func slot(x uint64, k int) (int, uint64) {
	h := fold(x)
	return int((h >> 32) * uint64(k) >> 32), h & 0xffffffff
}

// fold is slot's hash: the 128-bit product of x with an odd constant, folded onto 64 bits.
func fold(x uint64) uint64 {
	hi, lo := bits.Mul64(x, 0x9e3779b97f4a7c15)
	return hi ^ lo
}

// IsEmpty reports whether s is the signature of an empty set.
func (s Signature) IsEmpty() bool { return len(s) == 0 || s[0] == Empty }

// Jaccard estimates the Jaccard similarity of the sets behind a and b: the share of slots on which they agree.
// Empty sets are similar to nothing. It panics if the lengths differ.
func Jaccard(a, b Signature) float64 {
	if len(a) != len(b) {
		panic("minhash: signatures of different lengths")
	}
	if a.IsEmpty() || b.IsEmpty() {
		return 0
	}
	b = b[:len(a)]
	eq := 0
	for i, v := range a {
		if v == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// Containment estimates |A ∩ B| / |A| from the two signatures and the set sizes: with J = |A∩B|/|A∪B|,
// |A∩B| = J(|A|+|B|)/(1+J).
func Containment(a, b Signature, sizeA, sizeB int) float64 {
	return ContainmentFromJaccard(Jaccard(a, b), sizeA, sizeB)
}

// ContainmentFromJaccard converts a Jaccard similarity of sets of the given sizes into the containment of A in B.
func ContainmentFromJaccard(j float64, sizeA, sizeB int) float64 {
	if sizeA <= 0 || j <= 0 {
		return 0
	}
	c := j * float64(sizeA+sizeB) / ((1 + j) * float64(sizeA))
	return min(c, 1)
}

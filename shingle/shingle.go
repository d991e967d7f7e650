package shingle

import (
	"errors"
	"fmt"
)

// Unit selects what a shingle is made of.
type Unit uint8

const (
	// Words makes shingles of Size consecutive tokens (the default).
	Words Unit = iota
	// Chars makes shingles of Size consecutive normalised characters, counting one space between tokens.
	Chars
)

func (u Unit) String() string {
	switch u {
	case Words:
		return "words"
	case Chars:
		return "chars"
	}
	return fmt.Sprintf("Unit(%d)", uint8(u))
}

// ParseUnit parses "words" or "chars".
func ParseUnit(s string) (Unit, error) {
	switch s {
	case "words", "word", "":
		return Words, nil
	case "chars", "char":
		return Chars, nil
	}
	return 0, fmt.Errorf("shingle: unknown unit %q (want words or chars)", s)
}

// DefaultSize is the default number of units per shingle.
const DefaultSize = 5

// MaxSize is the largest shingle size accepted.
const MaxSize = 64

// Options configure a [Shingler]. The zero value means word 5-shingles.
type Options struct {
	// Unit is Words (default) or Chars.
	Unit Unit
	// Size is the number of units per shingle, 1 to MaxSize. Zero means DefaultSize.
	Size int
}

// Validate reports whether the options are usable, after defaults are applied.
func (o Options) Validate() error {
	if o.Unit != Words && o.Unit != Chars {
		return fmt.Errorf("shingle: unknown unit %d", o.Unit)
	}
	if o.Size < 0 || o.Size > MaxSize {
		return fmt.Errorf("shingle: size %d out of range 1..%d", o.Size, MaxSize)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.Size == 0 {
		o.Size = DefaultSize
	}
	return o
}

// Shingle is one shingle with the span of its first and last unit in the original text, end exclusive.
type Shingle struct {
	Hash       uint64
	Start, End uint32
}

// Shingler turns text into shingle hashes. It reuses its buffers between calls, so that once warm it allocates
// nothing per token or shingle; it is not safe for concurrent use (make one per goroutine).
type Shingler struct {
	opts Options
	tok  *Tokenizer
	toks []Token
}

// ErrOptions is returned by [New] for unusable options.
var ErrOptions = errors.New("shingle: invalid options")

// New returns a Shingler for opts.
func New(opts Options) (*Shingler, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOptions, err)
	}
	return &Shingler{opts: opts.withDefaults(), tok: NewTokenizer(), toks: make([]Token, 0, 256)}, nil
}

// Options returns the options in effect, defaults applied.
func (s *Shingler) Options() Options { return s.opts }

// Units returns the units shingles are made of: tokens for Words, characters for Chars. The slice is reused by
// the next call.
func (s *Shingler) Units(text []byte) []Token {
	if s.opts.Unit == Chars {
		s.toks = s.tok.charUnits(s.toks[:0], text)
	} else {
		s.toks = s.tok.Tokens(s.toks[:0], text)
	}
	return s.toks
}

// Hashes appends the shingle hashes of text to dst. A text with fewer units than Size has one shingle made of
// all its units; a text without units has none. Hashes may repeat when the text repeats itself.
func (s *Shingler) Hashes(dst []uint64, text []byte) []uint64 {
	return AppendHashes(dst, s.Units(text), s.opts.Size)
}

// Shingles is like Hashes but keeps each shingle's span.
func (s *Shingler) Shingles(dst []Shingle, text []byte) []Shingle {
	return AppendShingles(dst, s.Units(text), s.opts.Size)
}

// Normalize appends the normalised text to dst: see [Tokenizer.Normalize].
func (s *Shingler) Normalize(dst, text []byte) []byte { return s.tok.Normalize(dst, text) }

// The shingle hash of units u[0..k) is fmix64(P + k·lenMix) where P = Σ u[j]·base^(k-1-j) mod 2^64, a polynomial
// that rolls in O(1) per shingle. These constants are part of the stored format: changing them invalidates every
// index (golden tests pin them).
const (
	base   = 0x9e3779b97f4a7c15
	lenMix = 0xc2b2ae3d27d4eb4f
)

// fmix64 is MurmurHash3's 64-bit finaliser.
func fmix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// window hashes units u[lo:hi] from scratch.
func window(u []Token) uint64 {
	var p uint64
	for _, t := range u {
		p = p*base + t.Hash
	}
	return p
}

func pow(k int) uint64 {
	p := uint64(1)
	for range k {
		p *= base
	}
	return p
}

// AppendHashes appends the k-shingle hashes of units to dst.
func AppendHashes(dst []uint64, units []Token, k int) []uint64 {
	if len(units) == 0 || k <= 0 {
		return dst
	}
	if len(units) < k {
		return append(dst, fmix64(window(units)+uint64(len(units))*lenMix))
	}
	top := pow(k - 1)
	mix := uint64(k) * lenMix
	p := window(units[:k])
	dst = append(dst, fmix64(p+mix))
	for i := k; i < len(units); i++ {
		p = (p-units[i-k].Hash*top)*base + units[i].Hash
		dst = append(dst, fmix64(p+mix))
	}
	return dst
}

// AppendShingles appends the k-shingles of units to dst, with their spans.
func AppendShingles(dst []Shingle, units []Token, k int) []Shingle {
	if len(units) == 0 || k <= 0 {
		return dst
	}
	if len(units) < k {
		return append(dst, Shingle{fmix64(window(units) + uint64(len(units))*lenMix), units[0].Start, units[len(units)-1].End})
	}
	top := pow(k - 1)
	mix := uint64(k) * lenMix
	p := window(units[:k])
	dst = append(dst, Shingle{fmix64(p + mix), units[0].Start, units[k-1].End})
	for i := k; i < len(units); i++ {
		p = (p-units[i-k].Hash*top)*base + units[i].Hash
		dst = append(dst, Shingle{fmix64(p + mix), units[i-k+1].Start, units[i].End})
	}
	return dst
}

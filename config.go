package neardup

import (
	"fmt"
	"strings"

	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
)

// Config are the parameters an index is built with. They are stored in the index and cannot change afterwards.
type Config struct {
	// Shingle configures shingling (default word 5-shingles).
	Shingle shingle.Options
	// K is the signature length (default 128).
	K int
	// Seed seeds the signatures (default 1).
	Seed uint64
	// Threshold is the Jaccard similarity the LSH bands are tuned for (default 0.8). Queries may ask for any
	// threshold at or above it without rebuilding; lower ones lose recall.
	Threshold float64
	// Passages indexes each article's passages too, for `neardup passages` (default off: it triples the index).
	Passages bool
	// NoText leaves the articles' texts out of the index (default: kept, zstd-compressed; see text.go).
	NoText bool
	// AnchorWindow is the winnowing window of the containment anchors, for containment queries and text
	// alignment (default DefaultAnchorWindow, or PassageAnchorWindow with Passages; see anchors.go). NoAnchors
	// leaves them out.
	AnchorWindow int
	NoAnchors    bool
}

// Defaults.
const (
	DefaultThreshold        = 0.8
	DefaultSeed             = 1
	passageK                = 16
	passageBands            = 2
	passageRows             = 1
	passageMinTokens        = 8
	passageWindow           = 64
	defaultShingleUnitWords = "words"
)

func (c Config) withDefaults() Config {
	if c.Shingle.Size == 0 {
		c.Shingle.Size = shingle.DefaultSize
	}
	if c.K == 0 {
		c.K = minhash.DefaultK
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.AnchorWindow == 0 {
		c.AnchorWindow = DefaultAnchorWindow
		if c.Passages {
			c.AnchorWindow = PassageAnchorWindow
		}
	}
	return c
}

// ConfigOf returns the Config that builds an index of the parameters p: the inverse of the conversion a new
// index records, kept beside it so that a parameter is added in one place. An index from before format 3 has no
// anchors by age, not by choice: its Config asks for them (its rebuild gets them).
func ConfigOf(p Params) Config {
	unit, _ := shingle.ParseUnit(p.ShingleUnit)
	return Config{Shingle: shingle.Options{Unit: unit, Size: p.ShingleSize}, K: p.K, Seed: p.Seed,
		Threshold: p.Threshold, Passages: p.PassageK > 0, NoText: !p.Text, AnchorWindow: p.Anchors,
		NoAnchors: p.Format >= 3 && p.Anchors == 0}
}

// params converts a Config into the store's record of it.
func (c Config) params() (store.Params, error) {
	c = c.withDefaults()
	if err := c.Shingle.Validate(); err != nil {
		return store.Params{}, err
	}
	if c.K < minhash.MinK || c.K > minhash.MaxK {
		return store.Params{}, fmt.Errorf("neardup: k %d not in [%d, %d]", c.K, minhash.MinK, minhash.MaxK)
	}
	lsh, err := minhash.Optimal(c.Threshold, c.K, minhash.DefaultWeights)
	if err != nil {
		return store.Params{}, err
	}
	p := store.Params{
		Format:      store.FormatVersion,
		ShingleUnit: c.Shingle.Unit.String(),
		ShingleSize: c.Shingle.Size,
		Algorithm:   minhash.FastSimilaritySketch.String(),
		K:           c.K,
		Seed:        c.Seed,
		Threshold:   c.Threshold,
		Bands:       lsh.Bands,
		Rows:        lsh.Rows,
		Text:        !c.NoText,
	}
	if c.AnchorWindow < 0 {
		return store.Params{}, fmt.Errorf("neardup: anchor window %d is negative", c.AnchorWindow)
	}
	if !c.NoAnchors {
		p.Anchors = c.AnchorWindow
	}
	if c.Passages {
		// Passages are banded 2 × 1 (the first two slots of a k = 16 signature: two min-hash anchors): a pair of
		// passages becomes a candidate with probability 1 − (1 − J)², 0.99 at J = 0.9, 0.96 at 0.8, 0.75 at 0.5.
		// Two postings a passage keep passage indexing near twice the cost of article indexing, where wider
		// bands would multiply the postings; the loose candidates cost only verification, at query time.
		p.PassageK, p.PassageBands, p.PassageRows = passageK, passageBands, passageRows
		p.PassageMin, p.PassageWindow = passageMinTokens, passageWindow
	}
	return p, nil
}

// The parameters a Mismatch names.
const (
	ParamShingleSize  = "shingle size"
	ParamShingleUnit  = "shingle unit"
	ParamK            = "k"
	ParamSeed         = "seed"
	ParamThreshold    = "threshold"
	ParamPassages     = "passages"
	ParamText         = "text"
	ParamAnchors      = "anchors"
	ParamAnchorWindow = "anchor window"
)

// A Mismatch is a parameter asked for that an index was built otherwise.
type Mismatch struct {
	Param  string // one of the Param constants
	Stored string // the index's value (as a flag would give it: 16, chars, 0.8, true)
	Text   string // the difference in words: "k 16, asked for 32", "no passages, asked for passages"
}

// Mismatches lists the parameters of c that differ from an index's stored ones: where given is nil, the fields
// c sets (non-zero); else those given reports true for (by Param name), zero or not.
func (c Config) Mismatches(p Params, given func(param string) bool) []Mismatch {
	ask := func(param string, set bool) bool {
		if given == nil {
			return set
		}
		return given(param)
	}
	var out []Mismatch
	add := func(param string, stored any, text string) {
		out = append(out, Mismatch{Param: param, Stored: fmt.Sprint(stored), Text: text})
	}
	if ask(ParamShingleSize, c.Shingle.Size != 0) && c.Shingle.Size != p.ShingleSize {
		add(ParamShingleSize, p.ShingleSize, fmt.Sprintf("shingle size %d, asked for %d", p.ShingleSize, c.Shingle.Size))
	}
	if ask(ParamShingleUnit, c.Shingle.Unit != 0) && c.Shingle.Unit.String() != p.ShingleUnit {
		add(ParamShingleUnit, p.ShingleUnit, fmt.Sprintf("shingle unit %s, asked for %s", p.ShingleUnit, c.Shingle.Unit))
	}
	if ask(ParamK, c.K != 0) && c.K != p.K {
		add(ParamK, p.K, fmt.Sprintf("k %d, asked for %d", p.K, c.K))
	}
	if ask(ParamSeed, c.Seed != 0) && c.Seed != p.Seed {
		add(ParamSeed, p.Seed, fmt.Sprintf("seed %d, asked for %d", p.Seed, c.Seed))
	}
	if ask(ParamThreshold, c.Threshold != 0) && c.Threshold != p.Threshold {
		add(ParamThreshold, p.Threshold, fmt.Sprintf("threshold %g, asked for %g", p.Threshold, c.Threshold))
	}
	if ask(ParamPassages, c.Passages) && c.Passages && p.PassageK == 0 {
		add(ParamPassages, false, "no passages, asked for passages")
	}
	if ask(ParamText, c.NoText) && c.NoText && p.Text {
		add(ParamText, true, "texts, asked for none")
	}
	if ask(ParamAnchors, c.NoAnchors) && c.NoAnchors && p.Anchors > 0 {
		add(ParamAnchors, p.Anchors, "containment anchors, asked for none")
	}
	if ask(ParamAnchorWindow, c.AnchorWindow != 0 && !c.NoAnchors) && c.AnchorWindow != p.Anchors {
		add(ParamAnchorWindow, p.Anchors, fmt.Sprintf("anchor window %d, asked for %d", p.Anchors, c.AnchorWindow))
	}
	return out
}

// matches checks the fields of c that are given (non-zero) against an index's stored parameters.
func (c Config) matches(dir string, p Params) error {
	ms := c.Mismatches(p, nil)
	if len(ms) == 0 {
		return nil
	}
	diff := make([]string, len(ms))
	for i, m := range ms {
		diff[i] = m.Text
	}
	return fmt.Errorf("%w: %s was built with %s", store.ErrParams, dir, strings.Join(diff, ", "))
}

package neardup

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
)

// TestConfigOfInverts: the Config ConfigOf gives for an index's parameters records the same parameters, for
// every kind of index the CLI can create, so that rebuild and the CLI's checks follow a new parameter.
func TestConfigOfInverts(t *testing.T) {
	for _, c := range []Config{
		{},
		{Passages: true},
		{NoText: true, NoAnchors: true},
		{K: 64, Seed: 7, Threshold: 0.7, AnchorWindow: 12},
		{Shingle: shingle.Options{Unit: shingle.Chars, Size: 9}},
	} {
		p, err := c.params()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ConfigOf(p).params()
		if err != nil {
			t.Fatal(err)
		}
		p.Format, back.Format = 0, 0
		if p != back {
			t.Errorf("%+v: params %+v, from ConfigOf %+v", c, p, back)
		}
		if err := ConfigOf(p).matches("dir", p); err != nil {
			t.Errorf("%+v: ConfigOf's config does not match its own parameters: %v", c, err)
		}
	}
}

// TestMismatches: the fields a Config sets are checked against stored parameters; with given, the parameters
// named are checked even at their zero value (word shingles asked of a character-shingle index).
func TestMismatches(t *testing.T) {
	chars := Config{Shingle: shingle.Options{Unit: shingle.Chars, Size: 7}, K: 64}
	p, err := chars.params()
	if err != nil {
		t.Fatal(err)
	}
	words := Config{Shingle: shingle.Options{Unit: shingle.Words, Size: 7}, K: 128, Passages: true}
	var got []string
	for _, m := range words.Mismatches(p, nil) {
		got = append(got, m.Param+"="+m.Stored)
	}
	if want := []string{"k=64", "passages=false"}; !slices.Equal(got, want) {
		t.Errorf("set fields: %v, want %v", got, want)
	}
	got = got[:0]
	for _, m := range words.Mismatches(p, func(param string) bool { return param == ParamShingleUnit || param == ParamShingleSize }) {
		got = append(got, m.Param+"="+m.Stored)
	}
	if want := []string{"shingle unit=chars"}; !slices.Equal(got, want) {
		t.Errorf("given unit and size: %v, want %v", got, want)
	}
	if err := words.matches("dir", p); !errors.Is(err, ErrParams) || !strings.Contains(err.Error(), "k 64, asked for 128, no passages, asked for passages") {
		t.Errorf("matches: %v", err)
	}
}

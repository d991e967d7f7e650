package neardup

import (
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

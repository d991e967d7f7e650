package gen

import (
	"testing"

	"github.com/neardup/neardup/internal/corpus"
)

func TestDeterministicAndMixed(t *testing.T) {
	base, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	a, b := New(base, Options{Seed: 3}), New(base, Options{Seed: 3})
	copies := 0
	for range 500 {
		x, of := a.Next()
		y, _ := b.Next()
		if x.ID != y.ID || x.Text != y.Text {
			t.Fatal("same seed, different articles")
		}
		if of != "" {
			copies++
		}
	}
	if copies < 50 || copies > 150 {
		t.Errorf("%d copies in 500, want about 100", copies)
	}
}

// Package gen makes large, realistic news corpora from a small real one: seeded, so every run of a benchmark sees
// the same articles. A share of the output are copies of earlier articles edited the way syndication and
// scraping edit them (new headline, byline and dateline, quotes swapped, last paragraph cut, a paragraph added,
// a boilerplate block appended, a few words replaced); the rest are distinct articles made by replacing a large
// share of a base article's words.
package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
)

// Options tune a Generator. Zero fields take the defaults.
type Options struct {
	Seed uint64
	// CopyShare is the share of articles that are edited copies of an earlier one (default 0.2).
	CopyShare float64
	// FreshReplace is the share of words replaced to make a distinct article (default 0.4).
	FreshReplace float64
}

// Generator produces articles. It is not safe for concurrent use.
type Generator struct {
	base  []corpus.Doc
	o     Options
	rng   *rand.Rand
	vocab []string
	made  []*neardup.Doc // a window of recent articles to copy from
	n     int
}

// New returns a Generator over base articles (those with text).
func New(base []corpus.Doc, o Options) *Generator {
	if o.CopyShare == 0 {
		o.CopyShare = 0.2
	}
	if o.FreshReplace == 0 {
		o.FreshReplace = 0.4
	}
	g := &Generator{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x6e656172))}
	seen := map[string]bool{}
	for _, d := range base {
		if strings.TrimSpace(d.Text) == "" {
			continue
		}
		g.base = append(g.base, d)
		for _, w := range strings.Fields(d.Text) {
			if len(g.vocab) < 50000 && !seen[w] {
				seen[w] = true
				g.vocab = append(g.vocab, w)
			}
		}
	}
	return g
}

var boilerplate = []string{
	"Related stories: Markets close higher | Central bank holds rates | Storm warning for the coast",
	"Follow us on social media for the latest news. Sign up for our daily newsletter.",
	"(c) All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
}

// Next returns the next article; Copy says whether it is an edited copy and Of names the article it copies.
func (g *Generator) Next() (d *neardup.Doc, of string) {
	g.n++
	id := fmt.Sprintf("gen-%07d", g.n)
	date := fmt.Sprintf("2026-%02d-%02d", 1+g.n/86400%12, 1+g.n/3600%28)
	if len(g.made) > 0 && g.rng.Float64() < g.o.CopyShare {
		src := g.made[g.rng.IntN(len(g.made))]
		d = &neardup.Doc{ID: id, Title: "Update: " + src.Title, Date: date, Source: "syndicated", Text: g.edit(src.Text)}
		of = src.ID
	} else {
		b := g.base[g.rng.IntN(len(g.base))]
		d = &neardup.Doc{ID: id, Title: b.Title, Date: date, Source: "generated", Text: g.replace(b.Text, g.o.FreshReplace)}
	}
	if len(g.made) < 4096 {
		g.made = append(g.made, d)
	} else {
		g.made[g.rng.IntN(len(g.made))] = d
	}
	return d, of
}

// replace replaces a share of the words of text with vocabulary words, keeping paragraphs.
func (g *Generator) replace(text string, share float64) string {
	paras := strings.Split(text, "\n\n")
	for p, para := range paras {
		words := strings.Fields(para)
		for i := range words {
			if g.rng.Float64() < share {
				words[i] = g.vocab[g.rng.IntN(len(g.vocab))]
			}
		}
		paras[p] = strings.Join(words, " ")
	}
	return strings.Join(paras, "\n\n")
}

// edit makes a syndicated copy: some of the edits below, each with its own probability.
func (g *Generator) edit(text string) string {
	paras := strings.Split(text, "\n\n")
	if g.rng.Float64() < 0.5 {
		paras = append([]string{"By Staff Writer"}, paras...)
	}
	if g.rng.Float64() < 0.3 && len(paras) > 3 {
		paras = paras[:len(paras)-1] // last paragraph cut
	}
	if g.rng.Float64() < 0.2 {
		paras = append(paras, "The story was updated with comment from officials.")
	}
	if g.rng.Float64() < 0.3 {
		paras = append(paras, boilerplate[g.rng.IntN(len(boilerplate))])
	}
	out := strings.Join(paras, "\n\n")
	if g.rng.Float64() < 0.5 {
		out = strings.NewReplacer(`"`, "\u201c", "'", "\u2019").Replace(out)
	}
	if g.rng.Float64() < 0.5 {
		out = g.replace(out, 0.02)
	}
	return out
}

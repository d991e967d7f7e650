package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
)

// Case is one copied passage of a text-alignment set, with exact byte offsets, end exclusive: bytes
// [SuspStart, SuspEnd) of the suspicious document Susp are bytes [SrcStart, SrcEnd) of the source Source,
// verbatim or edited.
type Case struct {
	Susp                 string `json:"this"`
	SuspStart, SuspEnd   int
	Source               string `json:"source"`
	SrcStart, SrcEnd     int
	Edited               bool `json:"-"`
	Words, CopiedLetters int  `json:"-"`
}

// AlignSet is a text-alignment benchmark: the sources to index, the suspicious documents to query, the cases.
type AlignSet struct {
	Sources []*neardup.Doc
	Susp    []*neardup.Doc
	Cases   []Case
}

// AlignOptions shape an AlignSet.
type AlignOptions struct {
	// Docs is the number of suspicious documents; each holds 1 to MaxCases passages of different sources.
	Docs, MaxCases int
	// MinChars and MaxChars bound a passage's length (drawn log-uniform between them, as the PAN corpora spread
	// 50 to 5,000 characters).
	MinChars, MaxChars int
	// Edit is the share of a passage's words changed or dropped (half each): 0 for verbatim copies, 0.1 for
	// light edits.
	Edit float64
	// Seed seeds the draw.
	Seed uint64
}

// Align makes a text-alignment set: passages of source articles (from sources, kept Distinct: no two share a run
// of 8 words) inserted at arbitrary word
// boundaries of host articles (from hosts, which are not indexed), mid-paragraph as often as not, verbatim or
// with a share of their words changed (a word of the host put in) or dropped. Every source article of sources
// kept is returned for indexing, whether a passage was taken from it or not (the others are the distractors).
// Seeded: the same options give the same set.
func Align(sources, hosts []corpus.Doc, o AlignOptions) AlignSet {
	rng := rand.New(rand.NewPCG(o.Seed, 0x616c69676e))
	set := AlignSet{}
	sources = Distinct(sources, 6)
	var usable []corpus.Doc
	for _, d := range sources {
		set.Sources = append(set.Sources, &neardup.Doc{ID: d.ID, Title: d.Title, Text: d.Text})
		if len(d.Text) >= o.MinChars {
			usable = append(usable, d)
		}
	}
	var hostDocs []corpus.Doc
	for _, d := range hosts {
		if len(strings.Fields(d.Text)) >= 100 {
			hostDocs = append(hostDocs, d)
		}
	}
	if len(usable) == 0 || len(hostDocs) == 0 {
		return set
	}
	for i := range o.Docs {
		host := hostDocs[rng.IntN(len(hostDocs))]
		text := host.Text
		hostWords := strings.Fields(text)
		type insert struct {
			at      int // byte offset in the host text (a word boundary)
			passage string
			c       Case
		}
		var ins []insert
		used := map[string]bool{}
		for range 1 + rng.IntN(max(1, o.MaxCases)) {
			src := usable[rng.IntN(len(usable))]
			if used[src.ID] {
				continue
			}
			used[src.ID] = true
			want := int(math.Exp(math.Log(float64(o.MinChars)) + rng.Float64()*(math.Log(float64(o.MaxChars))-math.Log(float64(o.MinChars)))))
			s0, s1 := wordSpan(src.Text, want, rng)
			if s1-s0 < o.MinChars/2 {
				continue
			}
			passage, words := edit(src.Text[s0:s1], hostWords, o.Edit, rng)
			ins = append(ins, insert{at: boundary(text, rng), passage: passage,
				c: Case{Source: src.ID, SrcStart: s0, SrcEnd: s1, Edited: o.Edit > 0, Words: words}})
		}
		// Insert from the last place to the first, so that the earlier offsets stay put, then compute the
		// suspicious spans in the final text.
		for a := range ins {
			for b := a + 1; b < len(ins); b++ {
				if ins[b].at < ins[a].at {
					ins[a], ins[b] = ins[b], ins[a]
				}
			}
		}
		var sb strings.Builder
		prev := 0
		id := fmt.Sprintf("susp-%05d", i)
		for _, in := range ins {
			sb.WriteString(text[prev:in.at])
			sb.WriteString(" ")
			start := sb.Len()
			sb.WriteString(in.passage)
			c := in.c
			c.Susp, c.SuspStart, c.SuspEnd = id, start, sb.Len()
			set.Cases = append(set.Cases, c)
			sb.WriteString(" ")
			prev = in.at
		}
		sb.WriteString(text[prev:])
		set.Susp = append(set.Susp, &neardup.Doc{ID: id, Title: host.Title, Text: sb.String()})
	}
	return set
}

// Distinct returns the articles of docs, in order, that share no run of n words (case folded) with an earlier one
// kept: a source collection in which a copied passage has one source only (news corpora hold reprints and
// updates of their own stories, which a text-alignment truth would otherwise miss).
func Distinct(docs []corpus.Doc, n int) []corpus.Doc {
	seen := map[string]bool{}
	var out []corpus.Doc
	for _, d := range docs {
		w := strings.Fields(strings.ToLower(d.Text))
		var grams []string
		shared := false
		for i := 0; i+n <= len(w); i++ {
			g := strings.Join(w[i:i+n], " ")
			if seen[g] {
				shared = true
				break
			}
			grams = append(grams, g)
		}
		if shared {
			continue
		}
		for _, g := range grams {
			seen[g] = true
		}
		out = append(out, d)
	}
	return out
}

// wordSpan returns a span of about want bytes of text that starts at a word's first byte and ends at a word's
// last, placed at random.
func wordSpan(text string, want int, rng *rand.Rand) (int, int) {
	want = min(want, len(text))
	start := rng.IntN(len(text) - want + 1)
	for start > 0 && !isSpace(text[start-1]) {
		start--
	}
	for start < len(text) && isSpace(text[start]) {
		start++
	}
	end := min(len(text), start+want)
	for end < len(text) && !isSpace(text[end]) {
		end++
	}
	for end > start && isSpace(text[end-1]) {
		end--
	}
	return start, end
}

// boundary returns a random word boundary of text (a place between two words, or either end).
func boundary(text string, rng *rand.Rand) int {
	at := rng.IntN(len(text) + 1)
	for at < len(text) && !isSpace(text[at]) {
		at++
	}
	return at
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// edit changes (to a word of pool) or drops each word of s with probability p, half each, and returns the text
// with single spaces between its words, and its word count. With p = 0 s is returned as it is.
func edit(s string, pool []string, p float64, rng *rand.Rand) (string, int) {
	if p == 0 {
		return s, len(strings.Fields(s))
	}
	var out []string
	for _, w := range strings.Fields(s) {
		switch r := rng.Float64(); {
		case r < p/2: // dropped
		case r < p:
			out = append(out, pool[rng.IntN(len(pool))])
		default:
			out = append(out, w)
		}
	}
	return strings.Join(out, " "), len(out)
}

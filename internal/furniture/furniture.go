// Package furniture finds site furniture in crawled pages: the text blocks a site repeats on many of its pages
// (navigation and "related stories" lists, newsletter and share boxes, bylines of a column, footers) that an
// article extractor kept. They are taken out of an article's text before it is shingled, so two copies of a wire
// story on two sites compare by the story, and two stories of one site do not match by the site's furniture.
//
// # The rule
//
// A page's text is split into blocks (its paragraphs: lines separated by blank lines). A block is identified by
// its words (normalised and case-folded as shingle does, punctuation and spacing ignored). Within one site (the
// registered domain of the page's URL):
//
//   - a block is furniture when it is on at least MinPages pages, and on at least Share of the site's pages,
//     that tell different stories. Two pages tell one story when the blocks they share hold at least half of
//     the words of all their blocks: a paragraph a story keeps through its updates is not furniture, while a
//     sidebar shared by pages of different stories is;
//   - a block on MinCopies or more distinct pages is furniture whatever they tell, and a text served under
//     MinCopies or more URLs is furniture as a whole (a consent wall, or a template the extractor took for
//     every article);
//   - pages with the same text (one story under a few URLs) count once;
//   - a page whose every block is furniture is left without text, so that it matches nothing rather than every
//     other page of its site; a site of fewer than MinPages distinct pages has no furniture.
//
// The counts are over the pages given together (one `neardup index` run), so the result does not depend on the
// order the pages arrive in.
package furniture

import (
	"math"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/neardup/neardup/shingle"
)

// Defaults, chosen on the tuning half of the crawl-path benchmark's sites (bench/README.md). MinPages: a block
// on two pages may be a story and its update; on three pages telling different stories it is the site speaking.
// Share: on a large site, a block must also be on 5% of its pages (a "most read" list of one day is on fewer
// pages of a year's crawl than the site's footer, and is furniture all the same; 0.25 found less furniture on
// the tuning sites, where the extractor keeps a sidebar only on the pages with short stories).
const (
	DefaultMinPages = 3
	DefaultShare    = 0.05
)

// Rule says when a block is furniture.
type Rule struct {
	MinPages int     // least pages of the site holding the block (default DefaultMinPages)
	Share    float64 // least share of the site's pages holding it (default DefaultShare)
}

func (r Rule) withDefaults() Rule {
	if r.MinPages <= 0 {
		r.MinPages = DefaultMinPages
	}
	if r.Share <= 0 {
		r.Share = DefaultShare
	}
	return r
}

// Page is one page's site and extracted text.
type Page struct {
	Site string
	Text string
}

// Result is a page's text without its furniture, and the blocks taken out.
type Result struct {
	Text      string
	Furniture []string
}

// Strip takes the furniture out of pages, learning it from the pages themselves. The results are in the order of
// the pages.
func Strip(pages []Page, r Rule) []Result {
	r = r.withDefaults()
	tok := shingle.NewTokenizer()
	blocks := make([][]string, len(pages))
	keys := make([][]uint64, len(pages))
	sets := make([][]uint64, len(pages)) // each page's distinct block keys, sorted
	dupOf := make([]bool, len(pages))    // the page's text was seen before on its site
	siteSize := map[string]int{}
	count := map[string]map[uint64]int{} // site → block key → distinct pages holding it
	texts := map[string]map[uint64]int{} // site → text digest → pages with that text
	words := map[uint64]int{}            // block key → its words
	for i, p := range pages {
		blocks[i] = split(p.Text)
		keys[i] = make([]uint64, len(blocks[i]))
		if texts[p.Site] == nil {
			texts[p.Site] = map[uint64]int{}
			count[p.Site] = map[uint64]int{}
		}
		dg := xxhash.Sum64String(p.Text)
		dup := texts[p.Site][dg] > 0
		texts[p.Site][dg]++
		dupOf[i] = dup
		if !dup {
			siteSize[p.Site]++
		}
		c := count[p.Site]
		seen := map[uint64]bool{}
		for j, b := range blocks[i] {
			k, n := blockKey(tok, b)
			keys[i][j] = k
			words[k] = n
			if k != 0 && !seen[k] {
				seen[k] = true
				sets[i] = append(sets[i], k)
				if !dup {
					c[k]++
				}
			}
		}
		slices.Sort(sets[i])
	}
	// Candidates are blocks on enough pages; a candidate is furniture when enough of those pages tell different
	// stories. Two pages tell one story when the blocks they share hold at least half of the words of all their
	// blocks: a story and its updates share their long paragraphs, while two stories of a site share only its
	// furniture, short headlines and boxes beside the paragraphs of each. So a paragraph an article keeps through
	// its corrections is not furniture, however many versions of it the crawl holds.
	furniture := map[string]map[uint64]bool{}
	for site, c := range count {
		n := siteSize[site]
		need := max(r.MinPages, int(math.Ceil(r.Share*float64(n))))
		if site == "" || n < r.MinPages {
			continue
		}
		holders := map[uint64][]int{}
		for i, p := range pages {
			if p.Site != site || dupOf[i] {
				continue
			}
			for _, k := range sets[i] {
				if c[k] >= need {
					holders[k] = append(holders[k], i)
				}
			}
		}
		f := map[uint64]bool{}
		weight := func(k uint64) float64 { return float64(words[k]) }
		for k, hs := range holders {
			if len(hs) >= max(MinCopies, need) {
				// On this many distinct pages a block is the site's even if they read alike: a template the
				// extractor took for each page's article, with a line of its own per page.
				f[k] = true
				continue
			}
			var reps []int
			for _, i := range hs {
				same := false
				for _, j := range reps {
					if similar(sets[i], sets[j], weight) >= sameStory {
						same = true
						break
					}
				}
				if !same {
					if reps = append(reps, i); len(reps) >= need {
						f[k] = true
						break
					}
				}
			}
		}
		furniture[site] = f
	}
	out := make([]Result, len(pages))
	for i, p := range pages {
		if n := texts[p.Site][xxhash.Sum64String(p.Text)]; n >= MinCopies && p.Text != "" {
			// The same text under many URLs of a site is the site's, not a story's: a consent wall, a
			// subscription box, or a template the extractor took instead of each page's article.
			out[i] = Result{Furniture: blocks[i]}
			continue
		}
		f := furniture[p.Site]
		if len(f) == 0 {
			out[i] = Result{Text: p.Text}
			continue
		}
		var kept, gone []string
		for j, b := range blocks[i] {
			if k := keys[i][j]; k != 0 && f[k] {
				gone = append(gone, b)
			} else {
				kept = append(kept, b)
			}
		}
		if len(gone) == 0 {
			out[i] = Result{Text: p.Text}
			continue
		}
		out[i] = Result{Text: strings.Join(kept, "\n\n"), Furniture: gone}
	}
	return out
}

// MinCopies is the number of URLs of one site with the same text, or the number of distinct pages holding a
// block, from which it is the site's furniture whatever the pages read like (a consent wall, a subscription box,
// a template taken for the article) rather than one story under several addresses or versions (an article, its
// AMP and print pages and a tracking variant are four; so are a story and three updates).
const MinCopies = 5

// sameStory is the word-weighted block similarity at or above which two pages holding a block tell one story.
const sameStory = 0.5

// similar is the weighted Jaccard similarity of two sorted block sets.
func similar(a, b []uint64, w func(uint64) float64) float64 {
	var inter, union float64
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			union += w(a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			union += w(b[j])
			j++
		default:
			inter += w(a[i])
			union += w(a[i])
			i++
			j++
		}
	}
	if union == 0 {
		return 0
	}
	return inter / union
}

// split returns the blocks of a text: its paragraphs, separated by blank lines (single lines when it has none).
func split(text string) []string {
	var out []string
	sep := "\n\n"
	if !strings.Contains(text, sep) {
		sep = "\n"
	}
	for _, b := range strings.Split(text, sep) {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// blockKey identifies a block by its normalised words (0 for a block without words) and counts them.
func blockKey(tok *shingle.Tokenizer, b string) (uint64, int) {
	toks := tok.Tokens(nil, []byte(b))
	if len(toks) == 0 {
		return 0, 0
	}
	var d xxhash.Digest
	d.Reset()
	var buf [8]byte
	for _, t := range toks {
		h := t.Hash
		for i := range buf {
			buf[i] = byte(h >> (8 * i))
		}
		d.Write(buf[:])
	}
	return d.Sum64() | 1, len(toks)
}

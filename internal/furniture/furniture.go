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
//   - a block of a page's markup (Page.Blocks: the runs of text between block elements of the whole page, the
//     extractor's choice aside) on MinCopies or more distinct pages of the site is furniture wherever the
//     extractor kept it (a menu it took for the article of a short story, on one page only);
//   - pages with the same text (one story under a few URLs) count once;
//   - a page whose every block is furniture is left without text, so that it matches nothing rather than every
//     other page of its site; a site of fewer than MinPages distinct pages has no furniture.
//
// Refine adds a second look: a page whose text is half furniture or more (Again), with fewer than AgainWords
// words that are not, is extracted again with the site's furniture taken out of the page first, so that the
// extractor looks past the consent wall, comment thread or menu it took for the article; the new text replaces
// the old when it keeps more words that are not furniture, and the furniture is then learnt again from the
// texts as they now are.
//
// The counts are over the pages given together (one `neardup index` run), so the result does not depend on the
// order the pages arrive in.
package furniture

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/neardup/neardup/internal/par"
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
	// Blocks are the keys (Keyer) of the text blocks of the whole page, the extractor's choice aside; they may be
	// nil. A block on MinCopies or more distinct pages of a site is the site's though the extractor kept it on
	// few of them (a menu it took for the article of a short story).
	Blocks []uint64
}

// Keyer identifies text blocks as Learn does; it holds a tokenizer, so each goroutine needs its own.
type Keyer struct {
	tok  *shingle.Tokenizer
	toks []shingle.Token
	buf  []byte
}

// NewKeyer returns a Keyer.
func NewKeyer() *Keyer { return &Keyer{tok: shingle.NewTokenizer()} }

// Key returns a block's key: a digest of its normalised words, 0 for a block without words.
func (k *Keyer) Key(text string) uint64 {
	key, _ := k.keyString(text)
	return key
}

// KeyBytes is Key of a text held in bytes.
func (k *Keyer) KeyBytes(text []byte) uint64 {
	key, _ := k.key(text)
	return key
}

// Result is a page's text without its furniture, and the blocks taken out.
type Result struct {
	Text      string
	Furniture []string
}

// Strip takes the furniture out of pages, learning it from the pages themselves. The results are in the order of
// the pages.
func Strip(pages []Page, r Rule) []Result {
	l := Learn(pages, r)
	out := make([]Result, len(pages))
	for i := range pages {
		out[i] = l.Result(i)
	}
	return out
}

// Again and AgainWords bound Refine's second look: a page is extracted again when at least Again of its words
// are furniture and fewer than AgainWords are not, as when the extractor took something else for the story (a
// page that keeps a story of its own beside much furniture is left as it is; on the tuning sites of the
// crawl-path benchmark 60 and 150 words found the same pairs, and on the shared crawler files the second look
// at the pages above the bound changed none of them).
const (
	Again      = 0.5
	AgainWords = 100
)

// Refine is Strip with a second look at the pages that are mostly furniture: the extractor may have taken a
// consent wall, a comment thread or a template for the article and left the story out. again extracts page i
// once more with the elements drop reports true taken out of the page (the site's furniture), returning false
// when it cannot (the page is not at hand); it is called from several goroutines at once. The text extracted
// again, cleared of furniture, replaces the first when it keeps more words.
func Refine(pages []Page, r Rule, again func(i int, drop func(text string) bool) (string, bool)) []Result {
	l := Learn(pages, r)
	out := make([]Result, len(pages))
	var redo, keptWords []int // pages to extract again, and their words that are no furniture
	for i := range pages {
		out[i] = l.Result(i)
		all, kept := l.words(i)
		if again != nil && all > 0 && float64(all-kept) >= Again*float64(all) && kept < AgainWords {
			redo, keptWords = append(redo, i), append(keptWords, kept)
		}
	}
	if len(redo) == 0 {
		return out
	}
	texts := make([]string, len(redo))
	par.For(len(redo), func(j int) {
		i := redo[j]
		drop := l.Site(pages[i].Site)
		if drop == nil {
			return
		}
		text, ok := again(i, drop)
		if !ok {
			return
		}
		// The first text counts by its words that are no furniture of any kind (not even blocks the
		// extractor kept only there, but that are on many of the site's pages).
		if _, kept := l.stripText(pages[i].Site, text); kept > keptWords[j] {
			texts[j] = text
		}
	})
	// The texts extracted again may hold furniture the first texts did not (what the extractor took once the
	// larger furniture was out of its way): the furniture of their sites is learnt again from the texts as they
	// now are (a site's furniture depends on its own pages alone).
	found := map[int]string{} // page → its text extracted again, where that keeps more
	changed := map[string]bool{}
	for j, i := range redo {
		if texts[j] != "" {
			found[i] = texts[j]
			changed[pages[i].Site] = true
		}
	}
	if len(changed) == 0 {
		return out
	}
	var second []Page
	var idx []int
	for i, p := range pages {
		if !changed[p.Site] {
			continue
		}
		if t, ok := found[i]; ok {
			p.Text = t
		}
		second = append(second, p)
		idx = append(idx, i)
	}
	l2 := Learn(second, r)
	for j, i := range idx {
		res := l2.Result(j)
		if second[j].Text != pages[i].Text {
			res.Furniture = slices.Concat(out[i].Furniture, res.Furniture)
		}
		out[i] = res
	}
	return out
}

// Learnt is the furniture of the sites of a set of pages, learnt from them together (Learn).
type Learnt struct {
	pages     []Page
	blocks    [][]string
	keys      [][]uint64
	wordsOf   map[uint64]int             // block key → its words
	whole     []bool                     // the page's text as a whole is furniture
	furniture map[string]map[uint64]bool // site → block keys that are furniture
	// page are the blocks on MinCopies or more of the distinct pages of a site, counted over whole pages.
	page map[string]map[uint64]bool
	// wholeBlocks are the blocks of texts that are furniture as a whole (site → block keys); they are not
	// furniture where they appear in other texts, but an element of a page holding one of them is the site's.
	wholeBlocks map[string]map[uint64]bool
	keyer       *Keyer
}

// Learn learns the furniture of the pages' sites from the pages.
func Learn(pages []Page, r Rule) *Learnt {
	r = r.withDefaults()
	l := &Learnt{pages: pages, keyer: NewKeyer(), wordsOf: map[uint64]int{}, whole: make([]bool, len(pages)),
		furniture: map[string]map[uint64]bool{}, wholeBlocks: map[string]map[uint64]bool{}, page: map[string]map[uint64]bool{}}
	l.blocks = make([][]string, len(pages))
	l.keys = make([][]uint64, len(pages))
	sets := make([][]uint64, len(pages)) // each page's distinct block keys, sorted
	dupOf := make([]bool, len(pages))    // the page's text was seen before on its site
	digest := make([]uint64, len(pages)) // of each page's text
	siteSize := map[string]int{}
	count := map[string]map[uint64]int{}   // site → block key → distinct pages holding it
	texts := map[string]map[uint64]int{}   // site → text digest → pages with that text
	onPages := map[string]map[uint64]int{} // site → block key → distinct pages holding it anywhere
	for i, p := range pages {
		l.blocks[i] = split(p.Text)
		l.keys[i] = make([]uint64, len(l.blocks[i]))
		if texts[p.Site] == nil {
			texts[p.Site] = map[uint64]int{}
			count[p.Site] = map[uint64]int{}
		}
		dg := xxhash.Sum64String(p.Text)
		digest[i] = dg
		dup := texts[p.Site][dg] > 0
		texts[p.Site][dg]++
		dupOf[i] = dup
		if !dup {
			siteSize[p.Site]++
			if len(p.Blocks) > 0 {
				if onPages[p.Site] == nil {
					onPages[p.Site] = map[uint64]int{}
				}
				op := onPages[p.Site]
				bs := slices.Clone(p.Blocks)
				slices.Sort(bs)
				for _, k := range slices.Compact(bs) {
					if k != 0 {
						op[k]++
					}
				}
			}
		}
		c := count[p.Site]
		seen := map[uint64]bool{}
		for j, b := range l.blocks[i] {
			k, n := l.keyer.keyString(b)
			l.keys[i][j] = k
			l.wordsOf[k] = n
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
	for i, p := range pages {
		if texts[p.Site][digest[i]] >= MinCopies && p.Text != "" {
			// The same text under many URLs of a site is the site's, not a story's: a consent wall, a
			// subscription box, or a template the extractor took instead of each page's article.
			l.whole[i] = true
			if l.wholeBlocks[p.Site] == nil {
				l.wholeBlocks[p.Site] = map[uint64]bool{}
			}
			for _, k := range sets[i] {
				l.wholeBlocks[p.Site][k] = true
			}
		}
	}
	// Candidates are blocks on enough pages; a candidate is furniture when enough of those pages tell different
	// stories. Two pages tell one story when the blocks they share hold at least half of the words of all their
	// blocks: a story and its updates share their long paragraphs, while two stories of a site share only its
	// furniture, short headlines and boxes beside the paragraphs of each. So a paragraph an article keeps through
	// its corrections is not furniture, however many versions of it the crawl holds.
	bySite := map[string][]int{}
	for i, p := range pages {
		bySite[p.Site] = append(bySite[p.Site], i)
	}
	for site, c := range count {
		n := siteSize[site]
		need := max(r.MinPages, int(math.Ceil(r.Share*float64(n))))
		if site == "" || n < r.MinPages {
			continue
		}
		holders := map[uint64][]int{}
		for _, i := range bySite[site] {
			if dupOf[i] {
				continue
			}
			for _, k := range sets[i] {
				if c[k] >= need {
					holders[k] = append(holders[k], i)
				}
			}
		}
		f := map[uint64]bool{}
		weight := func(k uint64) float64 { return float64(l.wordsOf[k]) }
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
		l.furniture[site] = f
		pf := map[uint64]bool{}
		for k, m := range onPages[site] {
			if m >= max(MinCopies, need) {
				pf[k] = true
			}
		}
		l.page[site] = pf
	}
	return l
}

// Result is page i's text without its furniture.
func (l *Learnt) Result(i int) Result {
	if l.whole[i] {
		return Result{Furniture: l.blocks[i]}
	}
	return l.strip(l.pages[i].Site, l.pages[i].Text, l.blocks[i], l.keys[i])
}

// words counts page i's words, and those in blocks that are no furniture of any kind.
func (l *Learnt) words(i int) (all, kept int) {
	f, pf := l.furniture[l.pages[i].Site], l.page[l.pages[i].Site]
	for _, k := range l.keys[i] {
		all += l.wordsOf[k]
		if !l.whole[i] && !f[k] && !pf[k] {
			kept += l.wordsOf[k]
		}
	}
	return all, kept
}

// stripText takes a site's learnt furniture out of a text that was not among the pages learnt from (a page's
// text extracted again), and counts the words it keeps; the whole-text rule does not apply to it. It is safe
// for concurrent use.
func (l *Learnt) stripText(site, text string) (Result, int) {
	blocks := split(text)
	keys := make([]uint64, len(blocks))
	keyer := NewKeyer() // stripText may run on several goroutines at once
	f, pf := l.furniture[site], l.page[site]
	kept := 0
	for j, b := range blocks {
		k, n := keyer.keyString(b)
		if keys[j] = k; k == 0 || !f[k] && !pf[k] {
			kept += n
		}
	}
	return l.strip(site, text, blocks, keys), kept
}

func (l *Learnt) strip(site, text string, blocks []string, keys []uint64) Result {
	f, pf := l.furniture[site], l.page[site]
	if len(f) == 0 && len(pf) == 0 {
		return Result{Text: text}
	}
	var kept, gone []string
	for j, b := range blocks {
		if k := keys[j]; k != 0 && (f[k] || pf[k]) {
			gone = append(gone, b)
		} else {
			kept = append(kept, b)
		}
	}
	if len(gone) == 0 {
		return Result{Text: text}
	}
	return Result{Text: strings.Join(kept, "\n\n"), Furniture: gone}
}

// Site returns a test for a site's furniture in the elements of one of its pages: it reports whether an
// element's text (its words, as a block's) is one of the site's furniture blocks, or a block of a text that is
// its furniture as a whole. It is for extracting a page again with the site's furniture out of the way. A
// Learnt is read-only once made, but the test holds a tokenizer of its own: each goroutine takes its own.
func (l *Learnt) Site(site string) func(text string) bool {
	f, w, pf := l.furniture[site], l.wholeBlocks[site], l.page[site]
	if len(f) == 0 && len(w) == 0 && len(pf) == 0 {
		return nil
	}
	keyer := NewKeyer()
	return func(text string) bool {
		k := keyer.Key(text)
		return k != 0 && (f[k] || w[k] || pf[k])
	}
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

func (k *Keyer) keyString(text string) (uint64, int) {
	k.buf = append(k.buf[:0], text...)
	return k.key(k.buf)
}

// key identifies a block by its normalised words (0 for a block without words) and counts them.
func (k *Keyer) key(b []byte) (uint64, int) {
	k.toks = k.tok.Tokens(k.toks[:0], b)
	if len(k.toks) == 0 {
		return 0, 0
	}
	var d xxhash.Digest
	d.Reset()
	var buf [8]byte
	for _, t := range k.toks {
		binary.LittleEndian.PutUint64(buf[:], t.Hash)
		d.Write(buf[:])
	}
	return d.Sum64() | 1, len(k.toks)
}

// Known is a site's furniture learnt from pages already gone (cleared in an earlier batch of the same run), by
// block key: it is taken out of the site's later pages too, so that a last batch too small to learn from
// (fewer than MinPages pages) still loses the furniture the site's earlier pages showed.
type Known struct {
	keyer *Keyer
	keys  map[uint64]bool
}

// NewKnown returns an empty set.
func NewKnown() *Known { return &Known{keyer: NewKeyer(), keys: map[uint64]bool{}} }

// Add adds furniture blocks, by their text.
func (k *Known) Add(blocks []string) {
	for _, b := range blocks {
		if key := k.keyer.Key(b); key != 0 {
			k.keys[key] = true
		}
	}
}

// Len is the number of blocks known.
func (k *Known) Len() int { return len(k.keys) }

// Cut takes the known blocks out of a text: the text left (its other blocks, separated by blank lines, as
// Strip leaves them; the text itself when nothing is cut) and the blocks cut.
func (k *Known) Cut(text string) Result {
	blocks := split(text)
	keys := make([]uint64, len(blocks))
	for j, b := range blocks {
		keys[j] = k.keyer.Key(b)
	}
	l := &Learnt{furniture: map[string]map[uint64]bool{"": k.keys}}
	return l.strip("", text, blocks, keys)
}

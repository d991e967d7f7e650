package furniture

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// story returns n distinct paragraphs of a story.
func story(name string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("The %s story, paragraph %d, tells of events in words of its own: %s%d alpha%d beta%d.", name, i, name, i, i, i))
	}
	return out
}

func page(site string, blocks ...[]string) Page {
	var all []string
	for _, b := range blocks {
		all = append(all, b...)
	}
	return Page{Site: site, Text: strings.Join(all, "\n\n")}
}

var nav = []string{"Home | World | Business | Sport", "Related stories: Markets rally as rates hold; Ministers meet on trade", "Sign up for our daily newsletter"}

// TestStripsSiteFurniture: blocks every page of a site repeats go, the stories stay, and other sites are left
// alone.
func TestStripsSiteFurniture(t *testing.T) {
	var pages []Page
	for i := range 10 {
		pages = append(pages, page("a.example", nav[:1], story(fmt.Sprint("a", i), 4), nav[1:]))
	}
	pages = append(pages, page("b.example", nav, story("b", 3)))
	res := Strip(pages, Rule{})
	for i := range 10 {
		if want := strings.Join(story(fmt.Sprint("a", i), 4), "\n\n"); res[i].Text != want {
			t.Fatalf("page %d: %q\nwant %q", i, res[i].Text, want)
		}
		if !slices.Equal(res[i].Furniture, nav) {
			t.Errorf("page %d: furniture %q", i, res[i].Furniture)
		}
	}
	if res[10].Text != pages[10].Text || res[10].Furniture != nil {
		t.Errorf("a site with one page lost %q", res[10].Furniture)
	}
}

// TestKeepsStoryVersions: a story and three updates on one site (each changing a paragraph) keep the paragraphs
// they share, though four pages hold them; the site's furniture still goes.
func TestKeepsStoryVersions(t *testing.T) {
	base := story("wire", 8)
	var pages []Page
	for v := range MinCopies - 1 {
		paras := append([]string(nil), base...)
		paras[v] = fmt.Sprintf("Updated paragraph %d with new figures: version%d count%d.", v, v, v)
		pages = append(pages, page("s.example", paras, nav))
	}
	for i := range 10 {
		pages = append(pages, page("s.example", story(fmt.Sprint("other", i), 5), nav))
	}
	res := Strip(pages, Rule{})
	for v := range MinCopies - 1 {
		for _, p := range base[MinCopies-1:] { // unchanged in every version
			if !strings.Contains(res[v].Text, p) {
				t.Fatalf("version %d lost its paragraph %q (furniture %q)", v, p, res[v].Furniture)
			}
		}
		if strings.Contains(res[v].Text, nav[0]) {
			t.Errorf("version %d kept the navigation", v)
		}
	}
}

// TestCopiesCountOnce: one story crawled under four URLs of a site is not furniture of that site; one text under
// MinCopies URLs is (the extractor took the site's template, or a consent wall, for every article).
func TestCopiesCountOnce(t *testing.T) {
	var pages []Page
	for range MinCopies - 1 {
		pages = append(pages, page("c.example", story("same", 4)))
	}
	pages = append(pages, page("c.example", story("x", 4)), page("c.example", story("y", 4)))
	for i, r := range Strip(pages, Rule{}) {
		if r.Text != pages[i].Text {
			t.Fatalf("page %d changed: %q", i, r.Furniture)
		}
	}
	pages = append(pages, page("c.example", story("same", 4)))
	for i, r := range Strip(pages, Rule{}) {
		if want := pages[i].Text == pages[0].Text; want != (r.Text == "") {
			t.Fatalf("page %d with %d copies: %q", i, MinCopies, r.Text)
		}
	}
}

// TestFurnitureOnlyPage: a page whose every block is furniture (the extractor missed the story) is left empty,
// not indexed as the site's boxes.
func TestFurnitureOnlyPage(t *testing.T) {
	var pages []Page
	for i := range 6 {
		pages = append(pages, page("d.example", story(fmt.Sprint("d", i), 3), nav))
	}
	pages = append(pages, page("d.example", nav))
	res := Strip(pages, Rule{})
	if res[6].Text != "" || len(res[6].Furniture) != 3 {
		t.Fatalf("furniture-only page: %q, furniture %q", res[6].Text, res[6].Furniture)
	}
}

// TestOrderDoesNotMatter: the result of every page is the same whatever order the pages come in (shuffled, or
// site by site).
func TestOrderDoesNotMatter(t *testing.T) {
	var pages []Page
	for s := range 4 {
		site := fmt.Sprint("site", s, ".example")
		for i := range 12 {
			pages = append(pages, page(site, nav[:s%2+1], story(fmt.Sprint(site, i), 3+i%3), nav[2:]))
		}
	}
	want := map[string]Result{}
	for i, r := range Strip(pages, Rule{}) {
		want[pages[i].Text] = r
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		rng.Shuffle(len(pages), func(i, j int) { pages[i], pages[j] = pages[j], pages[i] })
		for i, r := range Strip(pages, Rule{}) {
			if w := want[pages[i].Text]; w.Text != r.Text || !slices.Equal(w.Furniture, r.Furniture) {
				t.Fatalf("page %q: %q in this order, %q in another", pages[i].Text[:40], r.Text, w.Text)
			}
		}
	}
}

// fakeSite is a site whose every page shows a menu, a comment thread and a story of its own; the extractor
// took the comment thread (the same on every page) for the article, except on the pages listed in good.
type fakeSite struct {
	menu, comments []string
	stories        [][]string
	good           map[int]bool
}

func newFakeSite(n int, good ...int) *fakeSite {
	s := &fakeSite{
		menu:     []string{"Home", "World news", "Business and markets", "Sport results"},
		comments: []string{"Reader one says: this is the third time the council promised the park would open on time.", "Reader two says: the bus stops block the junction every morning and nobody asked us about it.", "Reader three says: a long thread of complaints about parking, repeated under every article of the site."},
		good:     map[int]bool{},
	}
	for i := range n {
		s.stories = append(s.stories, story(fmt.Sprint("f", i), 2))
	}
	for _, g := range good {
		s.good[g] = true
	}
	return s
}

func (s *fakeSite) pages(site string) []Page {
	k := NewKeyer()
	var out []Page
	for i, st := range s.stories {
		text := strings.Join(s.comments, "\n\n")
		if s.good[i] {
			text = strings.Join(st, "\n\n")
		}
		p := Page{Site: site, Text: text}
		for _, b := range slices.Concat(s.menu, st, s.comments) {
			p.Blocks = append(p.Blocks, k.Key(b))
		}
		out = append(out, p)
	}
	return out
}

// again extracts page i with the elements drop reports true left out: the longest of what is left, the
// comment thread or the story, as an extractor would.
func (s *fakeSite) again(calls *atomic.Int64) func(i int, drop func(string) bool) (string, bool) {
	return func(i int, drop func(string) bool) (string, bool) {
		calls.Add(1)
		var comments []string
		for _, c := range s.comments {
			if !drop(c) {
				comments = append(comments, c)
			}
		}
		if len(comments) == len(s.comments) {
			return strings.Join(comments, "\n\n"), true
		}
		return strings.Join(s.stories[i], "\n\n"), true
	}
}

// TestRefineExtractsAgain: pages whose extracted text is the site's (a comment thread under every article) are
// extracted again with that text out of the way and keep their stories; pages extracted well are not
// extracted again, and a page that cannot be read again stays empty.
func TestRefineExtractsAgain(t *testing.T) {
	s := newFakeSite(8, 6, 7)
	pages := s.pages("e.example")
	var calls atomic.Int64
	res := Refine(pages, Rule{}, s.again(&calls))
	for i, r := range res {
		if want := strings.Join(s.stories[i], "\n\n"); r.Text != want {
			t.Errorf("page %d: %q, want its story", i, r.Text)
		}
	}
	if calls.Load() != 6 {
		t.Errorf("%d pages extracted again, want the 6 that were all furniture", calls.Load())
	}
	if !slices.Equal(res[0].Furniture, s.comments) {
		t.Errorf("page 0 furniture %q, want the comment thread", res[0].Furniture)
	}
	none := Refine(pages, Rule{}, func(int, func(string) bool) (string, bool) { return "", false })
	if none[0].Text != "" || none[6].Text != pages[6].Text {
		t.Errorf("without a second extraction: %q and %q", none[0].Text, none[6].Text)
	}
}

// TestRefineMenuOnOnePage: a menu on every page of a site is furniture though the extractor took it on one page
// only (a short story); that page is extracted again, and the menu is not indexed as its text.
func TestRefineMenuOnOnePage(t *testing.T) {
	s := newFakeSite(8, 0, 1, 2, 3, 4, 5, 6, 7)
	pages := s.pages("m.example")
	pages[3].Text = strings.Join(s.menu, "\n\n")
	var calls atomic.Int64
	res := Refine(pages, Rule{}, func(i int, drop func(string) bool) (string, bool) {
		calls.Add(1)
		for _, m := range s.menu {
			if !drop(m) {
				return "", false
			}
		}
		return strings.Join(s.stories[i], "\n\n"), true
	})
	if want := strings.Join(s.stories[3], "\n\n"); res[3].Text != want || calls.Load() != 1 {
		t.Fatalf("page 3: %q after %d extractions, want its story after 1", res[3].Text, calls.Load())
	}
}

// TestRefineOrderDoesNotMatter: with second extractions, every page's result is the same whatever order the
// pages come in.
func TestRefineOrderDoesNotMatter(t *testing.T) {
	type item struct {
		site string
		i    int
	}
	sites := map[string]*fakeSite{"a.example": newFakeSite(9, 1, 4), "b.example": newFakeSite(7), "c.example": newFakeSite(6, 0, 1, 2, 3, 4, 5)}
	var pages []Page
	var items []item
	for _, name := range []string{"a.example", "b.example", "c.example"} {
		for i, p := range sites[name].pages(name) {
			pages = append(pages, p)
			items = append(items, item{name, i})
		}
	}
	run := func() map[item]Result {
		var calls atomic.Int64
		res := Refine(pages, Rule{}, func(j int, drop func(string) bool) (string, bool) {
			return sites[items[j].site].again(&calls)(items[j].i, drop)
		})
		out := map[item]Result{}
		for j, r := range res {
			out[items[j]] = r
		}
		return out
	}
	want := run()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 4 {
		rng.Shuffle(len(pages), func(i, j int) { pages[i], pages[j] = pages[j], pages[i]; items[i], items[j] = items[j], items[i] })
		for it, r := range run() {
			if w := want[it]; w.Text != r.Text || !slices.Equal(w.Furniture, r.Furniture) {
				t.Fatalf("%v: %q in this order, %q in another", it, r.Text, w.Text)
			}
			if r.Text != strings.Join(sites[it.site].stories[it.i], "\n\n") {
				t.Fatalf("%v: %q", it, r.Text)
			}
		}
	}
}

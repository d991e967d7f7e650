package furniture

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
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

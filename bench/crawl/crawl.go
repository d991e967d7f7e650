// Package crawl generates the crawl-path benchmark: the stories of a news corpus put into the article slot of
// real pages of many sites (../shared/data/html: the element that holds a page's "with" snippets), several
// copies of a story on different sites (exact, trimmed by its last paragraph, retitled, or extended by a
// paragraph), 20 to 50 pages a site, so that every site's furniture (navigation, related links, footers) repeats
// across its pages as it does in a crawl. The injected body is the exact gold for extraction, and the Jaccard
// similarity of two injected bodies is the truth for near-duplicate pairs.
//
// Sites are split in two halves by a hash of their name: Tune for choosing rules, Held for the reported figures.
package crawl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/neardup/neardup/internal/warc"
	"github.com/neardup/neardup/shingle"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// Template is one site's real page with its article slot found.
type Template struct {
	Site string // registered domain
	URL  string
	doc  *xhtml.Node
	slot *xhtml.Node
}

// Half selects the sites of a run.
type Half int

const (
	Tune Half = iota // half the sites: tune rules on these
	Held             // the other half: report figures on these
)

// HalfOf returns the half a site belongs to.
func HalfOf(site string) Half { return Half(xxhash.Sum64String("crawl-split:"+site) & 1) }

// Expectation is one line of expectations.jsonl: a page, the snippets an extractor must keep (With) and those
// it must drop (Without).
type Expectation struct {
	URL     string   `json:"url"`
	File    string   `json:"file"`
	With    []string `json:"with"`
	Without []string `json:"without"`
}

// LoadExpectations reads dir/expectations.jsonl.
func LoadExpectations(dir string) ([]Expectation, error) {
	f, err := os.Open(filepath.Join(dir, "expectations.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Expectation
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ex Expectation
		if json.Unmarshal(sc.Bytes(), &ex) == nil {
			out = append(out, ex)
		}
	}
	return out, sc.Err()
}

// Gunzip reads a gzipped file.
func Gunzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// LoadTemplates reads the pages of dir (../shared/data/html) and returns those of the half whose article slot
// is found: the deepest element whose text holds every "with" snippet, short of the whole body.
func LoadTemplates(dir string, half Half) ([]*Template, error) {
	exs, err := LoadExpectations(dir)
	if err != nil {
		return nil, err
	}
	var out []*Template
	seen := map[string]bool{}
	for _, ex := range exs {
		if len(ex.With) == 0 {
			continue
		}
		site := warc.Site(ex.URL)
		if site == "" || seen[site] || HalfOf(site) != half {
			continue
		}
		doc, err := readPage(filepath.Join(dir, "pages", ex.File))
		if err != nil {
			continue
		}
		slot := findSlot(doc, ex.With)
		if slot == nil || hidden(slot) || !holdsArticle(doc, slot, ex.URL) {
			continue
		}
		seen[site] = true
		out = append(out, &Template{Site: site, URL: ex.URL, doc: doc, slot: slot})
	}
	return out, nil
}

// readPage reads a gzipped page and parses it as UTF-8.
func readPage(path string) (*xhtml.Node, error) {
	raw, err := Gunzip(path)
	if err != nil {
		return nil, err
	}
	r, err := charset.NewReader(bytes.NewReader(raw), "text/html")
	if err != nil {
		return nil, err
	}
	return xhtml.Parse(r)
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// textOf returns the normalised text under n.
func textOf(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch {
		case n.Type == xhtml.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
		case n.Type == xhtml.ElementNode && (n.Data == "script" || n.Data == "style"):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return norm(b.String())
}

// findSlot returns the deepest element holding every snippet, or nil when that is the body (or above).
func findSlot(doc *xhtml.Node, with []string) *xhtml.Node {
	var snippets []string
	for _, w := range with {
		if w = norm(w); w != "" {
			snippets = append(snippets, w)
		}
	}
	holds := func(n *xhtml.Node) bool {
		t := textOf(n)
		for _, s := range snippets {
			if !strings.Contains(t, s) {
				return false
			}
		}
		return true
	}
	if !holds(doc) {
		return nil
	}
	n := doc
	for {
		var next *xhtml.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode && holds(c) {
				next = c
				break
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	if n.Type != xhtml.ElementNode || n.Data == "html" || n.Data == "body" {
		return nil
	}
	return n
}

// hidden reports whether n or an element above it is hidden from readers (the hidden attribute, aria-hidden, or
// an inline display:none or visibility:hidden): a story put there is on no reader's screen, and an extractor
// is right to leave it out (a page may repeat its article in a hidden schema.org block).
func hidden(n *xhtml.Node) bool {
	for ; n != nil; n = n.Parent {
		for _, a := range n.Attr {
			v := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			switch a.Key {
			case "hidden":
				return true
			case "aria-hidden":
				if v == "true" {
					return true
				}
			case "style":
				if strings.Contains(v, "display:none") || strings.Contains(v, "visibility:hidden") {
					return true
				}
			}
		}
	}
	return false
}

// holdsArticle reports whether the slot holds most of the page's own article: at least half of the word
// 5-shingles of the text the extractor takes from the original page lie inside the slot. A slot that holds the
// "with" snippets but leaves the rest of the article outside (a gallery of captions, say) would leave the
// original story on every generated page of the site.
func holdsArticle(doc, slot *xhtml.Node, url string) bool {
	var buf bytes.Buffer
	if err := xhtml.Render(&buf, doc); err != nil {
		return false
	}
	page, err := warc.Extract(buf.Bytes(), "utf-8", url)
	if err != nil {
		return false
	}
	sh, _ := shingle.New(shingle.Options{})
	orig := sh.Hashes(nil, []byte(page.Text))
	if len(orig) == 0 {
		return false
	}
	in := map[uint64]bool{}
	for _, h := range sh.Hashes(nil, []byte(textOf(slot))) {
		in[h] = true
	}
	n := 0
	for _, h := range orig {
		if in[h] {
			n++
		}
	}
	return 2*n >= len(orig)
}

// Story is an article of the corpus: a title and paragraphs.
type Story struct {
	ID    string
	Title string
	Paras []string
}

// Page is one generated page.
type Page struct {
	Site    string
	URL     string
	Story   int    // index of the story it carries
	Variant string // exact, trimmed, retitled, extended
	Title   string
	Body    string // the injected text: paragraphs separated by blank lines (the gold)
	HTML    []byte
}

// Config sizes a generated crawl.
type Config struct {
	Seed     uint64
	Skip     int // sites of the half to pass over first (to draw a fresh set of sites)
	Sites    int // how many sites of the half (0: all)
	MinPages int // pages per site, drawn in [MinPages, MaxPages]
	MaxPages int
	Copies   int // most copies of one story, on different sites (at least 1)
}

// Generate builds the pages of a crawl from templates and stories. Every story goes to 1..Copies sites; its first
// copy is exact, the others exact, trimmed, retitled or extended at random.
func Generate(tpls []*Template, stories []Story, c Config) ([]Page, error) {
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	tpls = tpls[min(c.Skip, len(tpls)):]
	if c.Sites > 0 && c.Sites < len(tpls) {
		tpls = tpls[:c.Sites]
	}
	if len(tpls) < 2 {
		return nil, fmt.Errorf("crawl: %d usable sites, need 2 or more", len(tpls))
	}
	slots := make([]int, len(tpls)) // pages still to fill per site
	left := 0
	for i := range tpls {
		slots[i] = c.MinPages + rng.IntN(c.MaxPages-c.MinPages+1)
		left += slots[i]
	}
	var pages []Page
	next := 0
	for left > 0 {
		if next >= len(stories) {
			return nil, fmt.Errorf("crawl: %d stories are not enough for %d pages", len(stories), len(pages)+left)
		}
		si := next
		next++
		st := stories[si]
		if len(st.Paras) < 3 {
			continue
		}
		copies := 1 + rng.IntN(max(1, c.Copies))
		used := map[int]bool{}
		for k := 0; k < copies && left > 0; k++ {
			// A site with pages left, not yet holding this story.
			var site int
			for tries := 0; ; tries++ {
				site = rng.IntN(len(tpls))
				if slots[site] > 0 && !used[site] {
					break
				}
				if tries > 10*len(tpls) {
					site = -1
					break
				}
			}
			if site < 0 {
				break
			}
			used[site] = true
			slots[site]--
			left--
			variant := "exact"
			if k > 0 {
				variant = []string{"exact", "trimmed", "retitled", "extended"}[rng.IntN(4)]
			}
			title, paras := st.Title, st.Paras
			switch variant {
			case "trimmed":
				paras = paras[:len(paras)-1]
			case "retitled":
				title = "Update: " + title + " (" + tpls[site].Site + ")"
			case "extended":
				other := stories[rng.IntN(len(stories))]
				paras = append(append([]string(nil), paras...), other.Paras[0])
			}
			t := tpls[site]
			url := fmt.Sprintf("https://www.%s/news/%s-%d", t.Site, slug(st.ID), k)
			var buf bytes.Buffer
			render(&buf, t, title, paras, url)
			pages = append(pages, Page{Site: t.Site, URL: url, Story: si, Variant: variant, Title: title,
				Body: strings.Join(paras, "\n\n"), HTML: append([]byte(nil), buf.Bytes()...)})
		}
	}
	rng.Shuffle(len(pages), func(i, j int) { pages[i], pages[j] = pages[j], pages[i] })
	return pages, nil
}

func slug(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(id))
}

// render writes the template with the slot's children replaced by the story (a heading and paragraphs), the
// <title> replaced by the story's title and the canonical URL declared.
func render(w io.Writer, t *Template, title string, paras []string, url string) {
	var body strings.Builder
	body.WriteString("<h1>" + html.EscapeString(title) + "</h1>")
	for _, p := range paras {
		body.WriteString("<p>" + html.EscapeString(p) + "</p>")
	}
	frag, _ := xhtml.ParseFragment(strings.NewReader(body.String()), t.slot)
	saved := []*xhtml.Node{}
	for c := t.slot.FirstChild; c != nil; c = c.NextSibling {
		saved = append(saved, c)
	}
	for _, c := range saved {
		t.slot.RemoveChild(c)
	}
	for _, n := range frag {
		t.slot.AppendChild(n)
	}
	titleNode := find(t.doc, "title")
	var oldTitle []*xhtml.Node
	if titleNode != nil {
		for c := titleNode.FirstChild; c != nil; c = c.NextSibling {
			oldTitle = append(oldTitle, c)
		}
		for _, c := range oldTitle {
			titleNode.RemoveChild(c)
		}
		titleNode.AppendChild(&xhtml.Node{Type: xhtml.TextNode, Data: title})
	}
	// The page's own URL declared, in place of the template page's: a saved page is known by it.
	var declared []*xhtml.Node // the template's canonical links and og:url metas, taken out
	var canon *xhtml.Node
	if head := find(t.doc, "head"); head != nil {
		for c := head.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == xhtml.ElementNode && (c.Data == "link" && strings.EqualFold(attr(c, "rel"), "canonical") ||
				c.Data == "meta" && strings.EqualFold(attr(c, "property"), "og:url")) {
				head.RemoveChild(c)
				declared = append(declared, c)
			}
			c = next
		}
		canon = &xhtml.Node{Type: xhtml.ElementNode, Data: "link", Attr: []xhtml.Attribute{{Key: "rel", Val: "canonical"}, {Key: "href", Val: url}}}
		head.AppendChild(canon)
		defer func() {
			head.RemoveChild(canon)
			for _, c := range declared {
				head.AppendChild(c)
			}
		}()
	}
	xhtml.Render(w, t.doc)
	// Put the template back as it was.
	for _, n := range frag {
		t.slot.RemoveChild(n)
	}
	for _, c := range saved {
		t.slot.AppendChild(c)
	}
	if titleNode != nil {
		for titleNode.FirstChild != nil {
			titleNode.RemoveChild(titleNode.FirstChild)
		}
		for _, c := range oldTitle {
			titleNode.AppendChild(c)
		}
	}
}

func find(n *xhtml.Node, tag string) *xhtml.Node {
	if n.Type == xhtml.ElementNode && n.Data == tag {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, tag); f != nil {
			return f
		}
	}
	return nil
}

// LoadStories reads a JSONL corpus into stories, splitting texts into paragraphs at blank lines (or single line
// breaks when there are none).
func LoadStories(path string) ([]Story, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Story
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var d struct{ ID, Title, Text string }
		if json.Unmarshal(sc.Bytes(), &d) != nil {
			continue
		}
		sep := "\n\n"
		if !strings.Contains(d.Text, sep) {
			sep = "\n"
		}
		var paras []string
		for _, p := range strings.Split(d.Text, sep) {
			if p = norm(p); p != "" {
				paras = append(paras, p)
			}
		}
		out = append(out, Story{ID: d.ID, Title: d.Title, Paras: paras})
	}
	return out, sc.Err()
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

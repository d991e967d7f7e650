package warc

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup/internal/furniture"
)

var storyParas = []string{
	"The harbour authority approved the new ferry terminal on Tuesday after two years of consultation with residents.",
	"Construction will begin in the spring and the first boats are expected to dock there before the end of next year.",
}

// commentPage is an article page whose comment thread, paragraphs parted by line breaks, outweighs its short story.
func commentPage(title string) string {
	var comments []string
	for i := range 12 {
		comments = append(comments, fmt.Sprintf("Commenter %d writes at length that the council has ignored the traffic on the coast road for a decade, that the buses run late every single morning, and that nobody listens to the people who live here, number %d.", i, i))
	}
	return `<html><head><title>` + title + `</title></head><body>
<div class="story"><h1>` + title + `</h1><p>` + strings.Join(storyParas, `</p><p>`) + `</p></div>
<div class="comments"><h3>Comments</h3><div class="comment-text">` + strings.Join(comments, "<br/>\n<br/>\n") + `</div></div>
</body></html>`
}

// TestExtractWithoutFurniture: the extractor takes a long comment thread for the article; with the thread's
// blocks (as Page.Blocks keys them) reported as furniture it finds the story. The blocks of the page include
// every paragraph of the text extracted from it.
func TestExtractWithoutFurniture(t *testing.T) {
	page := []byte(commentPage("Ferry terminal approved"))
	p, err := Extract(page, "utf-8", "https://news.example/a")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.Text, "harbour authority") || !strings.Contains(p.Text, "Commenter 3") {
		t.Fatalf("the premise fails: the extractor took %q", p.Text)
	}
	k := furniture.NewKeyer()
	blocks := map[uint64]bool{}
	for _, b := range p.Blocks {
		blocks[b] = true
	}
	for _, para := range strings.Split(p.Text, "\n\n") {
		if !blocks[k.Key(para)] {
			t.Errorf("paragraph %q is not among the page's blocks", para)
		}
	}
	comments := map[uint64]bool{}
	for _, para := range strings.Split(p.Text, "\n\n") {
		comments[k.Key(para)] = true
	}
	q, err := ExtractWithout(page, "utf-8", "https://news.example/a", func(text string) bool { return comments[k.Key(text)] })
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != strings.Join(storyParas, "\n\n") {
		t.Fatalf("extracted again: %q", q.Text)
	}
	if q.Title != "Ferry terminal approved" {
		t.Errorf("title %q", q.Title)
	}
}

// TestDropHeadline: the headline heading an article's text is its title, not its text; a paragraph that merely
// shares words with the title stays.
func TestDropHeadline(t *testing.T) {
	for _, c := range []struct{ text, title, want string }{
		{"Ferry terminal approved\n\nThe harbour authority approved it.", "Ferry terminal approved | Coast News", "The harbour authority approved it."},
		{"Update: Ferry terminal approved (coast.example)\n\nBody.", "Update: Ferry terminal approved (coast.example)", "Body."},
		{"Ferry\n\nBody.", "Ferry terminal approved", "Ferry\n\nBody."},
		{"The terminal was approved.\n\nBody.", "Ferry terminal approved", "The terminal was approved.\n\nBody."},
		{"Body only.", "", "Body only."},
	} {
		if got := dropHeadline(c.text, c.title); got != c.want {
			t.Errorf("dropHeadline(%q, %q) = %q, want %q", c.text, c.title, got, c.want)
		}
	}
}

// TestExtractAt: a page read again from its WARC record (plain and gzipped files) gives the text it gave when
// the file was read through, at the offset Articles recorded.
func TestExtractAt(t *testing.T) {
	record := func(uri, body string) []byte {
		http := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
		return []byte(fmt.Sprintf("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", uri, uri[len(uri)-1:], len(http), http))
	}
	recs := [][]byte{
		record("https://news.example/1", commentPage("First story")),
		record("https://news.example/2", `<html><head><title>Second</title></head><body><article><p>`+strings.Join(storyParas, "</p><p>")+`</p></article></body></html>`),
	}
	dir := t.TempDir()
	for _, gz := range []bool{false, true} {
		var buf bytes.Buffer
		for _, r := range recs {
			if gz {
				zw := gzip.NewWriter(&buf)
				zw.Write(r)
				zw.Close()
			} else {
				buf.Write(r)
			}
		}
		name := filepath.Join(dir, fmt.Sprintf("crawl-%v.warc", gz))
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var docs []*Article
		var pages []*Page
		var offsets []int64
		f, _ := os.Open(name)
		_, err := Articles(f, name, Options{Page: func(d *Article, p *Page, off int64) { pages = append(pages, p); offsets = append(offsets, off) }},
			func(d *Article) error { docs = append(docs, d); return nil }, func(re *RecordError) { t.Error(re) })
		f.Close()
		if err != nil || len(docs) != 2 || len(pages) != 2 {
			t.Fatalf("gzip %v: %d articles, %d pages, %v", gz, len(docs), len(pages), err)
		}
		for i, d := range docs {
			m := d
			if m.File != name {
				t.Fatalf("record %d read from %q, want the WARC file %s", i, m.File, name)
			}
			if offsets[i] != m.Offset {
				t.Errorf("gzip %v, record %d: the page hook was told offset %d, the article records %d", gz, i, offsets[i], m.Offset)
			}
			p, err := ExtractAt(name, m.Offset, nil)
			if err != nil {
				t.Fatalf("gzip %v, record %d at %d: %v", gz, i, m.Offset, err)
			}
			if p.Text != d.Text || p.Text != pages[i].Text || len(p.Blocks) == 0 {
				t.Errorf("gzip %v, record %d at %d: %q, read through %q", gz, i, m.Offset, p.Text, d.Text)
			}
		}
		if _, err := ExtractAt(name, 7, nil); err == nil {
			t.Errorf("gzip %v: an offset inside a record read as one", gz)
		}
	}
}

// TestTrimPage: navigation, footers, hidden elements, captions, related-story blocks and comments go before
// extraction; a body hidden while a dialog was open is kept.
func TestTrimPage(t *testing.T) {
	story := strings.Join(storyParas, "</p><p>")
	for _, c := range []struct{ name, page string }{
		{"visible", `<html><body><nav>Home | World | Sport</nav><article><p>` + story + `</p></article><div hidden>Hidden promotion text</div><div aria-hidden="true">Icon labels</div><!-- a comment --><footer>Copyright footer</footer></body></html>`},
		{"hidden body", `<html><body aria-hidden="true"><article><p>` + story + `</p></article></body></html>`},
		{"captions and related", `<html><body><article><figure><img src="a.jpg"><figcaption>The harbour at dawn. Photo: Agency</figcaption></figure><p>` + story +
			`</p><p class="wp-caption-text">A caption outside a figure, as some sites write them</p><div class="relatedStories"><h3>Related stories</h3><p>Markets rally as ministers agree new trade terms with neighbours</p></div></article></body></html>`},
	} {
		p, err := Extract([]byte(c.page), "utf-8", "https://news.example/a")
		if err != nil {
			t.Fatal(err)
		}
		if p.Text != strings.Join(storyParas, "\n\n") {
			t.Errorf("%s: %q", c.name, p.Text)
		}
	}
}

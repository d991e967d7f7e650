package server

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/corpus"
)

// browser starts headless Chromium for a test, or skips it when none is installed (CI installs Debian's).
func browser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("the browser tests start Chromium: not in -short (go test ./... runs them)")
	}
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no Chromium installed (apt-get install -y chromium): the review pages are tested in a real browser")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// browse runs one browser action and returns its value, failing the test on an error.
func browse[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// hostile is an article whose text and title try to run script in the page.
var hostile = &neardup.Doc{
	ID:    `evil"><script>window.__pwned=1</script>`,
	Title: `<script>window.__pwned=2</script><img src=x onerror="window.__pwned=3">`,
	URL:   "javascript:window.__pwned=4",
	Text: "Breaking news <script>window.__pwned=5</script> from the wire: the central bank raised its main interest " +
		"rate by a quarter point on Tuesday, citing stubborn inflation <img src=x onerror=\"window.__pwned=6\"> and a " +
		"<a href=\"javascript:window.__pwned=7\">tight labour market</a>. <b><i>Broken tags <div",
}

// reviewServer serves an index of the DOJ sample, the hostile article and a copy of it.
func reviewServer(t *testing.T, o Options) (*httptest.Server, []*neardup.Doc) {
	t.Helper()
	f, err := os.Open(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []*neardup.Doc
	input.ReadJSONL(f, "sample", func(d *neardup.Doc) error { docs = append(docs, d); return nil }, func(*input.InputError) {})
	cp := *hostile
	cp.ID, cp.Title = "copy-of-evil", "A copy"
	cp.Text = "Reprinted: " + hostile.Text
	docs = append(docs, hostile, &cp)
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{Passages: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(ix, o))
	t.Cleanup(func() { srv.Close(); ix.Close() })
	return srv, docs
}

func textOf(docs []*neardup.Doc, id string) string {
	for _, d := range docs {
		if d.ID == id {
			return d.Text
		}
	}
	return ""
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// squash reduces a text to its words, lower-cased, one space apart: marks are runs of shared word shingles, so
// punctuation and case inside them may differ between the two articles.
func squash(s string) string {
	return strings.TrimSpace(nonWord.ReplaceAllString(strings.ToLower(s), " "))
}

// uncovered returns a word of the mark, other than its first and last (a mark may reach a word past the shared
// text at each end), that no run of five of the mark's words found in other covers; "" when there is none.
func uncovered(mark, other string) string {
	w := strings.Fields(mark)
	covered := make([]bool, len(w))
	for i := 0; i+5 <= len(w); i++ {
		if strings.Contains(other, strings.Join(w[i:i+5], " ")) {
			for j := i; j < i+5; j++ {
				covered[j] = true
			}
		}
	}
	for i := 1; i+1 < len(w); i++ {
		if !covered[i] {
			return w[i]
		}
	}
	return ""
}

// TestComparePageInBrowser: on two DOJ releases, every <mark> in one column is text the other article has, and
// no run of 8 words left unmarked is in the other article: the marks cover the shared text and nothing else.
func TestComparePageInBrowser(t *testing.T) {
	srv, docs := reviewServer(t, Options{})
	ctx := browser(t)
	gaps := `Array.from(document.querySelector('#a').childNodes).filter(n => n.nodeType === 3).map(n => n.textContent)`
	browse(t, ctx, "open /compare", chromedp.Navigate(srv.URL+"/compare?a=doj-opa-01033&b=doj-opa-01009"))
	marksA := browse(t, ctx, "marks of A", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#a mark')).map(m => m.textContent)`))
	marksB := browse(t, ctx, "marks of B", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#b mark')).map(m => m.textContent)`))
	gapsA := browse(t, ctx, "unmarked text of A", chromedp.Evaluate[[]string](gaps))
	jaccard := browse(t, ctx, "scores", chromedp.Text("#jaccard"))
	a, b := squash(textOf(docs, "doj-opa-01033")), squash(textOf(docs, "doj-opa-01009"))
	if len(marksA) == 0 || len(marksB) == 0 || jaccard != "0.8689" {
		t.Fatalf("marks %d and %d, Jaccard %q", len(marksA), len(marksB), jaccard)
	}
	for _, m := range marksA {
		if w := uncovered(squash(m), b); w != "" {
			t.Errorf("marked in A though B does not share it: %q in %.80q", w, m)
		}
	}
	for _, m := range marksB {
		if w := uncovered(squash(m), a); w != "" {
			t.Errorf("marked in B though A does not share it: %q in %.80q", w, m)
		}
	}
	for _, g := range gapsA {
		words := strings.Fields(squash(g))
		for i := 0; i+8 <= len(words); i++ {
			if run := strings.Join(words[i:i+8], " "); strings.Contains(b, run) {
				t.Errorf("left unmarked in A though B has it: %q", run)
			}
		}
	}
}

// TestHostileTextInBrowser: an article whose id, title, URL and text carry script tags, event handlers,
// javascript: links and broken tags is shown as text on every page, and none of it runs.
func TestHostileTextInBrowser(t *testing.T) {
	srv, _ := reviewServer(t, Options{})
	ctx := browser(t)
	for _, c := range []struct{ path, sel string }{
		{articleURL(hostile.ID), "#text"},
		{compareURL(hostile.ID, "copy-of-evil"), "#a"},
		{"/clusters?threshold=0.5", "main"},
		{"/?q=" + url.QueryEscape(hostile.ID), "main"},
	} {
		browse(t, ctx, "open "+c.path, chromedp.Navigate(srv.URL+c.path))
		browse(t, ctx, "wait", chromedp.Sleep(200*time.Millisecond))
		pwned := browse(t, ctx, "check "+c.path, chromedp.Evaluate[bool](`window.__pwned !== undefined`))
		shown := browse(t, ctx, "text of "+c.path, chromedp.Text(c.sel))
		if pwned {
			t.Errorf("%s: script from the article ran", c.path)
		}
		// The article's own markup is on the page as text: escaped, not parsed.
		if c.sel != "main" && !strings.Contains(shown, `<script>window.__pwned=5</script>`) {
			t.Errorf("%s: the article's markup is not shown as text in %s: %.200q", c.path, c.sel, shown)
		}
	}
}

// TestLinksAndPaginationInBrowser: the article page links to the comparison with each match, and /clusters pages
// forward and back.
func TestLinksAndPaginationInBrowser(t *testing.T) {
	srv, _ := reviewServer(t, Options{ClustersPerPage: 10})
	ctx := browser(t)
	browse(t, ctx, "open the article", chromedp.Navigate(srv.URL+articleURL("doj-opa-01009")))
	browse(t, ctx, "click compare", chromedp.Click(`a[href^="/compare"]`, chromedp.NodeVisible))
	browse(t, ctx, "wait for the scores", chromedp.WaitVisible("#jaccard"))
	loc := browse(t, ctx, "location", chromedp.Location())
	heading := browse(t, ctx, "heading", chromedp.Text("h1"))
	if !strings.Contains(loc, "/compare?a=doj-opa-01009&b=doj-opa-01033") || heading != "Compare" {
		t.Fatalf("compare link led to %s (%q)", loc, heading)
	}
	keeps := `Array.from(document.querySelectorAll('section.cluster h3 a')).map(a => a.textContent)`
	browse(t, ctx, "open /clusters", chromedp.Navigate(srv.URL+"/clusters"))
	first := browse(t, ctx, "page 1", chromedp.Evaluate[[]string](keeps))
	browse(t, ctx, "click next", chromedp.Click(`a[rel="next"]`, chromedp.NodeVisible))
	browse(t, ctx, "wait for page 2", chromedp.WaitVisible(`a[rel="prev"]`))
	second := browse(t, ctx, "page 2", chromedp.Evaluate[[]string](keeps))
	info := browse(t, ctx, "page line", chromedp.Text("p.muted"))
	if len(first) != 10 || len(second) == 0 || first[0] == second[0] || !strings.Contains(info, "page 2 of 3") {
		b, _ := json.Marshal(map[string]any{"first": first, "second": second, "info": info})
		t.Fatalf("pagination: %s", b)
	}
}

// TestSearchPageInBrowser: a pasted text finds its indexed copy, and an id typed in the search box opens the
// article.
func TestSearchPageInBrowser(t *testing.T) {
	srv, docs := reviewServer(t, Options{})
	ctx := browser(t)
	browse(t, ctx, "open /", chromedp.Navigate(srv.URL+"/"))
	browse(t, ctx, "paste a text", chromedp.SetValue("textarea[name=text]", textOf(docs, "doj-opa-01009")))
	browse(t, ctx, "submit", chromedp.Submit("textarea[name=text]"))
	// After a form's navigation the page is read with Evaluate: node queries may still look at the old page.
	var found []string
	for range 50 {
		if found = browse(t, ctx, "matches", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table a')).map(a => a.textContent)`)); len(found) > 0 {
			break
		}
		browse(t, ctx, "wait", chromedp.Sleep(100*time.Millisecond))
	}
	if len(found) == 0 || found[0] != "doj-opa-01009" {
		t.Fatalf("a pasted text found %q", found)
	}
	browse(t, ctx, "open /", chromedp.Navigate(srv.URL+"/"))
	browse(t, ctx, "type an id", chromedp.SetValue("input[name=q]", "doj-opa-01033"))
	browse(t, ctx, "submit", chromedp.Submit("input[name=q]"))
	loc := ""
	for range 50 {
		if loc = browse(t, ctx, "location", chromedp.Location()); strings.HasSuffix(loc, "/articles/doj-opa-01033") {
			break
		}
		browse(t, ctx, "wait", chromedp.Sleep(100*time.Millisecond))
	}
	if !strings.HasSuffix(loc, "/articles/doj-opa-01033") {
		t.Fatalf("the id search led to %s", loc)
	}
}

// TestArticleMarksInBrowser: an article that is copied into another and also repeats a paragraph of its own shows
// the two in their two colours: the copied text marked "copied" (yellow), the repeat "repeat" (blue), each by its
// own matches.
func TestArticleMarksInBrowser(t *testing.T) {
	copied := "The harbour authority approved the new ferry terminal on Tuesday after two years of consultation with residents of the bay, and building starts in the spring."
	own := "Readers can write to the letters desk with their views on the plan, which the council will discuss at its next meeting in the town hall."
	// both is repeated inside the page and copied into the roundup too: copied, though its first match (by id)
	// is the page's own repeat.
	both := "Ferry tickets will cost less for residents of the island under a scheme the operator announced with the county on Monday morning."
	page := copied + "\n\nIn other news the weather stayed mild over the weekend across the whole region.\n\n" + own + "\n\nA second note follows.\n\n" + own +
		"\n\nFares.\n\n" + both + "\n\nAgain, for readers who skipped ahead.\n\n" + both
	elsewhere := "Our roundup. " + copied + " That was the main story of the week in the county. " + both
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.AddDocs(context.Background(), []*neardup.Doc{{ID: "page", Text: page}, {ID: "roundup", Text: elsewhere}}, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(ix, Options{}))
	t.Cleanup(func() { srv.Close(); ix.Close() })
	ctx := browser(t)
	browse(t, ctx, "open the article", chromedp.Navigate(srv.URL+"/articles/page"))
	type mark struct {
		Class, Text, Colour string
	}
	marks := browse(t, ctx, "marks", chromedp.Evaluate[[]mark](`Array.from(document.querySelectorAll('main mark:not(.muted mark)')).filter(m => !m.closest('p.muted')).map(m => ({Class: m.className, Text: m.textContent, Colour: getComputedStyle(m).backgroundColor}))`))
	var copiedMarks, repeatMarks int
	colours := map[string]string{}
	for _, m := range marks {
		colours[m.Class] = m.Colour
		switch m.Class {
		case "copied":
			copiedMarks++
			if !strings.Contains(copied, strings.TrimSpace(m.Text)) && !strings.Contains(both, strings.TrimSpace(m.Text)) {
				t.Errorf("marked copied, not the copied paragraph: %q", m.Text)
			}
		case "repeat":
			repeatMarks++
			if !strings.Contains(own, strings.TrimSpace(m.Text)) {
				t.Errorf("marked repeated, not the repeated paragraph: %q", m.Text)
			}
		default:
			t.Errorf("mark of class %q: %q", m.Class, m.Text)
		}
	}
	if copiedMarks != 3 || repeatMarks != 2 {
		t.Fatalf("%d copied and %d repeated marks, want 3 (the copied paragraph, both copies of the one also in the roundup) and 2: %+v", copiedMarks, repeatMarks, marks)
	}
	if colours["copied"] == colours["repeat"] || colours["copied"] == "" {
		t.Fatalf("the two kinds share a colour: %v", colours)
	}
}

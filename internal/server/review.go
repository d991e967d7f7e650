package server

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/warc"
)

// The review pages: server-rendered HTML (html/template: every value escaped for its context, hrefs with unsafe
// schemes neutralised), a little CSS, no JavaScript, and a Content-Security-Policy that lets no script run and
// nothing load from elsewhere, since article text is crawled, hostile input.

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// csp allows inline styles only: no script of any origin, no images, no frames, forms to this server only.
const csp = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func (h *Handler) routeReview() {
	h.route("GET /{$}", false, h.searchPage)
	h.route("POST /search", false, h.searchPage)
	h.route("GET /articles/{id}", false, h.articlePage)
	h.route("GET /compare", false, h.comparePage)
	h.route("GET /clusters", false, h.clustersPage)
}

func render(w http.ResponseWriter, status int, name string, data any) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	return pages.ExecuteTemplate(w, name, data)
}

func articleURL(id string) string { return "/articles/" + url.PathEscape(id) }

func compareURL(a, b string) string {
	return "/compare?" + url.Values{"a": {a}, "b": {b}}.Encode()
}

// row is one match in a table of matches.
type row struct {
	neardup.Match
	ArticleURL, CompareURL string
}

func rows(ms []neardup.Match, self string) []row {
	out := make([]row, len(ms))
	for i, m := range ms {
		out[i] = row{Match: m, ArticleURL: articleURL(m.ID)}
		if self != "" {
			out[i].CompareURL = compareURL(self, m.ID)
		}
	}
	return out
}

// lookup finds an article by id, or by URL (normalised as WARC ids are).
func (h *Handler) lookup(q string) (*neardup.Article, error) {
	q = strings.TrimSpace(q)
	a, err := h.ix.Get(q)
	if errors.Is(err, neardup.ErrNotFound) {
		if n := warc.NormalizeURL(q); n != q && n != "" {
			a, err = h.ix.Get(n)
		}
	}
	if err != nil && !errors.Is(err, neardup.ErrNoText) {
		return nil, err
	}
	return a, nil
}

func (h *Handler) searchPage(w http.ResponseWriter, r *http.Request) error {
	data := struct {
		Title, Q, Text, Error string
		Searched, Self        bool
		Matches               []row
		Threshold             float64
	}{Title: "Search", Threshold: h.ix.Params().Threshold}
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			return errorf(http.StatusBadRequest, "bad form: %v", err)
		}
		data.Text = r.PostForm.Get("text")
		ms, err := h.ix.QueryDoc(r.Context(), &neardup.Doc{Text: data.Text}, data.Threshold, 50)
		if err != nil {
			return err
		}
		data.Searched, data.Matches = true, rows(ms, "")
		return render(w, http.StatusOK, "search", data)
	}
	if data.Q = r.URL.Query().Get("q"); data.Q != "" {
		a, err := h.lookup(data.Q)
		if errors.Is(err, neardup.ErrNotFound) {
			data.Error = fmt.Sprintf("No article with the id or URL %q.", data.Q)
			return render(w, http.StatusNotFound, "search", data)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, articleURL(a.ID), http.StatusSeeOther)
		return nil
	}
	return render(w, http.StatusOK, "search", data)
}

func (h *Handler) articlePage(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	a, err := h.ix.Get(id)
	noText := errors.Is(err, neardup.ErrNoText)
	if errors.Is(err, neardup.ErrNotFound) {
		return render(w, http.StatusNotFound, "search", struct {
			Title, Q, Text, Error string
			Searched              bool
		}{Title: "Not found", Q: id, Error: fmt.Sprintf("No article %q.", id)})
	}
	if err != nil && !noText {
		return err
	}
	t := h.ix.Params().Threshold
	ms, err := h.ix.QueryID(r.Context(), id, t, 50)
	if err != nil {
		return err
	}
	var marked template.HTML
	if !noText {
		rep, err := h.ix.PassagesDoc(r.Context(), &neardup.Doc{ID: a.ID, Text: a.Text})
		if err != nil {
			return err
		}
		var spans []span
		for _, p := range rep.Passages {
			// A passage is copied when any of its matches is another article, whatever the order of its
			// matches; repeated inside when they are all the article's own.
			class := "repeat"
			for _, m := range p.Matches {
				if m.ID != a.ID {
					class = "copied"
				}
			}
			if p.Kind == "boilerplate" {
				class = "boilerplate"
			}
			spans = append(spans, span{p.Start, p.End, class})
		}
		marked = markup(a.Text, spans)
	}
	return render(w, http.StatusOK, "article", struct {
		Title     string
		Article   *neardup.Article
		Matches   []row
		Self      bool
		Threshold float64
		NoText    bool
		Marked    template.HTML
	}{a.Title, a, rows(ms, a.ID), true, t, noText, marked})
}

func (h *Handler) comparePage(w http.ResponseWriter, r *http.Request) error {
	qa, qb := r.URL.Query().Get("a"), r.URL.Query().Get("b")
	if qa == "" || qb == "" {
		return errorf(http.StatusBadRequest, "compare needs two articles: /compare?a=ID&b=ID")
	}
	a, err := h.ix.Get(qa)
	if err != nil {
		return articleErr(qa, err)
	}
	b, err := h.ix.Get(qb)
	if err != nil {
		return articleErr(qb, err)
	}
	c := h.ix.Compare(a.Text, b.Text)
	toSpans := func(ss [][2]int) []span {
		out := make([]span, len(ss))
		for i, s := range ss {
			out[i] = span{s[0], s[1], ""}
		}
		return out
	}
	return render(w, http.StatusOK, "compare", struct {
		Title            string
		A, B             *neardup.Article
		AURL, BURL       string
		Cmp              neardup.Comparison
		MarkedA, MarkedB template.HTML
	}{"Compare", a, b, articleURL(a.ID), articleURL(b.ID), c, markup(a.Text, toSpans(c.SharedA)), markup(b.Text, toSpans(c.SharedB))})
}

func articleErr(id string, err error) error {
	switch {
	case errors.Is(err, neardup.ErrNotFound):
		return notFound(id)
	case errors.Is(err, neardup.ErrNoText):
		return errorf(http.StatusConflict, "the index keeps no text of %q (built with --no-text, or before texts were kept)", neardup.ShortID(id))
	}
	return err
}

type clusterView struct {
	Keep, KeepURL string
	Members       []row
}

func (h *Handler) clustersPage(w http.ResponseWriter, r *http.Request) error {
	t := h.ix.Params().Threshold
	if s := r.URL.Query().Get("threshold"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0 && v <= 1) {
			return errorf(http.StatusBadRequest, "threshold must be a number in (0, 1], got %q", s)
		}
		t = v
	}
	page := 1
	if s := r.URL.Query().Get("page"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			return errorf(http.StatusBadRequest, "page must be a positive integer, got %q", s)
		}
		page = v
	}
	all, err := h.clusters(r, t)
	if err != nil {
		return err
	}
	per := h.o.ClustersPerPage
	pages := max(1, int(math.Ceil(float64(len(all))/float64(per))))
	if page > pages {
		return errorf(http.StatusNotFound, "page %d of %d", page, pages)
	}
	var views []clusterView
	for _, c := range all[(page-1)*per : min(len(all), page*per)] {
		v := clusterView{Keep: c.Keep, KeepURL: articleURL(c.Keep)}
		for _, m := range c.Members {
			rw := row{Match: neardup.Match{ID: m.ID, Jaccard: m.Jaccard, Title: m.Title}, ArticleURL: articleURL(m.ID)}
			if m.ID != c.Keep {
				rw.CompareURL = compareURL(c.Keep, m.ID)
			}
			v.Members = append(v.Members, rw)
		}
		views = append(views, v)
	}
	link := func(p int) string {
		return "/clusters?" + url.Values{"threshold": {strconv.FormatFloat(t, 'f', -1, 64)}, "page": {strconv.Itoa(p)}}.Encode()
	}
	data := struct {
		Title              string
		Threshold          float64
		Total, Page, Pages int
		Clusters           []clusterView
		Prev, Next         string
	}{Title: "Clusters", Threshold: t, Total: len(all), Page: page, Pages: pages, Clusters: views}
	if page > 1 {
		data.Prev = link(page - 1)
	}
	if page < pages {
		data.Next = link(page + 1)
	}
	return render(w, http.StatusOK, "clusters", data)
}

// clusterCache keeps the clusters of the last threshold asked for, while the index has not changed: paging
// through /clusters clusters the index once, not once a page.
type clusterCache struct {
	mu         sync.Mutex
	threshold  float64
	generation uint64
	clusters   []neardup.Cluster
	valid      bool
}

// clusters returns the clusters at t, largest first.
func (h *Handler) clusters(r *http.Request, t float64) ([]neardup.Cluster, error) {
	c := &h.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := h.ix.Generation()
	if c.valid && c.threshold == t && c.generation == gen {
		return c.clusters, nil
	}
	var all []neardup.Cluster
	if _, err := h.ix.Dedupe(r.Context(), t, func(cl neardup.Cluster) error { all = append(all, cl); return nil }); err != nil {
		return nil, err
	}
	slices.SortStableFunc(all, func(a, b neardup.Cluster) int { return cmp.Compare(len(b.Members), len(a.Members)) })
	c.threshold, c.generation, c.clusters, c.valid = t, gen, all, true
	return all, nil
}

// span is a marked byte range of a text.
type span struct {
	start, end int
	class      string
}

// markup returns text as HTML with each span in a <mark> (spans sorted, overlaps clipped), every byte of the
// text escaped.
func markup(text string, spans []span) template.HTML {
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		start, end := max(s.start, pos), min(s.end, len(text))
		if start >= end {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:start]))
		if s.class != "" {
			b.WriteString(`<mark class="` + s.class + `">`)
		} else {
			b.WriteString("<mark>")
		}
		b.WriteString(html.EscapeString(text[start:end]))
		b.WriteString("</mark>")
		pos = end
	}
	b.WriteString(html.EscapeString(text[pos:]))
	return template.HTML(b.String())
}

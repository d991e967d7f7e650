// Package server serves a neardup index over HTTP: add, replace and delete articles, query duplicates and
// passages, stats, health and Prometheus metrics. It uses only net/http (Go 1.22 method-and-path patterns).
package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
)

// Options configure a Handler. Zero fields take the defaults.
type Options struct {
	// MaxBody is the largest request body accepted, in bytes (default 16 MiB).
	MaxBody int64
	// MaxInFlight is the number of requests handled at once; more are answered 503 at once rather than queued
	// (default 64).
	MaxInFlight int
	// Token, when set, is required as "Authorization: Bearer TOKEN" on the write endpoints (and on every endpoint
	// but /healthz when AuthReads is set).
	Token     string
	AuthReads bool
	// DefaultThreshold and DefaultTop apply to queries that do not say (defaults 0.8 and 20).
	DefaultThreshold float64
	DefaultTop       int
	// ClustersPerPage is the page size of the review page /clusters (default 50).
	ClustersPerPage int
}

// Handler is the HTTP API over one open index.
type Handler struct {
	ix      *neardup.Index
	o       Options
	mux     *http.ServeMux
	slots   chan struct{}
	metrics *metrics
	cache   clusterCache // the clusters of /clusters
}

// New returns the handler for ix.
func New(ix *neardup.Index, o Options) *Handler {
	if o.MaxBody <= 0 {
		o.MaxBody = 16 << 20
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 64
	}
	if o.DefaultThreshold == 0 {
		o.DefaultThreshold = neardup.DefaultThreshold
	}
	if o.DefaultTop == 0 {
		o.DefaultTop = 20
	}
	if o.ClustersPerPage <= 0 {
		o.ClustersPerPage = 50
	}
	h := &Handler{ix: ix, o: o, mux: http.NewServeMux(), slots: make(chan struct{}, o.MaxInFlight), metrics: newMetrics()}
	h.route("POST /v1/articles", true, h.postArticles)
	h.route("DELETE /v1/articles/{id}", true, h.deleteArticle)
	h.route("GET /v1/articles/{id}", false, h.getArticle)
	h.route("GET /v1/articles/{id}/duplicates", false, h.duplicates)
	h.route("POST /v1/query", false, h.query)
	h.route("GET /v1/articles/{id}/passages", false, h.passages)
	h.route("POST /v1/passages", false, h.postPassages)
	h.route("GET /v1/stats", false, h.stats)
	h.route("GET /v1/clusters", false, h.clustersJSONL)
	h.route("GET /metrics", false, h.metrics.serve(ix))
	h.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	h.routeReview()
	h.mux.HandleFunc("/", h.unknown)
	return h
}

// unknown answers a request no route takes: 405 with Allow when the path exists for other methods, else 404;
// both with a JSON error body like every other error.
func (h *Handler) unknown(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodPatch} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": fmt.Sprintf("method %s not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allow, ", "))})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no endpoint %s %s", r.Method, r.URL.Path)})
}

// isPage reports whether a request is for a review page (HTML) rather than the API (JSON).
func isPage(r *http.Request) bool {
	return !strings.HasPrefix(r.URL.Path, "/v1/") && r.URL.Path != "/metrics" && r.URL.Path != "/healthz"
}

// message is an error's text for a client, without the "pkg: " prefixes of Go errors.
func message(err error) string {
	s := err.Error()
	for _, p := range []string{"neardup: ", "store: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return s
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// apiError is an error with its HTTP status.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, a ...any) error {
	return &apiError{status, fmt.Sprintf(format, a...)}
}

// route registers an endpoint with the overload guard, auth, body limit, metrics and JSON errors.
func (h *Handler) route(pattern string, write bool, fn func(w http.ResponseWriter, r *http.Request) error) {
	name := pattern
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() { h.metrics.observe(name, rec.status, time.Since(start)) }()
		select {
		case h.slots <- struct{}{}:
			defer func() { <-h.slots }()
		default:
			rec.Header().Set("Retry-After", "1")
			writeJSON(rec, http.StatusServiceUnavailable, map[string]string{"error": "overloaded: too many requests in flight, retry later"})
			return
		}
		if h.o.Token != "" && (write || h.o.AuthReads) && !h.authorized(r) {
			rec.Header().Set("WWW-Authenticate", `Bearer realm="neardup"`)
			writeJSON(rec, http.StatusUnauthorized, map[string]string{"error": "missing or wrong bearer token"})
			return
		}
		r.Body = http.MaxBytesReader(rec, r.Body, h.o.MaxBody)
		if err := fn(rec, r); err != nil {
			status := http.StatusInternalServerError
			var ae *apiError
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &ae):
				status = ae.status
			case errors.As(err, &mbe):
				status = http.StatusRequestEntityTooLarge
				err = fmt.Errorf("request body over %d bytes", mbe.Limit)
			case errors.Is(err, neardup.ErrNotFound) && r.PathValue("id") != "":
				status = http.StatusNotFound
				err = notFound(r.PathValue("id"))
			case errors.Is(err, neardup.ErrNotFound):
				status = http.StatusNotFound
			case errors.Is(err, neardup.ErrThreshold), errors.Is(err, neardup.ErrRejected):
				status = http.StatusBadRequest
			case errors.Is(err, neardup.ErrNoPassages), errors.Is(err, neardup.ErrNoAnchors):
				status = http.StatusConflict
			case errors.Is(err, neardup.ErrDiskFull):
				// The index refused the write before Badger saw it: nothing was written, reads go on.
				status = http.StatusInsufficientStorage
				rec.Header().Set("Retry-After", "60")
			}
			if isPage(r) {
				render(rec, status, "error", struct{ Title, Error string }{http.StatusText(status), message(err)})
				return
			}
			writeJSON(rec, status, map[string]string{"error": message(err)})
		}
	})
}

// notFound is the one wording of an unknown article.
func notFound(id string) error {
	return errorf(http.StatusNotFound, "no article %q", neardup.ShortID(id))
}

// authorized reports whether r carries the token: "Authorization: Bearer TOKEN", the scheme's name in any case
// (RFC 9110 makes it case-insensitive).
func (h *Handler) authorized(r *http.Request) bool {
	scheme, got, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	return ok && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(h.o.Token)) == 1
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

// Unwrap gives http.ResponseController the connection's writer (for the deadline of a long stream).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// Rejected is an article of a POST that was not indexed.
type Rejected struct {
	Index  int    `json:"index"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
}

// AddResult answers POST /v1/articles.
type AddResult struct {
	// Error is set, with status 400, when every article was rejected.
	Error     string     `json:"error,omitempty"`
	Added     int        `json:"added"`
	Replaced  int        `json:"replaced"`
	Unchanged int        `json:"unchanged"`
	Rejected  []Rejected `json:"rejected"`
}

func (h *Handler) postArticles(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	var raws []json.RawMessage
	trimmed := bytes.TrimSpace(body)
	switch {
	case bytes.HasPrefix(trimmed, []byte("[")):
		if err := json.Unmarshal(body, &raws); err != nil {
			return errorf(http.StatusBadRequest, "invalid JSON array: %v", err)
		}
	case bytes.HasPrefix(trimmed, []byte("{")) && json.Valid(trimmed):
		raws = []json.RawMessage{trimmed}
	case bytes.HasPrefix(trimmed, []byte("{")):
		// JSON Lines, as neardup index reads them: one article a line, each line judged apart (a rejection's
		// index is its line's, from 0; blank lines count).
		for line := range bytes.SplitSeq(trimmed, []byte("\n")) {
			raws = append(raws, bytes.TrimSpace(line))
		}
	default:
		return errorf(http.StatusBadRequest, "the body must be a JSON article object, an array of them, or JSON Lines")
	}
	res := AddResult{Rejected: []Rejected{}}
	var docs []*neardup.Doc
	for i, raw := range raws {
		if len(raw) == 0 {
			continue // a blank line
		}
		d, err := input.ParseDoc(raw)
		if err != nil {
			res.Rejected = append(res.Rejected, Rejected{Index: i, Reason: err.Error()})
			continue
		}
		docs = append(docs, d)
	}
	if len(docs) > 0 {
		ch := make(chan *neardup.Doc, len(docs))
		for _, d := range docs {
			ch <- d
		}
		close(ch)
		st, err := h.ix.Add(context.WithoutCancel(r.Context()), ch, &neardup.AddOptions{Workers: 1, Reject: func(rj neardup.Rejection) {
			res.Rejected = append(res.Rejected, Rejected{Index: -1, ID: neardup.ShortID(rj.ID), Reason: rj.Err.Error()})
		}})
		if err != nil {
			return err
		}
		res.Added, res.Replaced, res.Unchanged = st.Added, st.Replaced, st.Unchanged
		h.metrics.added.Add(int64(st.Added))
	}
	status := http.StatusOK
	if len(res.Rejected) > 0 && res.Added+res.Replaced+res.Unchanged == 0 {
		status = http.StatusBadRequest
		res.Error = "every article was rejected (see rejected)"
	}
	writeJSON(w, status, res)
	return nil
}

func (h *Handler) deleteArticle(w http.ResponseWriter, r *http.Request) error {
	ok, err := h.ix.Delete(r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ok {
		return notFound(r.PathValue("id"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// params reads a query's options from the URL: threshold or containment, top, window.
func (h *Handler) params(r *http.Request) (neardup.QueryOptions, error) {
	o := neardup.QueryOptions{Threshold: h.o.DefaultThreshold, Top: h.o.DefaultTop, MinShingles: neardup.DefaultMinShingles}
	q := r.URL.Query()
	var err error
	if o.MinShingles, err = minShingles(q, o.MinShingles); err != nil {
		return o, err
	}
	if o.Threshold, err = threshold(q, o.Threshold); err != nil {
		return o, err
	}
	if s := q.Get("containment"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			v = math.NaN() // refused below, naming s
		}
		if err := checkContainment(v, s, q.Has("threshold")); err != nil {
			return o, err
		}
		o.Containment = v
	}
	if s := q.Get("reuse"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0 && v <= 1) || q.Has("threshold") || q.Has("containment") {
			return o, errorf(http.StatusBadRequest, "reuse must be a number in (0, 1], alone (not with threshold or containment), got %q", s)
		}
		o.Reuse = v
	}
	if s := q.Get("top"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 10000 {
			return o, errorf(http.StatusBadRequest, "top must be an integer in [0, 10000], got %q", s)
		}
		o.Top = v
	}
	if s := q.Get("window"); s != "" {
		w, err := window(s)
		if err != nil {
			return o, err
		}
		o.Window = w
	}
	return o, nil
}

// checkContainment checks a containment asked for (given: as the request wrote it); withThreshold says a
// threshold was asked for too.
func checkContainment(v float64, given string, withThreshold bool) error {
	if withThreshold {
		return errorf(http.StatusBadRequest, "containment and threshold ask different questions: give one")
	}
	if !(v > 0 && v <= 1) {
		return errorf(http.StatusBadRequest, "containment must be a number in (0, 1], got %q", given)
	}
	return nil
}

// window parses a window asked for.
func window(s string) (time.Duration, error) {
	w, err := neardup.ParseWindow(s)
	if err != nil {
		return 0, errorf(http.StatusBadRequest, "window: %s", message(err))
	}
	return w, nil
}

// clustersJSONL answers GET /v1/clusters: the clusters of the whole index as neardup dedupe prints them, one JSON
// line each, streamed as they are found; ?threshold= (default 0.8), &window=, &ignore_boilerplate=true,
// &min_shingles= (default 5) as dedupe's flags. The nightly job can run beside a live server this way.
func (h *Handler) clustersJSONL(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	o := neardup.DedupeOptions{}
	var err error
	if o.Threshold, err = threshold(q, neardup.DefaultThreshold); err != nil {
		return err
	}
	if o.MinShingles, err = minShingles(q, neardup.DefaultMinShingles); err != nil {
		return err
	}
	if s := q.Get("window"); s != "" {
		if o.Window, err = window(s); err != nil {
			return err
		}
	}
	if s := q.Get("ignore_boilerplate"); s != "" {
		v, err := strconv.ParseBool(s)
		if err != nil {
			return errorf(http.StatusBadRequest, "ignore_boilerplate must be true or false, got %q", s)
		}
		o.IgnoreBoilerplate = v
	}
	// A whole index's clusters take longer than the server's write timeout: this stream has none.
	http.NewResponseController(w).SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "application/x-ndjson")
	sent := false // whether bytes reached the client: then an error can only cut the stream short
	bw := bufio.NewWriterSize(sentWriter{w, &sent}, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if _, err := h.ix.DedupeWith(r.Context(), o, func(c neardup.Cluster) error { return enc.Encode(c) }); err != nil {
		if sent {
			return nil // the status is sent: the stream ends short, which a client sees as a truncated body
		}
		return err // nothing sent yet: an error status and body
	}
	return bw.Flush()
}

// sentWriter writes to w and notes that it did.
type sentWriter struct {
	w    io.Writer
	sent *bool
}

func (s sentWriter) Write(p []byte) (int, error) {
	*s.sent = true
	return s.w.Write(p)
}

// threshold reads ?threshold= (def when absent), refusing one outside (0, 1].
func threshold(q url.Values, def float64) (float64, error) {
	s := q.Get("threshold")
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v <= 1) {
		return 0, errorf(http.StatusBadRequest, "threshold must be a number in (0, 1], got %q", s)
	}
	return v, nil
}

// minShingles reads ?min_shingles= (def when absent), refusing a negative one.
func minShingles(q url.Values, def int) (int, error) {
	s := q.Get("min_shingles")
	if s == "" {
		return def, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0, errorf(http.StatusBadRequest, "min_shingles must be an integer >= 0, got %q", s)
	}
	return v, nil
}

func (h *Handler) duplicates(w http.ResponseWriter, r *http.Request) error {
	o, err := h.params(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	ms, err := h.ix.QueryIDWith(r.Context(), id, o)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, neardup.QueryResult{ID: id, Matches: nonNil(ms), Warning: h.thresholdWarning(o)})
	return nil
}

// thresholdWarning is the warning the CLI gives a Jaccard query below the index's threshold ("" for none).
func (h *Handler) thresholdWarning(o neardup.QueryOptions) string {
	if t := h.ix.Params().Threshold; o.Containment == 0 && o.Reuse == 0 && o.Threshold < t {
		return fmt.Sprintf("threshold %.2f is below the index's %.2f: pairs between them may be missed", o.Threshold, t)
	}
	return ""
}

// getArticle answers GET /v1/articles/{id}: the article as neardup show prints it.
func (h *Handler) getArticle(w http.ResponseWriter, r *http.Request) error {
	a, err := h.ix.Get(r.PathValue("id"))
	if err != nil && !errors.Is(err, neardup.ErrNoText) {
		return err
	}
	writeJSON(w, http.StatusOK, a.View(err == nil))
	return nil
}

// query answers POST /v1/query: {"text": ..., "id"?, "date"?, "containment"?, "window"?}, the body's options
// over the URL's.
func (h *Handler) query(w http.ResponseWriter, r *http.Request) error {
	o, err := h.params(r)
	if err != nil {
		return err
	}
	var body queryBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body.Text == nil {
		return errorf(http.StatusBadRequest, `missing "text"`)
	}
	if body.Containment != nil {
		if err := checkContainment(*body.Containment, fmt.Sprint(*body.Containment), r.URL.Query().Has("threshold")); err != nil {
			return err
		}
		o.Containment = *body.Containment
	}
	if body.Reuse != nil {
		if v := *body.Reuse; !(v > 0 && v <= 1) || body.Containment != nil || r.URL.Query().Has("threshold") {
			return errorf(http.StatusBadRequest, "reuse must be a number in (0, 1], alone (not with threshold or containment), got %v", v)
		}
		o.Reuse, o.Containment = *body.Reuse, 0
	}
	if body.Window != "" {
		if o.Window, err = window(body.Window); err != nil {
			return err
		}
	}
	if body.Date != "" && neardup.ParseDate(body.Date) == 0 {
		return errorf(http.StatusBadRequest, "date %q is not a date neardup reads (use RFC 3339)", body.Date)
	}
	if body.ID == "" {
		body.ID = "text" // as neardup query --text answers
	}
	d := &neardup.Doc{ID: body.ID, Text: *body.Text, Date: body.Date}
	ms, err := h.ix.QueryDocWith(r.Context(), d, o)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, neardup.QueryResult{ID: d.ID, Matches: nonNil(ms), Warning: h.thresholdWarning(o)})
	return nil
}

type queryBody struct {
	ID          string   `json:"id"`
	Text        *string  `json:"text"`
	Date        string   `json:"date"`
	Containment *float64 `json:"containment"`
	Reuse       *float64 `json:"reuse"`
	Window      string   `json:"window"`
}

func nonNil(ms []neardup.Match) []neardup.Match {
	if ms == nil {
		return []neardup.Match{}
	}
	return ms
}

func (h *Handler) passages(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.ix.PassagesID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// postPassages reports the passages of a text given in the body, {"text": ..., "id"?}, as GET
// /v1/articles/{id}/passages does for an indexed article (with word-tight spans).
func (h *Handler) postPassages(w http.ResponseWriter, r *http.Request) error {
	d, err := textBody(r)
	if err != nil {
		return err
	}
	rep, err := h.ix.PassagesDoc(r.Context(), d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// stats answers in O(1): the counts kept with every commit, and the folder's size on disk.
func (h *Handler) stats(w http.ResponseWriter, r *http.Request) error {
	st, err := h.ix.QuickStats()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		neardup.Stats
		Params neardup.Params `json:"params"`
	}{st, h.ix.Params()})
	return nil
}

// textBody reads a body {"text": ..., "id"?} into a document.
func textBody(r *http.Request) (*neardup.Doc, error) {
	var body struct {
		ID   string  `json:"id"`
		Text *string `json:"text"`
	}
	if err := decodeBody(r, &body); err != nil {
		return nil, err
	}
	if body.Text == nil {
		return nil, errorf(http.StatusBadRequest, `missing "text"`)
	}
	return &neardup.Doc{ID: body.ID, Text: *body.Text}, nil
}

// decodeBody decodes a JSON request body into v.
func decodeBody(r *http.Request, v any) error {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errorf(http.StatusBadRequest, "invalid JSON: %v", err)
	}
	return nil
}

package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/corpus"
)

// TestBearerAnyCase: the scheme's name is case-insensitive (RFC 9110); the token is not.
func TestBearerAnyCase(t *testing.T) {
	srv := newServer(t, Options{Token: "s3cret", AuthReads: true})
	for _, h := range []string{"Bearer s3cret", "bearer s3cret", "BEARER s3cret", "  Bearer   s3cret "} {
		if code, body := do(t, "GET", srv.URL+"/v1/stats", "", "Authorization", h); code != 200 {
			t.Errorf("%q: %d %s", h, code, body)
		}
	}
	for _, h := range []string{"Bearer S3CRET", "Basic s3cret", "Bearers3cret", "s3cret"} {
		if code, _ := do(t, "GET", srv.URL+"/v1/stats", "", "Authorization", h); code != 401 {
			t.Errorf("%q: %d, want 401", h, code)
		}
	}
}

// TestGetArticle: GET /v1/articles/{id} is the article as neardup show prints it; an unknown id is 404.
func TestGetArticle(t *testing.T) {
	srv := newServer(t, Options{})
	do(t, "POST", srv.URL+"/v1/articles", fmt.Sprintf(`{"id": "a/1", "title": "Rates", "date": "2026-12-06", "text": %q, "desk": "economy"}`, wire))
	code, body := do(t, "GET", srv.URL+"/v1/articles/a%2F1", "")
	var got struct {
		ID, Title, Date string
		Meta            map[string]string
		Text            *string
	}
	if code != 200 || json.Unmarshal([]byte(body), &got) != nil || got.ID != "a/1" || got.Title != "Rates" || got.Date != "2026-12-06" ||
		got.Meta["desk"] != "economy" || got.Text == nil || *got.Text != wire {
		t.Fatalf("get: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/v1/articles/nope", ""); code != 404 || !strings.Contains(body, `no article \"nope\"`) {
		t.Fatalf("unknown id: %d %s", code, body)
	}
}

// TestQueryAsTheCLI: a threshold below the index's gets the CLI's warning; a text without an id is answered as
// neardup query --text answers it (id "text"); a short text is not reported (min_shingles, default 5).
func TestQueryAsTheCLI(t *testing.T) {
	srv := newServer(t, Options{})
	do(t, "POST", srv.URL+"/v1/articles", fmt.Sprintf(`[{"id": "a", "text": %q}, {"id": "b", "text": %q}, {"id": "s1", "text": "Page not found."}, {"id": "s2", "text": "Page not found."}]`, wire, wire+" Markets rose."))
	code, body := do(t, "GET", srv.URL+"/v1/articles/a/duplicates?threshold=0.5", "")
	var qr neardup.QueryResult
	if code != 200 || json.Unmarshal([]byte(body), &qr) != nil || !strings.Contains(qr.Warning, "threshold 0.50 is below the index's 0.80") {
		t.Fatalf("low threshold: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/v1/articles/a/duplicates", ""); code != 200 || strings.Contains(body, "warning") {
		t.Fatalf("default threshold: %d %s", code, body)
	}
	code, body = do(t, "POST", srv.URL+"/v1/query", fmt.Sprintf(`{"text": %q}`, wire))
	if code != 200 || !strings.HasPrefix(body, `{"id":"text","matches":[{"id":"a"`) {
		t.Fatalf("query without id: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/v1/articles/s1/duplicates", ""); code != 200 || !strings.Contains(body, `"matches":[]`) {
		t.Fatalf("short article: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/v1/articles/s1/duplicates?min_shingles=0", ""); code != 200 || !strings.Contains(body, `"id":"s2","jaccard":1`) {
		t.Fatalf("short article, min_shingles=0: %d %s", code, body)
	}
	if code, _ := do(t, "GET", srv.URL+"/v1/articles/s1/duplicates?min_shingles=-1", ""); code != 400 {
		t.Fatalf("min_shingles=-1: %d", code)
	}
}

// TestPostJSONLines: POST /v1/articles takes JSON Lines as neardup index reads them, each line judged apart, as
// well as one object (pretty-printed or not) and an array.
func TestPostJSONLines(t *testing.T) {
	srv := newServer(t, Options{})
	lines := fmt.Sprintf("{\"id\": \"a\", \"text\": %q}\n\n{\"id\": \"b\"}\nnot json\n{\"id\": \"c\", \"text\": %q}\n", wire, wire+" Later.")
	code, body := do(t, "POST", srv.URL+"/v1/articles", lines, "Content-Type", "application/x-ndjson")
	if code != 200 || !strings.Contains(body, `"added":2`) || !strings.Contains(body, `"index":2,"reason":"missing \"text\""`) || !strings.Contains(body, `"index":3,`) {
		t.Fatalf("JSON Lines: %d %s", code, body)
	}
	pretty := "{\n  \"id\": \"d\",\n  \"text\": \"" + wire + "\"\n}\n"
	if code, body := do(t, "POST", srv.URL+"/v1/articles", pretty); code != 200 || !strings.Contains(body, `"added":1`) {
		t.Fatalf("one pretty object: %d %s", code, body)
	}
}

// TestErrorsNameNoGoIdentifiers: an error body speaks of the index, not of Go fields.
func TestErrorsNameNoGoIdentifiers(t *testing.T) {
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv := newServerFor(t, ix)
	do(t, "POST", srv.URL+"/v1/articles", fmt.Sprintf(`{"id": "a", "text": %q}`, wire))
	code, body := do(t, "GET", srv.URL+"/v1/articles/a/passages", "")
	if code != 409 || !strings.Contains(body, "no passages") || strings.Contains(body, "Config.") {
		t.Fatalf("passages of an index without them: %d %s", code, body)
	}
}

func newServerFor(t *testing.T, ix *neardup.Index) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(New(ix, Options{}))
	t.Cleanup(srv.Close)
	return srv
}

// TestReuseOverHTTP: ?reuse=R and "reuse": R ask the reuse question; each match has its score and passages;
// reuse with threshold is refused.
func TestReuseOverHTTP(t *testing.T) {
	srv := newServer(t, Options{})
	rewrite := "Borrowing costs rose again. " + strings.Replace(wire, "stubborn", "persistent", 1) + " Markets shrugged."
	do(t, "POST", srv.URL+"/v1/articles", fmt.Sprintf(`[{"id": "a", "text": %q}, {"id": "b", "text": %q}]`, wire, rewrite))
	code, body := do(t, "GET", srv.URL+"/v1/articles/a/duplicates?reuse=0.5", "")
	if code != 200 || !strings.Contains(body, `"id":"b"`) || !strings.Contains(body, `"reuse":`) || !strings.Contains(body, `"passages":[{"start":`) {
		t.Fatalf("reuse by id: %d %s", code, body)
	}
	code, body = do(t, "POST", srv.URL+"/v1/query", fmt.Sprintf(`{"text": %q, "reuse": 0.5}`, rewrite))
	if code != 200 || !strings.Contains(body, `"id":"a"`) || !strings.Contains(body, `"reuse":`) {
		t.Fatalf("reuse of a text: %d %s", code, body)
	}
	if code, _ := do(t, "GET", srv.URL+"/v1/articles/a/duplicates?reuse=0.5&threshold=0.9", ""); code != 400 {
		t.Fatalf("reuse with threshold: %d", code)
	}
}

// TestClustersJSONL: GET /v1/clusters is what neardup dedupe prints for the same index and options, byte for
// byte, with the threshold, window and min_shingles as parameters.
func TestClustersJSONL(t *testing.T) {
	srv, _ := reviewServer(t, Options{})
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	f, err := os.Open(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []*neardup.Doc
	input.ReadJSONL(f, "sample", func(d *neardup.Doc) error { docs = append(docs, d); return nil }, func(*input.InputError) {})
	if _, err := ix.AddDocs(t.Context(), docs, nil); err != nil {
		t.Fatal(err)
	}
	srv2 := httptest.NewServer(New(ix, Options{}))
	defer srv2.Close()
	for _, c := range []struct {
		query string
		o     neardup.DedupeOptions
	}{
		{"", neardup.DedupeOptions{Threshold: 0.8, MinShingles: 5}},
		{"?threshold=0.9&window=36h&min_shingles=0", neardup.DedupeOptions{Threshold: 0.9, Window: 36 * time.Hour}},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if _, err := ix.DedupeWith(t.Context(), c.o, func(cl neardup.Cluster) error { return enc.Encode(cl) }); err != nil {
			t.Fatal(err)
		}
		code, body := do(t, "GET", srv2.URL+"/v1/clusters"+c.query, "")
		if code != 200 || body != want.String() || want.Len() == 0 {
			t.Fatalf("%q: %d, %d bytes, dedupe %d bytes:\n%.300s", c.query, code, len(body), want.Len(), body)
		}
	}
	if code, _ := do(t, "GET", srv.URL+"/v1/clusters?threshold=2", ""); code != 400 {
		t.Fatalf("threshold 2: %d", code)
	}
}

package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/store"
)

const wire = "The central bank raised its main interest rate by a quarter point on Tuesday, citing stubborn inflation in services and a tight labour market, officials said."

func newServer(t *testing.T, o Options) *httptest.Server {
	t.Helper()
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{Passages: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(ix, o))
	t.Cleanup(func() { srv.Close(); ix.Close() })
	return srv
}

func do(t *testing.T, method, url, body string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEndpoints(t *testing.T) {
	srv := newServer(t, Options{})
	u := srv.URL
	code, body := do(t, "POST", u+"/v1/articles", fmt.Sprintf(`[{"id": "a", "text": %q}, {"id": "b", "text": %q}, {"id": "c"}, {"text": "x"}]`, wire, wire+" Markets rose."))
	if code != 200 || !strings.Contains(body, `"added":2`) || !strings.Contains(body, `"index":2,"reason":"missing \"text\""`) || !strings.Contains(body, `"index":3,"reason":"missing \"id\""`) {
		t.Fatalf("post: %d %s", code, body)
	}
	code, body = do(t, "POST", u+"/v1/articles", fmt.Sprintf(`{"id": "a", "text": %q}`, wire))
	if code != 200 || !strings.Contains(body, `"unchanged":1`) {
		t.Errorf("re-post: %d %s", code, body)
	}
	code, body = do(t, "GET", u+"/v1/articles/a/duplicates?threshold=0.5&top=5", "")
	var qr neardup.QueryResult
	if code != 200 || json.Unmarshal([]byte(body), &qr) != nil || qr.ID != "a" || len(qr.Matches) != 1 || qr.Matches[0].ID != "b" {
		t.Errorf("duplicates: %d %s", code, body)
	}
	code, body = do(t, "POST", u+"/v1/query?threshold=0.9", fmt.Sprintf(`{"text": %q}`, wire))
	if code != 200 || !strings.Contains(body, `"id":"a","jaccard":1`) {
		t.Errorf("query: %d %s", code, body)
	}
	code, body = do(t, "GET", u+"/v1/articles/b/passages", "")
	if code != 200 || !strings.Contains(body, `"id":"b"`) {
		t.Errorf("passages: %d %s", code, body)
	}
	code, body = do(t, "GET", u+"/v1/stats", "")
	if code != 200 || !strings.Contains(body, `"articles":2`) {
		t.Errorf("stats: %d %s", code, body)
	}
	code, body = do(t, "GET", u+"/healthz", "")
	if code != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz: %d %s", code, body)
	}
	code, body = do(t, "DELETE", u+"/v1/articles/b", "")
	if code != 204 {
		t.Errorf("delete: %d %s", code, body)
	}
	code, body = do(t, "GET", u+"/metrics", "")
	if code != 200 {
		t.Errorf("metrics: %d", code)
	}
	for _, want := range []string{
		`neardup_http_requests_total{route="POST /v1/articles",code="200"} 2`,
		`neardup_http_request_duration_seconds_bucket{route="GET /v1/articles/{id}/duplicates",le="+Inf"} 1`,
		"neardup_articles_added_total 2", "neardup_index_articles 1", "# TYPE neardup_index_bytes gauge",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestErrors(t *testing.T) {
	srv := newServer(t, Options{MaxBody: 1 << 10})
	u := srv.URL
	cases := []struct {
		name, method, path, body string
		code                     int
		reason                   string
	}{
		{"malformed json", "POST", "/v1/articles", `{"id": "a", "text": `, 400, "invalid JSON"},
		{"not an object", "POST", "/v1/articles", `"hello"`, 400, "JSON article object"},
		{"bad array", "POST", "/v1/articles", `[{"id": "a"`, 400, "invalid JSON array"},
		{"all rejected", "POST", "/v1/articles", `[{"id": "a"}]`, 400, `missing \"text\"`},
		{"body too large", "POST", "/v1/articles", `{"id": "a", "text": "` + strings.Repeat("x", 2000) + `"}`, 413, "over 1024 bytes"},
		{"unknown id duplicates", "GET", "/v1/articles/nope/duplicates", "", 404, `no article \"nope\"`},
		{"unknown id passages", "GET", "/v1/articles/nope/passages", "", 404, `no article \"nope\"`},
		{"unknown id delete", "DELETE", "/v1/articles/nope", "", 404, `no article \"nope\"`},
		{"bad threshold", "GET", "/v1/articles/a/duplicates?threshold=2", "", 400, "threshold"},
		{"bad top", "GET", "/v1/articles/a/duplicates?top=-1", "", 400, "top"},
		{"query without text", "POST", "/v1/query", `{"id": "x"}`, 400, `missing \"text\"`},
		{"query malformed", "POST", "/v1/query", `{`, 400, "invalid JSON"},
		{"wrong method", "PUT", "/v1/articles", `{}`, 405, "method PUT not allowed on /v1/articles (allowed: POST)"},
		{"wrong method on an id", "POST", "/v1/articles/a", `{}`, 405, "allowed: GET, DELETE"},
		{"unknown path", "GET", "/v2/nothing", "", 404, "no endpoint GET /v2/nothing"},
		{"passages without text", "POST", "/v1/passages", `{}`, 400, `missing \"text\"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := do(t, c.method, u+c.path, c.body)
			if code != c.code || !strings.Contains(body, c.reason) {
				t.Errorf("%s %s: %d %s, want %d with %q", c.method, c.path, code, body, c.code, c.reason)
			}
			// Every error body has {"error": "..."}, without Go package prefixes.
			var e map[string]any
			msg, _ := e["error"].(string)
			if err := json.Unmarshal([]byte(body), &e); err == nil {
				msg, _ = e["error"].(string)
			}
			if msg == "" || strings.Contains(msg, "store:") || strings.Contains(msg, "neardup:") {
				t.Errorf("%s %s: error body %s is not {\"error\": \"...\"}", c.method, c.path, body)
			}
		})
	}
}

// TestPostPassages: the passages of a text not in the index, with word-tight spans.
func TestPostPassages(t *testing.T) {
	srv := newServer(t, Options{})
	para := "The committee will publish its findings next month after hearing evidence from more than forty witnesses."
	code, body := do(t, "POST", srv.URL+"/v1/passages", fmt.Sprintf(`{"id": "t", "text": %q}`, para+"\n\nMeanwhile.\n\n"+para))
	var rep neardup.PassageReport
	if code != 200 || json.Unmarshal([]byte(body), &rep) != nil || rep.ID != "t" || len(rep.Passages) != 2 || rep.Passages[0].Start != 0 {
		t.Fatalf("passages: %d %s", code, body)
	}
}

// TestStatsFollowWrites: /v1/stats answers from the counts kept with every commit, and they agree with a scan of
// the index after adds, replaces and deletes.
func TestStatsFollowWrites(t *testing.T) {
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{Passages: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv := httptest.NewServer(New(ix, Options{}))
	defer srv.Close()
	for i := range 30 {
		do(t, "POST", srv.URL+"/v1/articles", fmt.Sprintf(`{"id": "a%d", "text": %q}`, i%20, fmt.Sprintf("%s Item %d.\n\nAnother paragraph %d of words here and there.", wire, i, i)))
	}
	for i := range 5 {
		do(t, "DELETE", srv.URL+"/v1/articles/a"+fmt.Sprint(i), "")
	}
	_, body := do(t, "GET", srv.URL+"/v1/stats", "")
	var got struct{ Articles, Passages, Postings int }
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want, err := ix.Store().Stats()
	if err != nil {
		t.Fatal(err)
	}
	if got.Articles != 15 || got.Articles != want.Articles || got.Postings != want.Postings || got.Passages != want.Passages {
		t.Errorf("stats %s, a scan says %+v", body, want)
	}
}

// TestDiskFull: a write the disk has no room for is answered 507 and the server goes on answering reads.
func TestDiskFull(t *testing.T) {
	free := int64(1 << 40)
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}, Store: store.Options{FreeSpace: func(string) (int64, error) { return free, nil }}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv := httptest.NewServer(New(ix, Options{}))
	defer srv.Close()
	if code, body := do(t, "POST", srv.URL+"/v1/articles", fmt.Sprintf(`{"id": "a", "text": %q}`, wire)); code != 200 {
		t.Fatalf("post: %d %s", code, body)
	}
	free = 1 << 20
	code, body := do(t, "POST", srv.URL+"/v1/articles", fmt.Sprintf(`{"id": "b", "text": %q}`, wire+" More."))
	if code != 507 || !strings.Contains(body, "disk full") {
		t.Errorf("post on a full disk: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/v1/articles/a/duplicates", ""); code != 200 {
		t.Errorf("read on a full disk: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/v1/articles/b/duplicates", ""); code != 404 {
		t.Errorf("the refused article: %d %s", code, body)
	}
}

func TestAuth(t *testing.T) {
	srv := newServer(t, Options{Token: "s3cret"})
	u := srv.URL
	body := fmt.Sprintf(`{"id": "a", "text": %q}`, wire)
	if code, _ := do(t, "POST", u+"/v1/articles", body); code != 401 {
		t.Errorf("write without token: %d", code)
	}
	if code, _ := do(t, "POST", u+"/v1/articles", body, "Authorization", "Bearer wrong"); code != 401 {
		t.Errorf("write with a wrong token: %d", code)
	}
	if code, _ := do(t, "POST", u+"/v1/articles", body, "Authorization", "Bearer s3cret"); code != 200 {
		t.Errorf("write with the token: %d", code)
	}
	if code, _ := do(t, "DELETE", u+"/v1/articles/a", ""); code != 401 {
		t.Errorf("delete without token: %d", code)
	}
	if code, _ := do(t, "GET", u+"/v1/articles/a/duplicates", ""); code != 200 {
		t.Errorf("reads stay open: %d", code)
	}
	closed := newServer(t, Options{Token: "s3cret", AuthReads: true})
	if code, _ := do(t, "GET", closed.URL+"/v1/stats", ""); code != 401 {
		t.Errorf("read with AuthReads and no token: %d", code)
	}
	if code, _ := do(t, "GET", closed.URL+"/healthz", ""); code != 200 {
		t.Errorf("healthz stays open: %d", code)
	}
	if code, _ := do(t, "GET", closed.URL+"/metrics", ""); code != 401 {
		t.Errorf("metrics with AuthReads and no token: %d", code)
	}
	if code, _ := do(t, "GET", closed.URL+"/metrics", "", "Authorization", "Bearer s3cret"); code != 200 {
		t.Errorf("metrics with the token: %d", code)
	}
}

// TestOverload fills every slot and checks that one more request gets 503 at once.
func TestOverload(t *testing.T) {
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	h := New(ix, Options{MaxInFlight: 2})
	for range 2 {
		h.slots <- struct{}{}
	}
	for _, path := range []string{"/v1/stats", "/metrics"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s overloaded: %d %v", path, rec.Code, rec.Header())
		}
	}
	<-h.slots
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/stats", nil))
	if rec.Code != 200 {
		t.Errorf("after a slot frees: %d", rec.Code)
	}
}

// TestConcurrentReadsAndWrites posts and queries at once (run under -race).
func TestConcurrentReadsAndWrites(t *testing.T) {
	srv := newServer(t, Options{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if w == 0 {
					code, body := do(t, "POST", srv.URL+"/v1/articles", fmt.Sprintf(`{"id": "d%d", "text": %q}`, i, fmt.Sprintf("%s Item %d.", wire, i)))
					if code != 200 {
						t.Errorf("post: %d %s", code, body)
					}
					continue
				}
				code, body := do(t, "POST", srv.URL+"/v1/query", fmt.Sprintf(`{"text": %q}`, wire))
				if code != 200 {
					t.Errorf("query: %d %s", code, body)
				}
			}
		}()
	}
	wg.Wait()
}

// TestClustersPageFollowsWrites: the clusters of /clusters are computed once for paging, and again after a write.
func TestClustersPageFollowsWrites(t *testing.T) {
	srv := newServer(t, Options{})
	u := srv.URL
	do(t, "POST", u+"/v1/articles", fmt.Sprintf(`[{"id": "a", "text": %q}, {"id": "b", "text": %q}]`, wire, wire+" Markets rose."))
	if code, body := do(t, "GET", u+"/clusters?threshold=0.5", ""); code != 200 || !strings.Contains(body, "1 clusters") {
		t.Fatalf("clusters: %d %.300s", code, body)
	}
	do(t, "POST", u+"/v1/articles", fmt.Sprintf(`[{"id": "c", "text": %q}, {"id": "d", "text": %q}]`, "A different story about football on a Saturday afternoon with goals and drama.", "A different story about football on a Saturday afternoon with goals and drama!"))
	if code, body := do(t, "GET", u+"/clusters?threshold=0.5", ""); code != 200 || !strings.Contains(body, "2 clusters") {
		t.Fatalf("clusters after a write: %d %.300s", code, body)
	}
}

// TestContainmentAndWindow: ?containment= and "containment" find a release inside a longer story (exact
// scores, best containment first); ?window= and "window" with "date" keep matches within their news cycle;
// bad values are 400s.
func TestContainmentAndWindow(t *testing.T) {
	srv := newServer(t, Options{})
	u := srv.URL
	release := "Federal prosecutors in Denver charged three men on Thursday with running a scheme that took eleven million dollars from more than two hundred retired investors, promising them returns of twenty percent a year from a fund that never held a single share. Each man faces up to twenty years in prison on each count of wire fraud if convicted."
	own := "Retired teachers filled a community hall in Lakewood on Friday evening to swap stories about the money they say vanished over four years, some learning only this week that the fund they trusted may never have existed. Lawyers for two of the men did not return calls, and a state regulator urged anyone who had invested to come forward, adding that a hotline for victims would open next week across the state."
	docs := fmt.Sprintf(`[{"id": "release", "date": "2024-05-02T15:00:00Z", "text": %q}, {"id": "story", "date": "2024-05-03T09:00:00Z", "text": %q}, {"id": "late", "date": "2024-06-03T09:00:00Z", "text": %q}]`,
		release, own+"\n\n"+release, release+"\n\n"+own+" "+own)
	if code, body := do(t, "POST", u+"/v1/articles", docs); code != 200 || !strings.Contains(body, `"added":3`) {
		t.Fatalf("post: %d %s", code, body)
	}
	var qr neardup.QueryResult
	code, body := do(t, "GET", u+"/v1/articles/release/duplicates?containment=0.9", "")
	if code != 200 || json.Unmarshal([]byte(body), &qr) != nil || len(qr.Matches) != 2 || qr.Matches[0].Containment != 1 || qr.Matches[0].Jaccard >= 0.5 {
		t.Fatalf("containment: %d %s", code, body)
	}
	if code, body := do(t, "GET", u+"/v1/articles/release/duplicates", ""); code != 200 || !strings.Contains(body, `"matches":[]`) {
		t.Errorf("a Jaccard query found the containers: %d %s", code, body)
	}
	if code, body := do(t, "GET", u+"/v1/articles/release/duplicates?containment=0.9&window=36h", ""); code != 200 || !strings.Contains(body, `"id":"story"`) || strings.Contains(body, `"late"`) {
		t.Errorf("window: %d %s", code, body)
	}
	code, body = do(t, "POST", u+"/v1/query", fmt.Sprintf(`{"text": %q, "containment": 0.9, "window": "2d", "date": "2024-06-02T00:00:00Z"}`, release))
	if code != 200 || !strings.Contains(body, `"id":"late","jaccard":`) || strings.Contains(body, `"story"`) {
		t.Errorf("query with containment and window: %d %s", code, body)
	}
	for _, c := range []struct{ method, path, body, want string }{
		{"GET", "/v1/articles/release/duplicates?containment=2", "", "containment must be a number in (0, 1]"},
		{"GET", "/v1/articles/release/duplicates?containment=0.8&threshold=0.9", "", "containment and threshold ask different questions"},
		{"GET", "/v1/articles/release/duplicates?window=soon", "", `window: \"soon\" is not a duration`},
		{"POST", "/v1/query", `{"text": "x", "date": "yesterday"}`, `date \"yesterday\" is not a date`},
	} {
		code, body := do(t, c.method, u+c.path, c.body)
		if code != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s %s %s: %d %s, want 400 with %q", c.method, c.path, c.body, code, body, c.want)
		}
	}
}

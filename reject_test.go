package neardup_test

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
)

// TestAddRejectsOneArticle: every per-article refusal is one rejection matching ErrRejected, the other articles
// are indexed, and the call succeeds.
func TestAddRejectsOneArticle(t *testing.T) {
	ix := buildIndex(t, nil, nil)
	text := "The central bank left interest rates unchanged on Thursday, citing slowing inflation and a weaker labour market."
	docs := []*neardup.Doc{
		{ID: "", Text: text},
		{ID: strings.Repeat("x", neardup.MaxIDBytes+1), Text: text},
		{ID: "bad\xffid", Text: text},
		{ID: "huge", Text: strings.Repeat("a ", neardup.MaxArticleBytes/2+1)},
		{ID: "good", Text: text},
	}
	var got []neardup.Rejection
	st, err := ix.AddDocs(context.Background(), docs, &neardup.AddOptions{Reject: func(r neardup.Rejection) { got = append(got, r) }})
	if err != nil {
		t.Fatalf("AddDocs failed the batch: %v", err)
	}
	if st.Added != 1 || st.Rejected != 4 || len(got) != 4 {
		t.Fatalf("added %d, rejected %d (%d reported), want 1 and 4", st.Added, st.Rejected, len(got))
	}
	for _, r := range got {
		var re *neardup.RejectError
		if !errors.Is(r.Err, neardup.ErrRejected) || !errors.As(r.Err, &re) || strings.Contains(r.Err.Error(), "neardup:") {
			t.Errorf("rejection of %.20q: %v (want a RejectError with a plain reason)", r.ID, r.Err)
		}
	}
	if ms, err := ix.QueryID(context.Background(), "good", 0.9, 1); err != nil || ms == nil && err != nil {
		t.Errorf("the good article: %v", err)
	}
}

// TestAddDocsDoesNotLeak: when Add fails (here on a closed index), the AddDocs feeder stops instead of blocking
// forever on its channel.
func TestAddDocsDoesNotLeak(t *testing.T) {
	ix := buildIndex(t, nil, nil)
	ix.Close()
	before := runtime.NumGoroutine()
	docs := make([]*neardup.Doc, 100)
	for i := range docs {
		docs[i] = &neardup.Doc{ID: strings.Repeat("i", i+1), Text: "some words of text here"}
	}
	if _, err := ix.AddDocs(context.Background(), docs, nil); err == nil {
		t.Fatal("AddDocs on a closed index succeeded")
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines left behind", n-before)
	}
}

// repeatReader yields n bytes of b.
type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = r.b
	}
	r.n -= k
	return k, nil
}

// TestReadJSONLEdges: a byte order mark is skipped; a bad id, an overlong id, plain text and an overlong line
// are each one FILE:LINE rejection, and reading goes on.
func TestReadJSONLEdges(t *testing.T) {
	long := strings.Repeat("y", neardup.MaxIDBytes+1)
	in := io.MultiReader(
		strings.NewReader("\xEF\xBB\xBF{\"id\": \"a\", \"text\": \"first\"}\n"),
		strings.NewReader("{\"id\": \"b\xff\", \"text\": \"bad id\"}\n"),
		strings.NewReader(`{"id": "`+long+`", "text": "long id"}`+"\n"),
		strings.NewReader("Just some plain text.\n"),
		strings.NewReader(`{"id": "huge", "text": "`),
		&repeatReader{'a', neardup.MaxLineBytes},
		strings.NewReader("\"}\n{\"id\": \"z\", \"text\": \"last\"}\n"),
	)
	var ids []string
	var bad []string
	err := input.ReadJSONL(in, "in.jsonl", func(d *neardup.Doc) error { ids = append(ids, d.ID); return nil },
		func(e *input.InputError) { bad = append(bad, e.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "a,z" {
		t.Errorf("read ids %q, want a and z", ids)
	}
	want := []string{"in.jsonl:2: \"id\" is not valid UTF-8", "in.jsonl:3: \"id\" of 1025 bytes", "in.jsonl:4: not JSON (plain text? use --format text)", "in.jsonl:5: line of "}
	if len(bad) != len(want) {
		t.Fatalf("rejections %q, want %d", bad, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(bad[i], w) || len(bad[i]) > 200 {
			t.Errorf("rejection %d: %q, want it to start %q (and be short)", i, bad[i], w)
		}
	}
}

package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/neardup/neardup/internal/corpus"
)

// TestJSONStringMatchesStdlib checks the fast string decoder against encoding/json on tricky escapes.
func TestJSONStringMatchesStdlib(t *testing.T) {
	for _, raw := range []string{
		`"plain"`, `""`, `"a\nb\tc\"d\\e\/f\b\f\r"`, `"caf\u00e9 \u2019 \ud83d\ude00 end"`, `"lone \ud800 surrogate"`,
		`"low \udc00 first"`, `"\u0000x"`, `"multi\n\nparagraph"`, `"emoji 😀 raw"`, `"trail\ud83d"`,
	} {
		var want string
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		got, ok := jsonString(json.RawMessage(raw))
		if !ok || got != want {
			t.Errorf("jsonString(%s) = %q, %v; encoding/json says %q", raw, got, ok, want)
		}
	}
	for _, raw := range []string{`17`, `null`, `"x`, `["a"]`} {
		if _, ok := jsonString(json.RawMessage(raw)); ok {
			t.Errorf("jsonString(%s) accepted", raw)
		}
	}
}

func TestParseDocExtraAndID(t *testing.T) {
	d, err := ParseDoc([]byte(`{"id": 42, "text": "t", "title": "T", "topics": ["a", "b"], "lang": "en", "date": 5}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "42" || d.Title != "T" || d.Date != "" {
		t.Errorf("%+v", d)
	}
	if string(d.Extra) != `{"date":5,"lang":"en","topics":["a", "b"]}` {
		t.Errorf("extra %s", d.Extra)
	}
	if !json.Valid(d.Extra) {
		t.Error("extra is not valid JSON")
	}
	for _, bad := range []string{`{"id": "x"}`, `{"text": "y"}`, `{"id": true, "text": "y"}`, `[1]`, `{"id": "x", "text": ["y"]}`, `{`} {
		if _, err := ParseDoc([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := ParseDoc([]byte(`{"id": " ", "text": "y"}`)); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("blank id: %v", err)
	}
}

// fastTaken are lines the fast path of ParseDoc takes; fastDeclined are lines it must leave to the general path
// (which accepts some and rejects the others).
var fastTaken = []string{
	`{"id":"a1","text":"plain text"}`,
	`{"id": "a1", "title": "T", "url": "https://x.test/a?b=1&c=2", "date": "2026-01-01", "source": "wire", "text": "one\n\ntwo \"q\" \\ \/ \u00e9\ud83d\ude00"}` + "\n",
	"\t{ \"text\" : \"t\" ,\r\n \"id\" : \"x\" }  ",
	`{"id":"x","text":"t","zeta":"z","alpha":"a<b>&","mid":"m\u0041"}`,
	`{"id":"x","text":"t","ke<y>":"v"}`,
	`{"id":"x","text":"t","":"empty key"}`,
	`{"id":"x","text":""}`,
	`{"id":"x","text":"a\"b\\\"c\\\\"}`,
	`{"id":"x" , "text":"t" }`,
	`{"id":"x","text":"lone \ud800 surrogate"}`,
	`{"id":"x","text":"t","lang":"en","topics":["a","b"]}`,
	`{"id":"x","text":"t","title":5}`,
	`{"id": "r-1", "text": "t", "newid": 1, "oldid": -5544.5e+3, "topics": ["cocoa", "a\"]b"], "places": [], "f": {"a": [1, {"b": null}], "c": "}"}, "t": true, "u": false, "n": null, "date": null}`,
}

var fastDeclined = []string{
	`{"id":42,"text":"t"}`,
	`{"id":"x","text":"t","id":"y"}`,
	`{"id":"x","text":"t","k":"1","k":"2"}`,
	`{"i\u0064":"x","text":"t"}`,
	`{"id":"x","text":"t"} trailing`,
	`{"id":"x","text":"t",}`,
	`{"id":"x","text":"t"`,
	`{"id":"x","text":"line` + "\n" + `break"}`,
	`{"id":"x","text":"bad \x escape"}`,
	`{"id":"x","text":"bad \u12 escape"}`,
	`{"id":"x","text":"ends in backslash\"}`,
	`{"id":" ","text":"t"}`,
	`{"id":"x"}`,
	`{"text":"t"}`,
	`{}`,
	`{"id":"x","text":"t"}{"id":"y","text":"u"}`,
	`[{"id":"x","text":"t"}]`,
	`{"id":"x","text":"caf` + "\xe9" + `"}`,
	`{"id":"x","text":null}`,
	`{"id":"x","text":"t","a":[1,,2]}`,
	`{"id":"x","text":"t","a":[1,2}`,
	`{"id":"x","text":"t","a":{"b":1]}`,
	`{"id":"x","text":"t","a":tru}`,
	`{"id":"x","text":"t","a":nulls}`,
	`{"id":"x","text":"t","a":01}`,
	`{"id":"x","text":"t","a":1.}`,
	`{"id":"x","text":"t","a":-}`,
	`{"id":"x","text":"t","a":NaN}`,
	`{"id":"x","text":"t","a":["x` + "\n" + `"]}`,
	`{"id":"x","text":"t","a":["bad \q"]}`,
	`{"id":"x","text":"t","a":[[[[`,
	`{"id":"x","text":"t","date":5,"date":"d"}`,
	`{"id":"x","text":"t","a":}`,
	` `,
	``,
}

// FuzzParseDocFast: whatever the fast path accepts, the general path parses to the same article.
func FuzzParseDocFast(f *testing.F) {
	for _, c := range append(fastTaken, fastDeclined...) {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		fast, ok := parseDocFast(line)
		if !ok {
			return
		}
		want, err := parseDoc(line)
		if err != nil {
			t.Fatalf("%q: fast path accepted, general path says %v", line, err)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Fatalf("%q:\nfast    %+v\ngeneral %+v", line, fast, want)
		}
	})
}

// TestParseDocFastTaken: the fast path takes the usual lines (every line of the sample corpus, and the
// generated ones), so that ParseDoc is not the general path with an extra scan in front.
func TestParseDocFastTaken(t *testing.T) {
	data, err := os.ReadFile(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	for _, c := range fastTaken {
		lines = append(lines, []byte(c))
	}
	for i, line := range lines {
		d, ok := parseDocFast(line)
		if !ok {
			t.Fatalf("line %d: fast path declined %.80q", i+1, line)
		}
		want, err := parseDoc(line)
		if err != nil || !reflect.DeepEqual(d, want) {
			t.Fatalf("line %d: fast %+v, general %+v, %v", i+1, d, want, err)
		}
	}
	// Many other fields: the general path, whose map finds repeated keys in linear time.
	many := []byte(`{"id":"x","text":"t"`)
	for i := range maxFastExtra + 1 {
		many = fmt.Appendf(many, `,"k%d":%d`, i, i)
	}
	many = append(many, '}')
	if _, ok := parseDocFast(many); ok {
		t.Errorf("fast path took %d other fields", maxFastExtra+1)
	}
	if d, err := ParseDoc(many); err != nil || len(d.Extra) == 0 {
		t.Errorf("%d other fields: %v", maxFastExtra+1, err)
	}
	for _, c := range fastDeclined {
		if _, ok := parseDocFast([]byte(c)); ok {
			t.Errorf("fast path took %q, which is for the general path", c)
		}
	}
}

// TestParseDocFastOnCorpora: every line of the shared news corpora (ids and texts as strings, other fields
// numbers, arrays and strings) takes the fast path and parses as the general path parses it.
func TestParseDocFastOnCorpora(t *testing.T) {
	for _, name := range []string{"reuters21578.jsonl", "bbc_news.jsonl", "20news_bydate_test.jsonl"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(corpus.Shared(t, name))
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
				d, ok := parseDocFast(line)
				if !ok {
					t.Fatalf("line %d: fast path declined %.120q", i+1, line)
				}
				if want, err := parseDoc(line); err != nil || !reflect.DeepEqual(d, want) {
					t.Fatalf("line %d: fast %+v, general %+v, %v", i+1, d, want, err)
				}
			}
		})
	}
}

// BenchmarkParseDoc parses the sample corpus's lines with ParseDoc and with its general path alone.
func BenchmarkParseDoc(b *testing.B) {
	data, err := os.ReadFile(corpus.Sample())
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	for _, p := range []struct {
		name  string
		parse func([]byte) (*Doc, error)
	}{{"ParseDoc", ParseDoc}, {"general", parseDoc}} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				for _, l := range lines {
					if _, err := p.parse(l); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// cutReader gives its bytes, then fails as a gzip stream cut short does.
type cutReader struct{ b []byte }

func (c *cutReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, c.b)
	c.b = c.b[n:]
	return n, nil
}

// TestReadJSONLCutShort: a stream that fails part way through a line is one error naming that line; the lines
// before it are read, and the cut line is not rejected apart (it is the same fault).
func TestReadJSONLCutShort(t *testing.T) {
	in := `{"id":"a","text":"first"}` + "\n" + `{"id":"b","text":"sec`
	var ids []string
	bad := 0
	err := ReadJSONL(&cutReader{[]byte(in)}, "f.jsonl.gz", func(d *Doc) error {
		ids = append(ids, d.ID)
		return nil
	}, func(*InputError) { bad++ })
	if err == nil || !strings.Contains(err.Error(), "f.jsonl.gz:2: unexpected EOF") || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("error %v, want one naming line 2", err)
	}
	if len(ids) != 1 || ids[0] != "a" || bad != 0 {
		t.Fatalf("read %v with %d bad lines, want [a] and none", ids, bad)
	}
}

// TestOpenInputZstd: a zstd-compressed JSON Lines file reads as the plain one does.
func TestOpenInputZstd(t *testing.T) {
	plain := `{"id":"a","text":"one"}` + "\n" + `{"id":"b","text":"two"}` + "\n"
	var b bytes.Buffer
	zw, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write([]byte(plain))
	zw.Close()
	name := filepath.Join(t.TempDir(), "a.jsonl.zst")
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, _, err := OpenInput(name, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var ids []string
	if err := ReadJSONL(rc, name, func(d *Doc) error { ids = append(ids, d.ID); return nil }, func(e *InputError) { t.Error(e) }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "a,b" {
		t.Fatalf("read %v", ids)
	}
}

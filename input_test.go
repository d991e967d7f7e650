package neardup

import (
	"encoding/json"
	"strings"
	"testing"
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

package eval

import (
	"path/filepath"
	"testing"

	"github.com/neardup/neardup"

	"github.com/neardup/neardup/internal/corpus"
)

// TestShortAnswers: on the human-written reuse corpus, the default threshold flags most cut and light answers
// and no answer written without the source, on the held-out writers (bench/README.md, "Reuse", gives the
// figures; this keeps them from falling).
func TestShortAnswers(t *testing.T) {
	dir := filepath.Dir(corpus.Shared(t, "reuse-short-answers/all-plagiarised-files.txt"))
	for _, w := range []int{40, 8} {
		answers, err := ShortAnswers(dir, t.TempDir(), neardup.Config{AnchorWindow: w})
		if err != nil {
			t.Fatal(err)
		}
		for _, held := range []bool{false, true} {
			r := ReuseAt(answers, held, neardup.DefaultReuse)
			t.Logf("window %d: %+v", w, r)
			if r.CutLight < 0.75 || r.Non > 0.05 {
				t.Errorf("window %d, %s: cut and light flagged %.3f (want >= 0.75), non %.3f (want <= 0.05)", w, r.Half, r.CutLight, r.Non)
			}
		}
	}
}

package neardup_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestForbiddenImports keeps the walls between the floors (pebble's TestForbiddenImports): the commands and the
// HTTP server reach the index through package neardup only (they import no store, directly), and the ground
// floor's packages (shingle, minhash, store) reach none of each other or of the floors above, at any depth, nor
// does the WARC reader and page extractor (internal/warc) reach the library.
func TestForbiddenImports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list: not in -short")
	}
	const mod = "github.com/neardup/neardup"
	forbidden := []struct {
		pkg  string
		deep bool // the package's whole closure, not only its own imports
		bad  []string
	}{
		{"./cmd/neardup", false, []string{mod + "/store"}},
		{"./internal/server", false, []string{mod + "/store"}},
		{"./shingle", true, []string{mod, mod + "/minhash", mod + "/store"}},
		{"./minhash", true, []string{mod, mod + "/shingle", mod + "/store"}},
		{"./store", true, []string{mod, mod + "/shingle", mod + "/minhash"}},
		// The WARC reader and extractor reads records and pages (tokenising text for furniture keys), and knows
		// nothing of documents or the index.
		{"./internal/warc", true, []string{mod, mod + "/store", mod + "/minhash", mod + "/align"}},
		{"./internal/dates", true, []string{mod, mod + "/store", mod + "/shingle", mod + "/minhash"}},
		// The library and the commands never link the testing package.
		{".", true, []string{"testing"}},
		{"./cmd/neardup", true, []string{"testing"}},
	}
	for _, f := range forbidden {
		pkg, bad := f.pkg, f.bad
		args := []string{"list", "-f", `{{join .Imports " "}} {{.ImportPath}}`, pkg}
		if f.deep {
			args = []string{"list", "-deps", "-f", "{{.ImportPath}}", pkg}
		}
		out, err := exec.Command("go", args...).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 2 {
			t.Fatalf("go list %s listed %d packages", pkg, len(deps))
		}
		for _, b := range bad {
			if slices.Contains(deps, b) {
				t.Errorf("%s imports %s (directly or through another package)", pkg, b)
			}
		}
	}
}

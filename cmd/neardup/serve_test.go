package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildBinary builds the neardup binary once for the tests that run it as a separate process.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "neardup-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "neardup")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// startServer starts the real binary's serve on a free loopback port and returns its base URL.
func startServer(t *testing.T, bin, db string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	re := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
	deadline := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stderr)
			return cmd, m[1]
		}
	}
	t.Fatal("server did not start")
	return nil, ""
}

// TestServeEndToEnd starts the real binary on a loopback port, posts the sample corpus, queries it, stops the
// server with SIGTERM, restarts it and finds every acknowledged article.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	bin := buildBinary(t)
	db := filepath.Join(dir, "db")
	cmd, url := startServer(t, bin, db)
	sample, err := os.ReadFile(filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(sample)), "\n")
	for i := 0; i < len(lines); i += 100 {
		body := "[" + strings.Join(lines[i:min(i+100, len(lines))], ",") + "]"
		resp, err := http.Post(url+"/v1/articles", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"rejected":[]`)) {
			t.Fatalf("post: %d %s", resp.StatusCode, b)
		}
	}
	check := func() {
		resp, err := http.Get(url + "/v1/articles/doj-opa-00460/duplicates")
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			ID      string `json:"id"`
			Matches []struct {
				ID string `json:"id"`
			} `json:"matches"`
		}
		json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if len(r.Matches) == 0 || r.Matches[0].ID != "doj-opa-00459" {
			t.Errorf("duplicates of doj-opa-00460: %+v", r)
		}
		resp, err = http.Get(url + "/v1/stats")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(b, []byte(`"articles":553`)) {
			t.Errorf("stats: %s", b)
		}
	}
	check()
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("server exited with %v after SIGTERM", err)
	}
	cmd, url = startServer(t, bin, db)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	check()
}

// TestReadAfterKill: after an index run is killed with SIGKILL, read commands still open the index (its log is
// replayed once) and see every committed article.
func TestReadAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	bin := buildBinary(t)
	sample, err := os.ReadFile(filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var big bytes.Buffer
	for r := range 30 {
		big.Write(bytes.ReplaceAll(sample, []byte(`{"id": "doj-`), []byte(`{"id": "r`+string(rune('a'+r))+`-doj-`)))
	}
	db := filepath.Join(dir, "db")
	// The writer reads from a pipe that gets the first half of the input and then stays open: at the kill it is
	// alive, holding the index with commits in its log, whatever the machine's speed.
	cmd := exec.Command(bin, "index", "--db", db, "-")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	data := big.Bytes()
	half := bytes.IndexByte(data[len(data)/2:], '\n') + len(data)/2 + 1
	stdin.Write(data[:half])
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	stdin.Close()
	out, err := exec.Command(bin, "stats", "--db", db).Output()
	if err != nil {
		t.Fatalf("stats after kill: %v", err)
	}
	var st struct{ Articles int }
	if json.Unmarshal(out, &st) != nil || st.Articles == 0 {
		t.Fatalf("stats after kill: %s", out)
	}
	t.Logf("%d articles committed before the kill", st.Articles)
	if out, err := exec.Command(bin, "query", "--db", db, "ra-doj-opa-12685").CombinedOutput(); err != nil {
		t.Fatalf("query after kill: %v %s", err, out)
	}
}

// TestServeKilledUnderLoad: writers post articles while the server is killed with SIGKILL, three times; after
// each restart every article whose POST was answered 200 is there (an acknowledged write is committed).
func TestServeKilledUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "db")
	var mu sync.Mutex
	var acked []string
	next := 0
	for round := range 3 {
		cmd, url := startServer(t, bin, db)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					mu.Lock()
					id := fmt.Sprintf("k%d-%d-%d", round, w, next)
					next++
					mu.Unlock()
					body := fmt.Sprintf(`{"id": %q, "text": "Article %s about the markets, the weather and a football match on a Saturday afternoon."}`, id, id)
					resp, err := http.Post(url+"/v1/articles", "application/json", strings.NewReader(body))
					if err != nil {
						return // the server is gone
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == 200 {
						mu.Lock()
						acked = append(acked, id)
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		close(stop)
		wg.Wait()
	}
	if len(acked) < 30 {
		t.Fatalf("only %d writes acknowledged: the load did not run", len(acked))
	}
	cmd, url := startServer(t, bin, db)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	for _, id := range acked {
		resp, err := http.Get(url + "/v1/articles/" + id + "/duplicates")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s was acknowledged before a SIGKILL and is gone (%d)", id, resp.StatusCode)
		}
	}
	t.Logf("%d acknowledged writes over 3 kills, all present", len(acked))
}

// TestPermissionDenied: an index folder the user cannot read is "permission denied", not "no index". As root
// (CI), the binary runs as the unprivileged user 65534 through setpriv.
func TestPermissionDenied(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if out, err := exec.Command(bin, "index", "--db", db, filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl")).CombinedOutput(); err != nil {
		t.Fatalf("index: %v %s", err, out)
	}
	os.Chmod(dir, 0o755)
	os.Chmod(db, 0o700)
	var cmd *exec.Cmd
	switch {
	case os.Geteuid() != 0:
		os.Chmod(db, 0)
		defer os.Chmod(db, 0o700)
		cmd = exec.Command(bin, "stats", "--db", db)
	default:
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("root without setpriv: cannot run as another user")
		}
		// The binary must be reachable by that user.
		os.Chmod(filepath.Dir(bin), 0o755)
		cmd = exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "stats", "--db", db)
	}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "permission denied") || strings.Contains(string(out), "no index") {
		t.Fatalf("stats of an unreadable index: %v\n%s", err, out)
	}
}

// TestReadsThroughServer: the read commands with --server ask a live serve, which holds the index (a write lock
// no second process may take): dedupe prints what dedupe printed on the index before, byte for byte, with its
// drop list; query, show and stats answer as the API does.
func TestReadsThroughServer(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	bin := buildBinary(t)
	db := filepath.Join(dir, "db")
	sample := filepath.Join("..", "..", "testdata", "doj-press-releases.jsonl")
	runBin := func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	want, _, err := runBin("dedupe", "--db", db, "--drop-list", filepath.Join(dir, "drop-local.txt"), sample)
	if err != nil || want == "" {
		t.Fatalf("dedupe: %v", err)
	}
	cmd, url := startServer(t, bin, db)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	if _, stderr, err := runBin("dedupe", "--db", db); err == nil || !strings.Contains(stderr, "in use") {
		t.Fatalf("dedupe beside serve: %v %s", err, stderr)
	}
	got, stderr, err := runBin("dedupe", "--server", url, "--drop-list", filepath.Join(dir, "drop.txt"))
	if err != nil || got != want || !strings.Contains(stderr, "23 clusters, 23 duplicates to drop") {
		t.Fatalf("dedupe --server: %v %s\n%.300s", err, stderr, got)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "drop-local.txt"))
	b, _ := os.ReadFile(filepath.Join(dir, "drop.txt"))
	if string(a) != string(b) || len(a) == 0 {
		t.Fatalf("drop lists differ:\n%s\n%s", a, b)
	}
	if out, _, err := runBin("query", "--server", url, "doj-opa-00460"); err != nil || !strings.Contains(out, `"id":"doj-opa-00459"`) {
		t.Fatalf("query --server: %v %s", err, out)
	}
	if out, _, err := runBin("query", "--server", url, "--reuse", "--text", "The defendant pleaded guilty to wire fraud."); err != nil || !strings.HasPrefix(out, `{"id":"text","matches":`) {
		t.Fatalf("query --server --text: %v %s", err, out)
	}
	if out, _, err := runBin("show", "--server", url, "doj-opa-00460"); err != nil || !strings.Contains(out, `"id":"doj-opa-00460"`) || !strings.Contains(out, `"text":`) {
		t.Fatalf("show --server: %v %.200s", err, out)
	}
	if out, _, err := runBin("stats", "--server", url); err != nil || !strings.Contains(out, `"articles":553`) {
		t.Fatalf("stats --server: %v %s", err, out)
	}
	if _, stderr, err := runBin("show", "--server", url, "nope"); err == nil || !strings.Contains(stderr, `answered 404: no article "nope"`) {
		t.Fatalf("show --server of an unknown id: %v %s", err, stderr)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// remote is a live neardup serve that a read command asks instead of opening the index (--server), so that a
// nightly job never stops the crawler's feed.
type remote struct {
	url, tokenFile string
}

func (r *remote) register(fs *pflag.FlagSet) {
	fs.StringVar(&r.url, "server", "", "ask a running neardup serve at this URL (http://host:port) instead of opening --db: a read beside a live index")
	fs.StringVar(&r.tokenFile, "token-file", "", "with --server: the bearer token for a server run with --auth-reads")
}

func (r *remote) on() bool { return r.url != "" }

// get asks the server for path with the query q and copies a 200 answer's body to w. Any other answer is an
// error with the server's own message.
func (r *remote) get(ctx context.Context, path string, q url.Values, w io.Writer) error {
	return r.do(ctx, http.MethodGet, path, q, nil, w)
}

func (r *remote) do(ctx context.Context, method, path string, q url.Values, body io.Reader, w io.Writer) error {
	u := strings.TrimRight(r.url, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("--server %s: %v", r.url, err)
	}
	if r.tokenFile != "" {
		tok, err := os.ReadFile(r.tokenFile)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{Timeout: 30 * time.Minute} // a whole-index dedupe streams for minutes
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the server at %s: %v", r.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		return fmt.Errorf("the server at %s answered %d: %s", r.url, resp.StatusCode, e.Error)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("reading the server's answer: %v", err)
	}
	return nil
}

// writerFunc is a function as an io.Writer.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// lineSplitter hands w one whole line (with its newline) at a time, whatever the writes it is given.
type lineSplitter struct {
	w   io.Writer
	buf []byte
}

func (l *lineSplitter) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if _, err := l.w.Write(l.buf[:i+1]); err != nil {
			return 0, err
		}
		l.buf = l.buf[i+1:]
	}
}

package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/internal/server"
)

type serveOpts struct {
	db          string
	addr        string
	tokenFile   string
	authReads   bool
	maxBody     int64
	maxInFlight int
	build       buildFlags
}

func init() {
	commands = append(commands, &command{
		name:  "serve",
		usage: "[--db DIR] [--addr HOST:PORT] [--token-file FILE]",
		short: "serve the index over HTTP: the JSON API and review pages for a browser",
		long: `Serves the index over HTTP, JSON in and out (the README has curl examples):

  POST   /v1/articles                  add or replace articles: one object, an array of them, or
                                       JSON Lines (one a line, as neardup index reads them)
  GET    /v1/articles/{id}             the article, as neardup show prints it (404 if unknown)
  DELETE /v1/articles/{id}             delete an article (204, or 404)
  GET    /v1/articles/{id}/duplicates  ?threshold=0.8&top=20 (or ?containment=0.8), &window=36h,
                                       &min_shingles=5: the neardup query object
  POST   /v1/query                     {"id"?, "text": ..., "date"?, "containment"?, "window"?} not in
                                       the index, the neardup query object (id "text" when none)
  GET    /v1/articles/{id}/passages    the neardup passages object
  POST   /v1/passages                  {"text": ...} the neardup passages object, word-tight spans
  GET    /v1/clusters                  ?threshold=0.8&window=36h&ignore_boilerplate=true&min_shingles=5:
                                       the clusters as neardup dedupe prints them (JSON Lines)
  GET    /v1/stats, /healthz, /metrics (Prometheus text format)

and review pages for a browser (read-only, the same token rules as the reads; no JavaScript):

  /                  search by id or URL, or paste a text: matches with Jaccard and containment
  /articles/{id}     the article, its near-duplicates, its repeated passages marked
  /compare?a=&b=     two articles side by side, the shared text marked in both
  /clusters          the clusters at ?threshold= (default the index's), largest first, 50 a page

Reads run concurrently with writes; writes run one at a time. Bodies over --max-body get 413,
malformed JSON 400 with a reason, unknown ids 404, and requests beyond --max-inflight 503 at once
rather than a queue. A query below the index's threshold is answered with "warning", as the CLI
warns. With --token-file, writes need "Authorization: Bearer TOKEN" (the scheme in any case; reads too
with --auth-reads). A browser cannot send that header, so with --auth-reads the review pages are for
API clients only: to review in a browser, serve a second, read-only neardup serve without
--auth-reads on an address only reviewers reach. SIGTERM or Ctrl-C drains in-flight requests and closes the index: every acknowledged
article is there at the next start. The address is loopback unless told otherwise.`,
		flags: func(fs *pflag.FlagSet, e *env) any {
			o := &serveOpts{}
			dbFlag(fs, e, &o.db)
			fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
			fs.StringVar(&o.tokenFile, "token-file", "", "file holding the bearer token required for writes")
			fs.BoolVar(&o.authReads, "auth-reads", false, "require the token for reads too")
			fs.Int64Var(&o.maxBody, "max-body", 16<<20, "largest request body in bytes")
			fs.IntVar(&o.maxInFlight, "max-inflight", 64, "requests handled at once; more get 503")
			o.build.registerIndex(fs)
			return o
		},
		exits: readExits,
		run:   runServe,
	})
}

func runServe(ctx context.Context, e *env, opts any, args []string) int {
	o := opts.(*serveOpts)
	if len(args) > 0 {
		return usageError(e, "serve", "unexpected arguments %q", args)
	}
	var token string
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			e.errorf("%v", err)
			return exitError
		}
		if token = strings.TrimSpace(string(b)); token == "" {
			e.errorf("%s holds no token", o.tokenFile)
			return exitError
		}
	} else if o.authReads {
		return usageError(e, "serve", "--auth-reads needs --token-file")
	}
	ix, code := openForWrite(e, o.db, &o.build, false)
	if code != exitOK {
		return code
	}
	defer ix.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		e.errorf("%s", trimPrefixes(err.Error()))
		return exitError
	}
	srv := &http.Server{
		Handler:           server.New(ix, server.Options{MaxBody: o.maxBody, MaxInFlight: o.maxInFlight, Token: token, AuthReads: o.authReads}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	e.errorf("serving %s on http://%s", o.db, ln.Addr())
	if token == "" {
		e.errorf("warning: no --token-file: anyone who can reach %s can add and delete articles", ln.Addr())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		e.errorf("%v", err)
		return exitError
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		e.errorf("shutdown: %v", err)
	}
	if err := ix.Close(); err != nil {
		e.errorf("close: %v", err)
		return exitError
	}
	e.errorf("stopped; index closed")
	return exitOK
}

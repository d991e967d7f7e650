// Command neardup finds near-duplicate news articles: it indexes a crawl as it arrives, answers what an article
// is a copy of, and clusters an index in a nightly dedupe job. Run "neardup help" for the subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// NEARDUP_CPUPROFILE and NEARDUP_MEMPROFILE name files for pprof profiles of one run (see bench/README.md).
	if p := os.Getenv("NEARDUP_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			pprof.StartCPUProfile(f)
		}
	}
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	pprof.StopCPUProfile()
	if p := os.Getenv("NEARDUP_MEMPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	stop()
	os.Exit(code)
}

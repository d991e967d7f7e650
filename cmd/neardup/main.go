// Command neardup finds near-duplicate news articles: it indexes a crawl as it arrives, answers what an article
// is a copy of, and clusters an index in a nightly dedupe job. Run "neardup help" for the subcommands.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	// Badger's own log lines (a checksum mismatch, say) come before the one line neardup writes about the same
	// problem, which names the index and says what to do; they are shown only with NEARDUP_LOG=warn (or debug).
	level := slog.LevelError + 4
	switch os.Getenv("NEARDUP_LOG") {
	case "warn":
		level = slog.LevelWarn
	case "debug":
		level = slog.LevelDebug
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
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

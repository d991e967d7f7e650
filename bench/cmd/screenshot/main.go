// Command screenshot renders the review page /compare on two DOJ sample articles in headless Chromium and
// writes it as a PNG, the picture in the README: go run ./bench/cmd/screenshot -out docs/compare.png
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/internal/server"
)

func main() {
	out := flag.String("out", "docs/compare.png", "the PNG to write")
	a := flag.String("a", "doj-opa-01033", "the first article")
	b := flag.String("b", "doj-opa-01009", "the second article")
	flag.Parse()
	if err := run(*out, *a, *b); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(2)
	}
}

func run(out, a, b string) error {
	dir, err := os.MkdirTemp("", "neardup-screenshot")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		return err
	}
	defer ix.Close()
	f, err := os.Open(corpus.Sample())
	if err != nil {
		return err
	}
	var docs []*neardup.Doc
	err = input.ReadJSONL(f, "sample", func(d *neardup.Doc) error { docs = append(docs, d); return nil }, func(*input.InputError) {})
	f.Close()
	if err != nil {
		return err
	}
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		return err
	}
	srv := httptest.NewServer(server.New(ix, server.Options{}))
	defer srv.Close()
	path, err := exec.LookPath("chromium")
	if err != nil {
		return fmt.Errorf("no chromium (apt-get install -y chromium): %w", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(dir+"/chrome"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(1200, 800)); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/compare?a="+a+"&b="+b)); err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG (below, JPEG)
	if err != nil {
		return err
	}
	return os.WriteFile(out, png, 0o644)
}

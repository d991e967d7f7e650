// Command load measures `neardup serve` under load on loopback: it builds an index of generated articles, serves
// it with the same handler as the CLI on 127.0.0.1, and runs concurrent duplicate lookups for a fixed duration
// (bounded by a request count too) while one writer keeps posting new articles.
//
//	go run ./bench/cmd/load -n 100000 -clients 8 -duration 20s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/gen"
	"github.com/neardup/neardup/internal/corpus"
	"github.com/neardup/neardup/internal/server"
)

func main() {
	n := flag.Int("n", 100000, "articles in the index before the load starts")
	clients := flag.Int("clients", 8, "concurrent lookup clients")
	duration := flag.Duration("duration", 20*time.Second, "how long the load runs")
	maxRequests := flag.Int("max-requests", 2000000, "stop after this many lookups in all")
	writeBatch := flag.Int("write-batch", 20, "articles per POST of the concurrent writer (0: no writer)")
	writeRate := flag.Int("write-rate", 200, "articles per second the writer adds (0: as fast as it can)")
	flag.Parse()
	if err := run(*n, *clients, *duration, *maxRequests, *writeBatch, *writeRate); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
}

func run(n, clients int, duration time.Duration, maxRequests, writeBatch, writeRate int) error {
	docs, err := corpus.Load(corpus.GeneratorBase())
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "neardup-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ix, err := neardup.Open(dir, &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		return err
	}
	defer ix.Close()
	g := gen.New(docs, gen.Options{Seed: 7})
	ch := make(chan *neardup.Doc, 1024)
	go func() {
		defer close(ch)
		for range n {
			d, _ := g.Next()
			ch <- d
		}
	}()
	t0 := time.Now()
	if _, err := ix.Add(context.Background(), ch, nil); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "load: indexed %d articles in %.1f s\n", n, time.Since(t0).Seconds())

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: server.New(ix, server.Options{MaxInFlight: 256})}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	tr := &http.Transport{MaxIdleConnsPerHost: clients + 2}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var issued atomic.Int64
	var errs atomic.Int64
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 1))
			for ctx.Err() == nil && issued.Add(1) <= int64(maxRequests) {
				id := fmt.Sprintf("gen-%07d", 1+rng.IntN(n))
				t := time.Now()
				resp, err := client.Get(url + "/v1/articles/" + id + "/duplicates?threshold=0.8&top=20")
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs.Add(1)
					continue
				}
				lat[c] = append(lat[c], time.Since(t))
			}
		}()
	}
	var written atomic.Int64
	if writeBatch > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var tick <-chan time.Time
			if writeRate > 0 {
				t := time.NewTicker(time.Duration(float64(time.Second) * float64(writeBatch) / float64(writeRate)))
				defer t.Stop()
				tick = t.C
			}
			for ctx.Err() == nil {
				if tick != nil {
					select {
					case <-tick:
					case <-ctx.Done():
						return
					}
				}
				batch := make([]map[string]string, writeBatch)
				for i := range batch {
					d, _ := g.Next()
					batch[i] = map[string]string{"id": d.ID, "text": d.Text, "title": d.Title, "date": d.Date}
				}
				body, _ := json.Marshal(batch)
				resp, err := client.Post(url+"/v1/articles", "application/json", bytes.NewReader(body))
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					written.Add(int64(writeBatch))
				}
			}
		}()
	}
	start := time.Now()
	wg.Wait()
	secs := time.Since(start).Seconds()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	if len(all) == 0 {
		return fmt.Errorf("no successful lookups (%d errors)", errs.Load())
	}
	res := map[string]any{
		"index_articles":   n,
		"clients":          clients,
		"seconds":          secs,
		"lookups":          len(all),
		"lookups_per_s":    float64(len(all)) / secs,
		"lookup_p50_ms":    float64(all[len(all)/2].Microseconds()) / 1000,
		"lookup_p99_ms":    float64(all[len(all)*99/100].Microseconds()) / 1000,
		"errors":           errs.Load(),
		"articles_written": written.Load(),
		"writes_per_s":     float64(written.Load()) / secs,
		"write_rate_asked": writeRate,
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

package server

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup"
)

// metrics are kept by hand in the Prometheus text exposition format (version 0.0.4): request counts by route
// and status, a latency histogram by route, articles added, and the index size.
type metrics struct {
	mu      sync.Mutex
	counts  map[[2]string]int64 // route, status → requests
	buckets map[string][]int64  // route → cumulative counts per bound
	sums    map[string]float64
	totals  map[string]int64
	added   atomic.Int64
}

var bounds = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

func newMetrics() *metrics {
	return &metrics{counts: map[[2]string]int64{}, buckets: map[string][]int64{}, sums: map[string]float64{}, totals: map[string]int64{}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	s := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[[2]string{route, fmt.Sprint(status)}]++
	b := m.buckets[route]
	if b == nil {
		b = make([]int64, len(bounds))
		m.buckets[route] = b
	}
	for i, ub := range bounds {
		if s <= ub {
			b[i]++
		}
	}
	m.sums[route] += s
	m.totals[route]++
}

func (m *metrics) serve(ix *neardup.Index) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := ix.QuickStats()
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.mu.Lock()
		fmt.Fprintln(w, "# HELP neardup_http_requests_total HTTP requests by route and status.")
		fmt.Fprintln(w, "# TYPE neardup_http_requests_total counter")
		keys := make([][2]string, 0, len(m.counts))
		for k := range m.counts {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b [2]string) int {
			if a[0] != b[0] {
				return compare(a[0], b[0])
			}
			return compare(a[1], b[1])
		})
		for _, k := range keys {
			fmt.Fprintf(w, "neardup_http_requests_total{route=%q,code=%q} %d\n", k[0], k[1], m.counts[k])
		}
		fmt.Fprintln(w, "# HELP neardup_http_request_duration_seconds HTTP request latency by route.")
		fmt.Fprintln(w, "# TYPE neardup_http_request_duration_seconds histogram")
		routes := make([]string, 0, len(m.buckets))
		for r := range m.buckets {
			routes = append(routes, r)
		}
		slices.Sort(routes)
		for _, rt := range routes {
			for i, ub := range bounds {
				fmt.Fprintf(w, "neardup_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", rt, ub, m.buckets[rt][i])
			}
			fmt.Fprintf(w, "neardup_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", rt, m.totals[rt])
			fmt.Fprintf(w, "neardup_http_request_duration_seconds_sum{route=%q} %g\n", rt, m.sums[rt])
			fmt.Fprintf(w, "neardup_http_request_duration_seconds_count{route=%q} %d\n", rt, m.totals[rt])
		}
		m.mu.Unlock()
		fmt.Fprintln(w, "# HELP neardup_articles_added_total Articles added through this server since it started.")
		fmt.Fprintln(w, "# TYPE neardup_articles_added_total counter")
		fmt.Fprintf(w, "neardup_articles_added_total %d\n", m.added.Load())
		fmt.Fprintln(w, "# HELP neardup_index_articles Articles in the index.")
		fmt.Fprintln(w, "# TYPE neardup_index_articles gauge")
		fmt.Fprintf(w, "neardup_index_articles %d\n", st.Articles)
		fmt.Fprintln(w, "# HELP neardup_index_bytes Space the index folder occupies on disk.")
		fmt.Fprintln(w, "# TYPE neardup_index_bytes gauge")
		fmt.Fprintf(w, "neardup_index_bytes %d\n", st.Bytes)
		return nil
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

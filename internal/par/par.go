// Package par runs a function over indexes on every core.
package par

import (
	"runtime"
	"sync"
)

// For calls fn(i) for every i in [0, n) on GOMAXPROCS goroutines and returns when all calls have returned. fn
// must be safe to call concurrently (writing only to its own index of a slice, say).
func For(n int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

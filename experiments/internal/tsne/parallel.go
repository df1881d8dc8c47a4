package tsne

import "sync"

// forRows splits the rows [0, n) into at most workers contiguous blocks and
// calls f(w, lo, hi) for block w in its own goroutine, then waits for all.
// Each row is handled by exactly one call, so as long as f computes a row
// from that row's inputs alone, in a fixed order, the result does not depend
// on the number of workers.
func forRows(n, workers int, f func(w, lo, hi int)) {
	workers = min(workers, n)
	if workers <= 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

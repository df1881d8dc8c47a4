package parts

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// counter counts the calls of each part.
type counter struct{ calls []atomic.Int64 }

func (c *counter) RunPart(p int) { c.calls[p].Add(1) }

// TestRun checks that Run calls every part exactly once, on 1, 2 and 4
// cores, for no part, one, and more parts than cores, and allocates
// nothing once its helpers are started.
func TestRun(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4} {
		for _, n := range []int{0, 1, 3, 13} {
			t.Run(fmt.Sprintf("GOMAXPROCS %d, %d parts", procs, n), func(t *testing.T) {
				runtime.GOMAXPROCS(procs)
				c := &counter{calls: make([]atomic.Int64, n)}
				var job Job
				const runs = 20
				allocs := testing.AllocsPerRun(runs, func() { Run(&job, c, n) })
				for p := range c.calls {
					if got := c.calls[p].Load(); got != runs+1 { // AllocsPerRun warms up once
						t.Errorf("part %d ran %d times, want %d", p, got, runs+1)
					}
				}
				if allocs != 0 {
					t.Errorf("%v allocations per Run, want 0", allocs)
				}
			})
		}
	}
}

// TestChunks checks that the chunks of a loop cover its indices once, in
// order, each at most ChunkLen long.
func TestChunks(t *testing.T) {
	for _, c := range []struct{ n, chunks int }{
		{0, 1}, {1, 1}, {ChunkLen, 1}, {ChunkLen + 1, 2}, {3*ChunkLen + 17, 4},
	} {
		if got := Chunks(c.n); got != c.chunks {
			t.Errorf("Chunks(%d) = %d, want %d", c.n, got, c.chunks)
		}
		next := 0
		for p := range Chunks(c.n) {
			lo, hi := Chunk(p, c.n)
			if lo != next || hi < lo || hi-lo > ChunkLen {
				t.Errorf("n %d: Chunk(%d) = [%d, %d) after %d", c.n, p, lo, hi, next)
			}
			next = hi
		}
		if next != c.n {
			t.Errorf("n %d: the chunks end at %d", c.n, next)
		}
	}
}

// TestRunConcurrent runs jobs from several goroutines at once, as
// experiments/conv trains the members of an ensemble, and checks that every
// part of every call runs exactly once: a helper handed a job it comes to
// late must neither run a part twice nor skip one.
func TestRunConcurrent(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{2, 4} {
		runtime.GOMAXPROCS(procs)
		const callers, runs, n = 4, 300, 5
		counters := make([]*counter, callers)
		done := make(chan struct{})
		for c := range callers {
			counters[c] = &counter{calls: make([]atomic.Int64, n)}
			go func() {
				var job Job
				for range runs {
					Run(&job, counters[c], n)
				}
				done <- struct{}{}
			}()
		}
		for range callers {
			<-done
		}
		for c, cnt := range counters {
			for p := range cnt.calls {
				if got := cnt.calls[p].Load(); got != runs {
					t.Errorf("GOMAXPROCS %d, caller %d: part %d ran %d times, want %d", procs, c, p, got, runs)
				}
			}
		}
	}
}

// spin is a part of a few or some tens of microseconds of work.
type spin struct {
	n    int
	sink [8]float64
}

func (s *spin) RunPart(p int) {
	x := float64(p)
	for range s.n {
		x = x*0.999 + 1
	}
	s.sink[p%8] = x
}

// BenchmarkRun times a call of Run of 4 parts of a few (short) or some
// tens (long) of microseconds each (run it with -cpu 1,2): the cost of
// handing parts to a helper and waiting for it.
func BenchmarkRun(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"short", 1000}, {"long", 10_000}} {
		b.Run(c.name, func(b *testing.B) {
			var job Job
			s := &spin{n: c.n}
			b.ReportAllocs()
			for b.Loop() {
				Run(&job, s, 4)
			}
		})
	}
}

// TestAwait checks that Await returns a value sent while it waits, one
// already waiting in the channel, and nothing, no sooner than d, when
// nothing comes.
func TestAwait(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 7
	if v, ok := Await(ch, time.Millisecond); !ok || v != 7 {
		t.Fatalf("Await with a value waiting = %d, %v; want 7, true", v, ok)
	}
	go func() {
		time.Sleep(100 * time.Microsecond)
		ch <- 9
	}()
	if v, ok := Await(ch, time.Minute); !ok || v != 9 {
		t.Fatalf("Await with a value sent later = %d, %v; want 9, true", v, ok)
	}
	const d = 3 * time.Millisecond
	start := time.Now()
	if v, ok := Await(ch, d); ok || v != 0 {
		t.Fatalf("Await with nothing sent = %d, %v; want 0, false", v, ok)
	}
	if took := time.Since(start); took < d {
		t.Fatalf("Await with nothing sent returned after %v, want at least %v", took, d)
	}
}

// TestAwaitBusy checks that work handed out elsewhere (Busy) keeps Await
// waiting past d. On one core the two goroutines take turns at each
// runtime.Gosched, so Await sees new work at every look, whatever else
// runs on the machine, until the value comes 20 d later.
func TestAwaitBusy(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const d = time.Millisecond
	ch := make(chan int, 1)
	go func() {
		for start := time.Now(); time.Since(start) < 20*d; {
			Busy()
			runtime.Gosched()
		}
		ch <- 5
	}()
	if v, ok := Await(ch, d); !ok || v != 5 {
		t.Fatalf("Await while work is handed out = %d, %v; want 5, true", v, ok)
	}
}

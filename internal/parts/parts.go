package parts

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Runner is work cut into parts that may run at once: RunPart(p) must
// touch only what part p owns.
type Runner interface{ RunPart(p int) }

// Job is one call of Run, owned by its caller (a layer, an optimizer) so
// that running it allocates nothing: the parts are handed out by a shared
// counter to the calling goroutine and its helpers, each taking the next
// part left. The zero Job is ready to use; a Job runs one call at a time.
type Job struct {
	r     Runner
	parts int
	next  atomic.Int64
	wg    sync.WaitGroup
}

// workers are the helpers of Run.
var workers struct {
	mu   sync.Mutex
	n    int
	jobs chan *Job
}

// Run calls r.RunPart(p) for every p < parts, on the calling goroutine and
// on up to GOMAXPROCS−1 helpers at once, and returns when all are done.
func Run(job *Job, r Runner, parts int) {
	job.r, job.parts = r, parts
	job.next.Store(0)
	helpers := min(runtime.GOMAXPROCS(0), parts) - 1
	if helpers > 0 {
		w := &workers
		w.mu.Lock()
		if w.jobs == nil {
			w.jobs = make(chan *Job, 64)
		}
		for ; w.n < helpers; w.n++ {
			go helper(w.jobs)
		}
		w.mu.Unlock()
		job.wg.Add(helpers)
		for range helpers {
			w.jobs <- job
		}
	}
	job.work()
	job.wg.Wait()
	job.r = nil
}

// helper runs the jobs sent on jobs. After each one it waits for the next
// without sleeping, for up to SpinFor, before it blocks on the channel.
func helper(jobs chan *Job) {
	for j := range jobs {
		for j != nil {
			j.work()
			j.wg.Done()
			j, _ = Await(jobs, SpinFor)
		}
	}
}

// SpinFor is how long a helper keeps looking for the next job before it
// blocks. A blocked helper's thread sleeps, and its core with it; on the
// 2-core virtual machine where nndiy is measured, the next job then found
// the helper 100 to 180 µs late, while a part of a training step's pass
// lasts from tens of microseconds (a pooling) to half a millisecond (the
// 2-D CNN's second convolution), and Run waits for every helper it called.
// A helper that waits awake for 5 ms stays awake for a whole training:
// between two passes of a step there is at most the work that Gemm's own
// workers share, such as the Conv1D net's Linear(4064, 100), about 1 ms
// per product. Blocking is also what allocates: the runtime takes a
// record of the waiting goroutine from a per-core cache that it sometimes
// has to refill, and in 300 steps of the Conv1D net on two cores the
// process allocated 24 to 31 times with a 1 ms wait, 2 to 5 times with
// 5 ms (8 to 11 times when the helpers blocked after every job). The price
// is up to 5 ms of one core's time after the last job, every time the work
// stops.
const SpinFor = 5 * time.Millisecond

// Await returns the next value sent on ch and true, or false if none came
// within d. It waits awake, yielding its thread to any other goroutine
// between looks, where a receive would put the thread to sleep. Gemm's
// workers (package tensor) wait for their jobs with it too.
func Await[T any](ch <-chan T, d time.Duration) (T, bool) {
	start := time.Now()
	for i := 0; ; i++ {
		select {
		case v := <-ch:
			return v, true
		default:
		}
		if i%16 == 15 && time.Since(start) > d {
			var zero T
			return zero, false
		}
		runtime.Gosched()
	}
}

// work runs parts until none is left.
func (j *Job) work() {
	for {
		p := int(j.next.Add(1)) - 1
		if p >= j.parts {
			return
		}
		j.r.RunPart(p)
	}
}

// ChunkLen is the length of the chunks Chunks cuts a loop into. A chunk of
// an element-wise loop over float64s takes some microseconds, as much as
// handing it to a helper: shorter loops run on the caller alone.
const ChunkLen = 1 << 14

// Chunks returns the number of chunks of at most ChunkLen indices that a
// loop over n indices is cut into, and Chunk gives chunk p's range.
func Chunks(n int) int { return max(1, (n+ChunkLen-1)/ChunkLen) }

// Chunk returns the indices lo ≤ i < hi of chunk p of a loop over n.
func Chunk(p, n int) (lo, hi int) { return p * ChunkLen, min(n, (p+1)*ChunkLen) }

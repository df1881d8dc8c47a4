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

// The helpers of Run: how many were started, and the channel that hands
// them jobs. The count goes up by CompareAndSwap rather than under a lock,
// so that callers of Run at once never block on each other: a goroutine
// that blocks may allocate (see SpinFor).
var (
	helpers    atomic.Int64
	helperJobs = make(chan *Job, 64)
)

// Run calls r.RunPart(p) for every p < parts, on the calling goroutine and
// on up to GOMAXPROCS−1 helpers at once, and returns when all are done.
func Run(job *Job, r Runner, parts int) {
	job.r, job.parts = r, parts
	job.next.Store(0)
	n := min(runtime.GOMAXPROCS(0), parts) - 1
	if n > 0 {
		for h := helpers.Load(); h < int64(n); h = helpers.Load() {
			if helpers.CompareAndSwap(h, h+1) {
				go helper(helperJobs)
			}
		}
		Busy()
		job.wg.Add(n)
		for range n {
			helperJobs <- job
		}
	}
	job.work()
	job.wg.Wait()
	job.r = nil
}

// helper runs the jobs sent on jobs. After each one it waits for the next
// without sleeping (Await), before it blocks on the channel.
func helper(jobs chan *Job) {
	for j := range jobs {
		for j != nil {
			j.work()
			j.wg.Done()
			j, _ = Await(jobs, SpinFor)
		}
	}
}

// SpinFor is how long a helper keeps looking for the next job once no
// work at all is handed out (by Run, or by tensor.Gemm to its workers)
// before it blocks. A blocked helper's thread sleeps, and its core with
// it; on the 2-core virtual machine where nndiy is measured, the next job
// then found the helper 100 to 180 µs late, while a part of a training
// step's pass lasts from tens of microseconds (a pooling) to half a
// millisecond (the 2-D CNN's second convolution), and Run waits for every
// helper it called.
//
// Blocking also makes the runtime allocate now and then: a blocked
// goroutine takes a record (runtime.acquireSudog) from a per-core cache
// that runs dry now and then, as records drift to the core where the
// goroutine wakes (experiments/bench's fillWaitRecords says more). A
// helper once waited SpinFor after its own last job only: then Gemm's
// worker, whose products in the 2-D CNN (its Linear(512, 100)) come some
// milliseconds of convolutions apart, blocked in 88 to 98 % of the steps
// on two cores, and 200 steps allocated 8 to 88 times (four runs). Since
// any job handed out anywhere restarts the wait, neither the helpers nor
// the worker blocked in 200 steps of the 2-D CNN, which allocated nothing
// (two runs). On
// a machine that other programs keep busy they still block when the
// process is kept off the cores for longer than SpinFor. The price is up
// to SpinFor of each waiting goroutine's core after the last job, every
// time the work stops.
const SpinFor = 5 * time.Millisecond

// handedOut counts the jobs handed to helpers (Run) and to Gemm's workers
// (Busy). A goroutine waiting in Await starts its SpinFor over whenever
// the count changes.
var handedOut atomic.Int64

// Busy tells the goroutines waiting in Await that work was just handed
// out: Run calls it, and tensor.Gemm when it hands a product to its
// workers. It does not block.
func Busy() { handedOut.Add(1) }

// Await returns the next value sent on ch and true, or false once d has
// passed with no value on ch and no work handed out anywhere (Busy). It
// waits awake, yielding its thread to any other goroutine between looks,
// where a receive would put the thread to sleep. Gemm's workers (package
// tensor) wait for their jobs with it too.
func Await[T any](ch <-chan T, d time.Duration) (T, bool) {
	start, seen := time.Now(), handedOut.Load()
	for i := 0; ; i++ {
		select {
		case v := <-ch:
			return v, true
		default:
		}
		if i%16 == 15 {
			if n := handedOut.Load(); n != seen {
				start, seen = time.Now(), n
			} else if time.Since(start) > d {
				var zero T
				return zero, false
			}
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

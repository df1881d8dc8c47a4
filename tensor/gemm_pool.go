package tensor

import (
	"sync/atomic"

	"github.com/nndiy/nndiy/internal/parts"
)

// The worker pool of the blocked Gemm. Workers are goroutines started on
// first need and never stopped: a Gemm call hands its job to as many idle
// workers as it wants helpers, works on the job itself, and waits for them.
// Starting goroutines per call would cost more than a small product.
//
// Nothing here takes a lock: a goroutine that blocks on one may allocate
// (see parts.SpinFor), and the convolutions' parts call Gemm from several
// goroutines at once. The number of workers goes up by CompareAndSwap, and
// the free lists of jobs and of the caller's packing buffers, which let a
// Gemm call allocate nothing once they are warm, are buffered channels
// used without waiting: a get from an empty list makes a new item, a put
// into a full one leaves the item to the garbage collector ("a leaky
// buffer", Effective Go). sync.Pool would do, but it may drop what it
// holds at any garbage collection, and drops items at random under the
// race detector.
var (
	gemmWorkers atomic.Int64                    // goroutines started
	gemmJobs    = make(chan *gemmJob, 64)       // jobs waiting for a worker
	freeJobs    = make(chan *gemmJob, gemmFree) // jobs not in use
	freeSpaces  = make(chan *gemmWorkspace, gemmFree)
)

// gemmFree is the most jobs, and the most callers' workspaces, that the
// free lists keep: more than the products that run at once, one per core.
const gemmFree = 256

// startWorkers hands job to n workers, starting goroutines if there are fewer.
// Each worker calls job.wg.Done when it finds no tile left.
func startWorkers(job *gemmJob, n int) {
	for w := gemmWorkers.Load(); w < int64(n); w = gemmWorkers.Load() {
		if gemmWorkers.CompareAndSwap(w, w+1) {
			go gemmWorker(gemmJobs)
		}
	}
	parts.Busy()
	job.wg.Add(n)
	for range n {
		gemmJobs <- job
	}
}

// gemmWorker runs jobs forever with its own packing buffers. Between two
// jobs it waits awake, as internal/parts's helpers do and for the same
// reasons (parts.SpinFor): a blocked worker's thread sleeps, and the idle
// core with it, and waking it took 100 to 180 µs on the 2-core virtual
// machine where nndiy is measured, while gemmBlocked waits for every
// worker it called; and blocking may allocate.
func gemmWorker(jobs <-chan *gemmJob) {
	ws := new(gemmWorkspace)
	for job := range jobs {
		for job != nil {
			job.run(ws)
			job.wg.Done()
			job, _ = parts.Await(jobs, parts.SpinFor)
		}
	}
}

func getJob() *gemmJob {
	select {
	case job := <-freeJobs:
		return job
	default:
		return new(gemmJob)
	}
}

func putJob(job *gemmJob) {
	job.gemmProblem = gemmProblem{} // drop the references to the caller's data
	select {
	case freeJobs <- job:
	default:
	}
}

func getWorkspace() *gemmWorkspace {
	select {
	case ws := <-freeSpaces:
		return ws
	default:
		return new(gemmWorkspace)
	}
}

func putWorkspace(ws *gemmWorkspace) {
	select {
	case freeSpaces <- ws:
	default:
	}
}

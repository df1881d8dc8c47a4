package tensor

import (
	"sync"

	"github.com/nndiy/nndiy/internal/parts"
)

// The worker pool of the blocked Gemm. Workers are goroutines started on
// first need and never stopped: a Gemm call hands its job to as many idle
// workers as it wants helpers, works on the job itself, and waits for them.
// Starting goroutines per call would cost more than a small product.
//
// The pool keeps free lists of jobs and of the caller's packing buffers, so
// that a Gemm call allocates nothing once the lists are warm. (sync.Pool
// would do, but it may drop what it holds at any garbage collection, and
// drops items at random under the race detector.)
var gemmPool struct {
	mu      sync.Mutex
	workers int           // goroutines started
	jobs    chan *gemmJob // jobs waiting for a worker
	jobList []*gemmJob    // free jobs
	wsList  []*gemmWorkspace
}

// startWorkers hands job to n workers, starting goroutines if there are fewer.
// Each worker calls job.wg.Done when it finds no tile left.
func startWorkers(job *gemmJob, n int) {
	p := &gemmPool
	p.mu.Lock()
	if p.jobs == nil {
		p.jobs = make(chan *gemmJob, 64)
	}
	for ; p.workers < n; p.workers++ {
		go gemmWorker(p.jobs)
	}
	p.mu.Unlock()
	job.wg.Add(n)
	for range n {
		p.jobs <- job
	}
}

// gemmWorker runs jobs forever with its own packing buffers. Between two
// jobs it waits awake for up to parts.SpinFor before it blocks on the
// channel, as internal/parts's helpers do and for the same reason: a
// blocked worker's thread sleeps, and the idle core with it, and waking it
// took 100 to 180 µs on the 2-core virtual machine where nndiy is
// measured, while gemmBlocked waits for every worker it called.
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
	p := &gemmPool
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.jobList); n > 0 {
		job := p.jobList[n-1]
		p.jobList = p.jobList[:n-1]
		return job
	}
	return new(gemmJob)
}

func putJob(job *gemmJob) {
	job.gemmProblem = gemmProblem{} // drop the references to the caller's data
	p := &gemmPool
	p.mu.Lock()
	p.jobList = append(p.jobList, job)
	p.mu.Unlock()
}

func getWorkspace() *gemmWorkspace {
	p := &gemmPool
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.wsList); n > 0 {
		ws := p.wsList[n-1]
		p.wsList = p.wsList[:n-1]
		return ws
	}
	return new(gemmWorkspace)
}

func putWorkspace(ws *gemmWorkspace) {
	p := &gemmPool
	p.mu.Lock()
	p.wsList = append(p.wsList, ws)
	p.mu.Unlock()
}

package parts_test

import (
	"fmt"
	"time"

	"github.com/nndiy/nndiy/internal/parts"
)

// double doubles a slice in chunks: each chunk writes only its own values,
// so the result is the plain loop's on any number of cores.
type double struct {
	parts.Job
	x []float64
}

func (d *double) RunPart(p int) {
	lo, hi := parts.Chunk(p, len(d.x))
	for i := lo; i < hi; i++ {
		d.x[i] *= 2
	}
}

func Example() {
	d := &double{x: make([]float64, 100_000)}
	for i := range d.x {
		d.x[i] = float64(i)
	}
	n := parts.Chunks(len(d.x))
	parts.Run(&d.Job, d, n)
	fmt.Println(n, "chunks;", d.x[0], d.x[1], d.x[99_999])
	// Output: 7 chunks; 0 2 199998
}

// Await waits awake for a value, and gives up once the time it is given
// has passed with no work handed out anywhere: a helper calls it between
// jobs, then blocks on the channel if nothing came.
func ExampleAwait() {
	jobs := make(chan string, 1)
	jobs <- "the next pass"
	job, ok := parts.Await(jobs, parts.SpinFor)
	fmt.Println(job, ok)
	_, ok = parts.Await(jobs, time.Millisecond) // nothing is sent
	fmt.Println(ok)
	// Output:
	// the next pass true
	// false
}

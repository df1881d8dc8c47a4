package optim

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/nndiy/nndiy/internal/parts"
)

// TestNesterovStep checks that the fast path of SGD's Nesterov step, the
// plain loop and the loop cut into chunks on 1, 2 and 4 cores, gives the
// bits of the general loop, over several steps of random gradients
// spanning many magnitudes.
func TestNesterovStep(t *testing.T) {
	const lr, mu = 0.05, 0.9
	chunks := func(theta, grad, buf []float64, lr, mu float64) {
		NewSGD(lr).nesterovChunks(theta, grad, buf, lr, mu)
	}
	cases := []struct {
		name  string
		n     int // parameters: one chunk, or several and a short last one
		procs int
		fast  func(theta, grad, buf []float64, lr, mu float64)
	}{
		{"plain loop", 1003, 1, nesterovStep},
		{"chunks, one chunk", 1003, 2, chunks},
		{"chunks, 1 core", 3*parts.ChunkLen + 17, 1, chunks},
		{"chunks, 2 cores", 3*parts.ChunkLen + 17, 2, chunks},
		{"chunks, 4 cores", 3*parts.ChunkLen + 17, 4, chunks},
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runtime.GOMAXPROCS(c.procs)
			n := c.n
			rng := rand.New(rand.NewPCG(15, 1))
			fast, plain := make([]float64, n), make([]float64, n)
			bufFast, bufPlain := make([]float64, n), make([]float64, n)
			for i := range n {
				fast[i] = rng.NormFloat64()
				plain[i] = fast[i]
			}
			grad := make([]float64, n)
			for step := range 5 {
				for i := range grad {
					grad[i] = rng.NormFloat64() * float64(int(1)<<rng.IntN(20)) / 1e3
				}
				if step == 0 { // the first step starts the buffers, on the general loop
					momentumStep(fast, grad, bufFast, lr, mu, 0, 0, true, false)
					momentumStep(plain, grad, bufPlain, lr, mu, 0, 0, true, false)
					continue
				}
				c.fast(fast, grad, bufFast, lr, mu)
				momentumStep(plain, grad, bufPlain, lr, mu, 0, 0, true, true)
				for i := range n {
					if fast[i] != plain[i] || bufFast[i] != bufPlain[i] {
						t.Fatalf("step %d, element %d: θ %v, buffer %v; the general loop gives %v, %v",
							step, i, fast[i], bufFast[i], plain[i], bufPlain[i])
					}
				}
			}
		})
	}
}

// BenchmarkNesterovStep times the Nesterov update of one parameter of n
// values, as the plain loop and cut into chunks on GOMAXPROCS cores (run
// it with -cpu 1,2): 406 400 is the Conv1D net's Linear(4064, 100) weight,
// 12 800 the 2-D CNN's second convolution's.
func BenchmarkNesterovStep(b *testing.B) {
	for _, n := range []int{12_800, 2 * parts.ChunkLen, 51_200, 406_400} {
		theta, grad, buf := make([]float64, n), make([]float64, n), make([]float64, n)
		rng := rand.New(rand.NewPCG(15, 2))
		for i := range n {
			theta[i], grad[i], buf[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		}
		s := NewSGD(0.05)
		b.Run(fmt.Sprintf("n=%d/plain", n), func(b *testing.B) {
			for b.Loop() {
				nesterovStep(theta, grad, buf, 1e-9, 0.9)
			}
		})
		b.Run(fmt.Sprintf("n=%d/chunks", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.nesterovChunks(theta, grad, buf, 1e-9, 0.9)
			}
		})
	}
}

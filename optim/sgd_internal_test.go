package optim

import (
	"math/rand/v2"
	"testing"
)

// TestNesterovStep checks that the fast path of SGD's Nesterov step gives
// the bits of the general loop, over several steps of random gradients
// spanning many magnitudes.
func TestNesterovStep(t *testing.T) {
	const n, lr, mu = 1003, 0.05, 0.9
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
		nesterovStep(fast, grad, bufFast, lr, mu)
		momentumStep(plain, grad, bufPlain, lr, mu, 0, 0, true, true)
		for i := range n {
			if fast[i] != plain[i] || bufFast[i] != bufPlain[i] {
				t.Fatalf("step %d, element %d: θ %v, buffer %v; the general loop gives %v, %v",
					step, i, fast[i], bufFast[i], plain[i], bufPlain[i])
			}
		}
	}
}

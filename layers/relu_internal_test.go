package layers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/nndiy/nndiy/internal/parts"
	"github.com/nndiy/nndiy/tensor"
)

// TestReLUChunks checks that ReLU's passes, which cut a large input into
// chunks run on all the cores, give the plain loops' bits on 1, 2 and 4
// cores, for inputs of one chunk and of several with a short last one,
// holding ±0, ±Inf and NaN.
func TestReLUChunks(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, n := range []int{0, 7, parts.ChunkLen, 3*parts.ChunkLen + 17} {
		rng := rand.New(rand.NewPCG(15, uint64(n)))
		x := tensor.New(n).FillNormal(rng, 0, 1)
		d := tensor.New(n).FillNormal(rng, 0, 1)
		special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN()}
		for i, v := range special {
			if i < n {
				x.Data[(i*n)/len(special)] = v
			}
		}
		wantY, wantDx := make([]float64, n), make([]float64, n)
		reluForward(wantY, x.Data)
		reluBackward(wantDx, x.Data, d.Data)
		for _, procs := range []int{1, 2, 4} {
			runtime.GOMAXPROCS(procs)
			r := NewReLU()
			for pass, got := range [][]float64{r.Forward(x).Data, r.BackwardDelta(x, d).Data} {
				want := [][]float64{wantY, wantDx}[pass]
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("n %d, GOMAXPROCS %d, pass %d, element %d: %v, the plain loop gives %v", n, procs, pass, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// BenchmarkReLU times both passes of ReLU on n values, as the plain loops
// and as the layer runs them, cut into chunks on GOMAXPROCS cores (run it
// with -cpu 1,2): 131 072 and 65 536 are the outputs of the 2-D CNN's two
// convolutions on a batch of 32, 3200 its Linear(512, 100)'s.
func BenchmarkReLU(b *testing.B) {
	for _, n := range []int{3200, 2 * parts.ChunkLen, 65_536, 131_072} {
		rng := rand.New(rand.NewPCG(15, 3))
		x := tensor.New(n).FillNormal(rng, 0, 1)
		d := tensor.New(n).FillNormal(rng, 0, 1)
		y, dx := make([]float64, n), make([]float64, n)
		b.Run(fmt.Sprintf("n=%d/plain", n), func(b *testing.B) {
			for b.Loop() {
				reluForward(y, x.Data)
				reluBackward(dx, x.Data, d.Data)
			}
		})
		r := NewReLU()
		b.Run(fmt.Sprintf("n=%d/layer", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Forward(x)
				r.BackwardDelta(x, d)
			}
		})
	}
}

package tsne

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// uspsSized returns 2007 points in 10 dimensions, the size of the USPS test
// set's auto-encoder codes: ten clusters, squashed into (−1, 1) like the
// outputs of a TanH.
func uspsSized() *tensor.Tensor {
	rng := rand.New(rand.NewPCG(2007, 10))
	x := tensor.New(2007, 10)
	for i := range 2007 {
		c := i % 10
		for j := range 10 {
			v := 0.5 * rng.NormFloat64()
			if j == c {
				v += 2
			}
			x.Data[i*10+j] = v
		}
	}
	return tensor.Apply(x, x, math.Tanh)
}

// BenchmarkEmbedUSPS is a whole default run on data the size of the USPS
// test set: go test -run=NONE -bench=EmbedUSPS -benchtime=1x.
func BenchmarkEmbedUSPS(b *testing.B) {
	x := uspsSized()
	for b.Loop() {
		res, err := Embed(x, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.KL, "KL")
	}
}

// BenchmarkGradient times one gradient pass on 2007 points, fast and plain.
func BenchmarkGradient(b *testing.B) {
	x := uspsSized()
	n := x.Rows()
	p, _ := jointProbabilities(x.Data, n, 10, DefaultPerplexity, runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(1, 1))
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		s := newState(n, 2, workers)
		s.p = p
		for k := range s.y {
			s.y[k] = rng.NormFloat64()
		}
		b.Run("fast/workers="+strconv.Itoa(workers), func(b *testing.B) {
			for b.Loop() {
				s.gradient(1)
			}
		})
	}
	b.Run("reference", func(b *testing.B) {
		y := make([]float64, 2*n)
		for k := range y {
			y[k] = rng.NormFloat64()
		}
		for b.Loop() {
			gradientReference(p, y, n, 2, 1)
		}
	})
}

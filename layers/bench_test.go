package layers_test

import (
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// BenchmarkMLPStep times one training step (forward, loss, backward,
// update) of the USPS network 256→128→64→10 on a batch of 32.
func BenchmarkMLPStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	net := layers.NewSequential(
		layers.NewLinear(256, 128, rng), layers.NewTanh(),
		layers.NewLinear(128, 64, rng), layers.NewTanh(),
		layers.NewLinear(64, 10, rng))
	loss := losses.NewSoftmaxCrossEntropy()
	x := tensor.New(32, 256).FillNormal(rng, 0, 1)
	y := tensor.New(32, 10)
	for i := range 32 {
		y.Set(i, i%10, 1)
	}
	b.ReportAllocs()
	for b.Loop() {
		net.ZeroGrad()
		yhat := net.Forward(x)
		loss.Forward(y, yhat)
		net.Backward(x, loss.Backward(y, yhat))
		net.UpdateParameters(0.01)
	}
}

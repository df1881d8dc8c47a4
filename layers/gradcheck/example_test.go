package gradcheck_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/layers/gradcheck"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// Check every gradient of a small network, parameters included, against
// central finite differences.
func ExampleModule() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := layers.NewSequential(layers.NewLinear(3, 4, rng), layers.NewTanh(), layers.NewLinear(4, 2, rng))
	x := tensor.New(5, 3).FillNormal(rng, 0, 1)
	maxErr, err := gradcheck.Module(net, x, rng)
	fmt.Println(maxErr < gradcheck.Tol, err)
	// Output: true <nil>
}

// Check a loss's gradient with respect to its prediction.
func ExampleLoss() {
	y := tensor.FromSlice([]float64{0, 1, 0, 1, 0, 0}, 2, 3)
	logits := tensor.FromSlice([]float64{0.5, 2, -1, 1, 0, 0.3}, 2, 3)
	maxErr, err := gradcheck.Loss(losses.NewSoftmaxCrossEntropy(), y, logits)
	fmt.Println(maxErr < gradcheck.Tol, err)
	// Output: true <nil>
}

package planar_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
)

// One hidden layer on the XOR problem, with labels 0/1 and the course's
// training loop.
func ExampleTrainer() {
	p, err := planar.NewProblem(data.FourGaussians, 200, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	t := planar.Trainer{
		Build: func(rng *rand.Rand) layers.Module {
			return layers.NewSequential(layers.NewLinear(2, 4, rng), layers.NewTanh(), layers.NewLinear(4, 1, rng), layers.NewSigmoid())
		},
		Loss: losses.NewBCE(), Level: 0.5,
		LR: 0.5, Epochs: 50, Batch: 20, Seed: 1,
	}
	m := t.Fit(p.Binary())
	fmt.Printf("%s: loss %.2f → %.2f, test accuracy %s\n", m.Problem.Title, m.Curve.Epoch[0], m.FinalLoss(), planar.Percent(m.TestAccuracy))
	// Output:
	// XOR: loss 0.68 → 0.02, test accuracy 99.5%
}

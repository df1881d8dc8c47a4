package conv

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/layers"
)

// A Model is one of the networks the experiment trains: how to build it and
// how it reads a 16×16 digit.
type Model struct {
	// Name is the value of the -model flag: "conv1d" or "conv2d".
	Name string
	// Title names the network in figures and tables.
	Title string
	// Shape is the shape of one example, the input without its batch
	// axis: the 256 pixels as a sequence of one channel, (256, 1), or as
	// an image of one channel, (16, 16, 1).
	Shape []int
	// Build returns a new network with PyTorch's initialisation drawn from
	// rng.
	Build func(rng *rand.Rand) *layers.Sequential
	// Target is the test accuracy issue 8 asks of the network.
	Target float64
}

// Conv1DNet is the course's network: the digit read as a sequence of 256
// pixels (row after row) with one channel, 32 kernels of 3 pixels, a
// max-pooling that halves the length, and two Linear layers.
//
//	(B, 256, 1) → Conv1D(3, 1→32) → (B, 254, 32) → MaxPool1D(2, 2) → (B, 127, 32)
//	  → Flatten → (B, 4064) → Linear(4064, 100) → ReLU → Linear(100, 10)
//
// The convolution has no bias, as the course's: a bias per channel would be
// useless here, since max(x + b) = max(x) + b and the Linear layer after the
// pooling has a bias of its own that absorbs the constant.
var Conv1DNet = Model{
	Name:   "conv1d",
	Title:  "course Conv1D net",
	Shape:  []int{256, 1},
	Target: 0.95,
	Build: func(rng *rand.Rand) *layers.Sequential {
		return layers.NewSequential(
			layers.NewConv1D(3, 1, 32, 1, rng, layers.WithoutBias()),
			layers.NewMaxPool1D(2, 2),
			layers.NewFlatten(),
			layers.NewLinear(4064, 100, rng),
			layers.NewReLU(),
			layers.NewLinear(100, 10, rng),
		)
	},
}

// Conv2DNet is a small LeNet-like network on the 16×16 image: two 5×5
// convolutions, each followed by a ReLU and a 2×2 max-pooling, then two
// Linear layers.
//
//	(B, 16, 16, 1) → Conv2D(5×5, 1→16, padding 2) → ReLU → MaxPool2D(2) → (B, 8, 8, 16)
//	  → Conv2D(5×5, 16→32, padding 2) → ReLU → MaxPool2D(2) → (B, 4, 4, 32)
//	  → Flatten → (B, 512) → Linear(512, 100) → ReLU → Linear(100, 10)
var Conv2DNet = Model{
	Name:   "conv2d",
	Title:  "LeNet-like 2-D CNN",
	Shape:  []int{16, 16, 1},
	Target: 0.97,
	Build: func(rng *rand.Rand) *layers.Sequential {
		return layers.NewSequential(
			layers.NewConv2D(5, 5, 1, 16, 1, rng, layers.WithPadding(2)),
			layers.NewReLU(),
			layers.NewMaxPool2D(2, 2, 2),
			layers.NewConv2D(5, 5, 16, 32, 1, rng, layers.WithPadding(2)),
			layers.NewReLU(),
			layers.NewMaxPool2D(2, 2, 2),
			layers.NewFlatten(),
			layers.NewLinear(512, 100, rng),
			layers.NewReLU(),
			layers.NewLinear(100, 10, rng),
		)
	},
}

// Models lists the networks in the order the experiment trains them.
var Models = []Model{Conv1DNet, Conv2DNet}

// selectModels returns the models the -model flag names: "conv1d",
// "conv2d", or "both" (also "").
func selectModels(name string) ([]Model, error) {
	switch name {
	case "", "both":
		return Models, nil
	}
	for _, m := range Models {
		if m.Name == name {
			return []Model{m}, nil
		}
	}
	return nil, fmt.Errorf("-model %q: want conv1d, conv2d or both", name)
}

// countParameters returns the number of trainable values of net.
func countParameters(net layers.Module) int {
	n := 0
	for _, p := range net.Parameters() {
		n += p.Value.Len()
	}
	return n
}

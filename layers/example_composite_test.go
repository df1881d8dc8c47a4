package layers_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// The course's two-branch network: one Conv1D reads the flattened digit
// along its rows, another along its columns after TransposeImage; their
// pooled features are concatenated and classified.
func ExampleConcat() {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := layers.NewSequential(
		layers.NewConv1D(3, 1, 32, 1, rng), layers.NewMaxPool1D(2, 2), layers.NewFlatten())
	cols := layers.NewSequential(layers.NewTransposeImage(16, 16),
		layers.NewConv1D(3, 1, 32, 1, rng), layers.NewMaxPool1D(2, 2), layers.NewFlatten())
	net := layers.NewSequential(
		layers.NewConcat(rows, cols), // 4064 + 4064 features
		layers.NewLinear(2*4064, 100, rng), layers.NewReLU(), layers.NewLinear(100, 10, rng))

	x := tensor.New(5, 256, 1).FillUniform(rng, 0, 1) // 5 digits, (batch, length, chans)
	fmt.Println(net.Modules()[0].Forward(x).Shape, net.Forward(x).Shape)
	for _, p := range net.Parameters()[:4] {
		fmt.Println(p.Name, p.Value.Shape)
	}
	// Output:
	// [5 8128] [5 10]
	// 0.0.0.weight [3 1 32]
	// 0.0.0.bias [32]
	// 0.1.1.weight [3 1 32]
	// 0.1.1.bias [32]
}

// Read in storage order, a transposed image walks down the columns.
func ExampleTransposeImage() {
	x := tensor.FromSlice([]float64{
		1, 2, 3,
		4, 5, 6,
	}, 1, 6) // one 2×3 image, flattened
	fmt.Println(layers.NewTransposeImage(2, 3).Forward(x).Data)
	// Output:
	// [1 4 2 5 3 6]
}

// A tied auto-encoder: the decoder uses the encoder's weight, transposed.
// The weight is one parameter, listed (and so saved and stepped) once.
func ExampleTiedLinear() {
	rng := rand.New(rand.NewPCG(1, 2))
	encoder := layers.NewLinear(256, 10, rng)
	decoder := layers.NewTiedLinear(encoder, rng)
	ae := layers.NewSequential(encoder, layers.NewTanh(), decoder, layers.NewSigmoid())
	for _, p := range ae.Parameters() {
		fmt.Println(p.Name, p.Value.Shape)
	}
	fmt.Println(decoder)
	// Output:
	// 0.weight [256 10]
	// 0.bias [1 10]
	// 2.bias [1 256]
	// TiedLinear(10→256, weight of Linear(256→10))
}

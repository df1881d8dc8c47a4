package layers_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// A Linear layer computes Y = X·W + b for a batch X with one example per row.
func ExampleLinear() {
	l := layers.NewLinear(2, 3, rand.New(rand.NewPCG(1, 2)))
	copy(l.Weight.Value.Data, []float64{
		1, 0, -1, // W is in×out: row i holds the weights from input i
		2, 1, 0,
	})
	copy(l.Bias.Value.Data, []float64{0.5, 0.5, 0.5})

	x := tensor.FromSlice([]float64{
		1, 1,
		0, 2,
	}, 2, 2)
	fmt.Println(l.Forward(x))
	// Output:
	// Tensor[2 3]
	//   [3.5 1.5 -0.5]
	//   [4.5 2.5 0.5]
}

// One training step of a small network: forward, loss, backward, update.
func ExampleSequential() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := layers.NewSequential(
		layers.NewLinear(2, 4, rng), layers.NewTanh(),
		layers.NewLinear(4, 1, rng), layers.NewSigmoid(),
	)
	for _, p := range net.Parameters() {
		fmt.Println(p.Name, p.Value.Shape)
	}

	x := tensor.FromSlice([]float64{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2)
	y := tensor.FromSlice([]float64{0, 1, 1, 0}, 4, 1)
	loss := losses.NewBCE()
	before := loss.Forward(y, net.Forward(x))
	for range 100 {
		net.ZeroGrad()
		yhat := net.Forward(x)
		net.Backward(x, loss.Backward(y, yhat))
		net.UpdateParameters(0.5)
	}
	after := loss.Forward(y, net.Forward(x))
	fmt.Println("loss went down:", after < before)
	// Output:
	// 0.weight [2 4]
	// 0.bias [1 4]
	// 2.weight [4 1]
	// 2.bias [1 1]
	// loss went down: true
}

// Sequentials nest: an auto-encoder is the chain of an encoder and a
// decoder, and its parameters are named by their path.
func ExampleNewSequential_nested() {
	rng := rand.New(rand.NewPCG(1, 2))
	encoder := layers.NewSequential(layers.NewLinear(8, 2, rng), layers.NewTanh())
	decoder := layers.NewSequential(layers.NewLinear(2, 8, rng), layers.NewSigmoid())
	autoencoder := layers.NewSequential(encoder, decoder)
	for _, p := range autoencoder.Parameters() {
		fmt.Println(p.Name)
	}
	// Output:
	// 0.0.weight
	// 0.0.bias
	// 1.0.weight
	// 1.0.bias
}

// Softmax turns each row into probabilities; LogSoftmax gives their logs.
func ExampleSoftmax() {
	x := tensor.FromSlice([]float64{0, 0, 1000, 1000, 1, 2, 3, 4}, 2, 4)
	fmt.Println(layers.NewSoftmax().Forward(x))
	fmt.Println(layers.NewLogSoftmax().Forward(x))
	// Output:
	// Tensor[2 4]
	//   [0 0 0.5 0.5]
	//   [0.0320586 0.0871443 0.236883 0.643914]
	// Tensor[2 4]
	//   [-1000.69 -1000.69 -0.693147 -0.693147]
	//   [-3.44019 -2.44019 -1.44019 -0.44019]
}

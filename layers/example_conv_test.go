package layers_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// A kernel of two positions with weights −1 and 1 takes the difference of
// neighbours: y[t] = x[t+1] − x[t].
func ExampleConv1D() {
	conv := layers.NewConv1D(2, 1, 1, 1, rand.New(rand.NewPCG(1, 1)), layers.WithoutBias())
	copy(conv.Weight.Value.Data, []float64{-1, 1}) // shaped (kSize, chanIn, chanOut) = (2, 1, 1)

	x := tensor.FromSlice([]float64{1, 4, 9, 16, 25}, 1, 5, 1) // (batch, length, chans)
	y := conv.Forward(x)
	fmt.Println(y.Shape, y.Data)

	// Each x[p] feeds y[p−1] with weight 1 and y[p] with weight −1.
	dx := conv.BackwardDelta(x, tensor.FromSlice([]float64{1, 1, 1, 1}, 1, 4, 1))
	fmt.Println(dx.Data)
	// Output:
	// [1 4 1] [3 5 7 9]
	// [-1 0 0 0 1]
}

// Zero padding of 1 keeps the size of a 3×3 image under a 3×3 kernel; a
// kernel of ones sums each pixel's neighbourhood.
func ExampleConv2D() {
	conv := layers.NewConv2D(3, 3, 1, 1, 1, rand.New(rand.NewPCG(1, 1)), layers.WithPadding(1), layers.WithoutBias())
	conv.Weight.Value.Fill(1)
	x := tensor.FromSlice([]float64{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}, 1, 3, 3, 1) // (batch, height, width, chans)
	y := conv.Forward(x)
	fmt.Println(conv, y.Shape)
	for i := range 3 {
		fmt.Println(y.Data[3*i : 3*i+3])
	}
	// Output:
	// Conv2D(k=3×3, 1→1, stride=1, padding=1, no bias) [1 3 3 1]
	// [12 21 16]
	// [27 45 33]
	// [24 39 28]
}

// Max-pooling sends each window's gradient to the position of its maximum,
// the first one on ties, as PyTorch does.
func ExampleMaxPool1D() {
	pool := layers.NewMaxPool1D(2, 2)
	x := tensor.FromSlice([]float64{1, 5, 7, 7, 2, 0}, 1, 6, 1)
	y := pool.Forward(x)
	fmt.Println(y.Data)
	dx := pool.BackwardDelta(x, tensor.FromSlice([]float64{10, 20, 30}, 1, 3, 1))
	fmt.Println(dx.Data)
	// Output:
	// [5 7 2]
	// [0 10 20 0 30 0]
}

// The course's network for USPS digits, read as sequences of 256 pixels
// with one channel: 4064 = 127·32 features reach the first Linear layer.
func ExampleFlatten() {
	rng := rand.New(rand.NewPCG(1, 1))
	net := layers.NewSequential(
		layers.NewConv1D(3, 1, 32, 1, rng),
		layers.NewMaxPool1D(2, 2),
		layers.NewFlatten(),
		layers.NewLinear(4064, 100, rng),
		layers.NewReLU(),
		layers.NewLinear(100, 10, rng),
	)
	h := tensor.New(32, 256, 1) // a batch of 32 digits
	for _, m := range net.Modules() {
		h = m.Forward(h)
		fmt.Printf("%-10s %v\n", strings.TrimPrefix(fmt.Sprintf("%T", m), "*layers."), h.Shape)
	}
	// Output:
	// Conv1D     [32 254 32]
	// MaxPool1D  [32 127 32]
	// Flatten    [32 4064]
	// Linear     [32 100]
	// ReLU       [32 100]
	// Linear     [32 10]
}

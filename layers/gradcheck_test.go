package layers_test

import (
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/layers/gradcheck"
	"github.com/nndiy/nndiy/tensor"
)

// TestGradients runs every module through the one finite-difference checker:
// the input gradient and every parameter gradient.
func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		m    layers.Module
		in   []int // input shape
	}{
		{"Linear", layers.NewLinear(4, 3, rng), []int{5, 4}},
		{"LinearNoBias", layers.NewLinearNoBias(4, 3, rng), []int{5, 4}},
		{"Linear1x1", layers.NewLinear(1, 1, rng), []int{1, 1}},
		{"Tanh", layers.NewTanh(), []int{5, 4}},
		{"Sigmoid", layers.NewSigmoid(), []int{5, 4}},
		{"Sigmoid3D", layers.NewSigmoid(), []int{2, 3, 4}},
		{"ReLU", layers.NewReLU(), []int{5, 4}},
		{"Softmax", layers.NewSoftmax(), []int{5, 4}},
		{"LogSoftmax", layers.NewLogSoftmax(), []int{5, 4}},
		{"Sequential", layers.NewSequential(
			layers.NewLinear(4, 6, rng), layers.NewTanh(),
			layers.NewLinear(6, 3, rng), layers.NewSigmoid()), []int{5, 4}},
		{"SequentialNested", layers.NewSequential(
			layers.NewSequential(layers.NewLinear(4, 6, rng), layers.NewReLU()),
			layers.NewSequential(layers.NewLinear(6, 5, rng), layers.NewTanh(),
				layers.NewSequential(layers.NewLinear(5, 3, rng))),
			layers.NewLogSoftmax()), []int{5, 4}},
		{"SequentialEmpty", layers.NewSequential(), []int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := tensor.New(tt.in...).FillNormal(rng, 0, 1)
			maxErr, err := gradcheck.Module(tt.m, x, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("max relative error %.2g", maxErr)
		})
	}
}

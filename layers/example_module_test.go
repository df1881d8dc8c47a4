package layers_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/layers/gradcheck"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// LeakyReLU is a module written outside package layers, as a student writes
// one in their own module:
//
//	Y = X where X > 0, a·X elsewhere
//	dL/dX = δ where X > 0, a·δ elsewhere
//
// It has no parameters, so it embeds layers.NoParameters for ZeroGrad,
// UpdateParameters and Parameters.
type LeakyReLU struct {
	layers.NoParameters
	Slope   float64 // a, the slope for negative inputs
	out, dx *tensor.Tensor
}

// Forward returns X where X > 0 and a·X elsewhere, in a buffer owned by m.
func (m *LeakyReLU) Forward(x *tensor.Tensor) *tensor.Tensor {
	m.out = tensor.Reuse(m.out, x.Shape...)
	for i, v := range x.Data {
		if v <= 0 {
			v *= m.Slope
		}
		m.out.Data[i] = v
	}
	return m.out
}

// BackwardUpdateGradient does nothing: LeakyReLU has no parameters.
func (m *LeakyReLU) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns δ where X > 0 and a·δ elsewhere, in a buffer owned
// by m.
func (m *LeakyReLU) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	m.dx = tensor.Reuse(m.dx, x.Shape...)
	for i, v := range x.Data {
		d := delta.Data[i]
		if v <= 0 {
			d *= m.Slope
		}
		m.dx.Data[i] = d
	}
	return m.dx
}

// A module of your own: LeakyReLU, written outside package layers (above,
// in this file), checked alone and inside a network by gradcheck, then
// trained like any module of the package.
func ExampleModule_leakyReLU() {
	rng := rand.New(rand.NewPCG(1, 2))
	x := tensor.FromSlice([]float64{-2, -0.5, 0.5, 3}, 2, 2)
	fmt.Println((&LeakyReLU{Slope: 0.1}).Forward(x))

	maxErr, err := gradcheck.Module(&LeakyReLU{Slope: 0.1}, x, rng)
	fmt.Println("alone:", maxErr < gradcheck.Tol, err)

	net := layers.NewSequential(
		layers.NewLinear(3, 8, rng), &LeakyReLU{Slope: 0.1},
		layers.NewLinear(8, 1, rng),
	)
	maxErr, err = gradcheck.Module(net, tensor.New(5, 3).FillNormal(rng, 0, 1), rng)
	fmt.Println("in a network:", maxErr < gradcheck.Tol, err)

	// Fit y = |x₁| + |x₂| + |x₃| with the course's loop.
	X := tensor.New(64, 3).FillNormal(rng, 0, 1)
	y := tensor.New(64, 1)
	for n := range 64 {
		for _, v := range X.Row(n) {
			y.Data[n] += max(v, -v)
		}
	}
	mse := losses.NewMSE()
	fmt.Printf("MSE before %.4f", mse.Forward(y, net.Forward(X)))
	for range 200 {
		net.ZeroGrad()
		net.Backward(X, mse.Backward(y, net.Forward(X)))
		net.UpdateParameters(0.05)
	}
	fmt.Printf(", after 200 steps %.4f\n", mse.Forward(y, net.Forward(X)))
	// Output:
	// Tensor[2 2]
	//   [-0.2 -0.05]
	//   [0.5 3]
	// alone: true <nil>
	// in a network: true <nil>
	// MSE before 4.8692, after 200 steps 0.0973
}

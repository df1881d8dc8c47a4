package layers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// activationInputs are the special values in every lane of a group of four
// (the SIMD build computes groups of four at once), 100 000 random
// activations, and every length from 0 to 13.
func activationInputs() [][]float64 {
	special := []float64{
		0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1, -1, 0.625, -0.625, 36.7, 37, -37,
		44.1, -44.1, 708, -708, 709, -709, 745, -745, -746, 5e-324, -5e-324, 1e-300, -1e-300, 1e300, -1e300,
	}
	var inputs [][]float64
	for _, v := range special {
		for lane := range 4 {
			x := []float64{0.5, -2, 3, -0.25, 1.5}
			x[lane] = v
			inputs = append(inputs, x)
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	big := make([]float64, 100_000)
	for i := range big {
		big[i] = r.NormFloat64() * 10
	}
	inputs = append(inputs, big)
	for n := range 14 {
		inputs = append(inputs, big[:n])
	}
	return inputs
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// TestActivationsMatchScalar checks that Sigmoid's and Tanh's Forward and
// BackwardDelta give, bit for bit, the scalar formulas of their docs for
// each element, in every build.
func TestActivationsMatchScalar(t *testing.T) {
	cases := []struct {
		name     string
		module   Module
		forward  func(x float64) float64
		backward func(d, y float64) float64
	}{
		{"Sigmoid", NewSigmoid(), sigmoid, func(d, y float64) float64 { return d * y * (1 - y) }},
		{"Tanh", NewTanh(), math.Tanh, func(d, y float64) float64 { return d * (1 - y*y) }},
	}
	r := rand.New(rand.NewPCG(9, 10))
	for _, c := range cases {
		for _, x := range activationInputs() {
			in := tensor.FromSlice(append([]float64(nil), x...), len(x))
			y := c.module.Forward(in)
			delta := tensor.New(len(x))
			for i := range delta.Data {
				delta.Data[i] = r.NormFloat64()
			}
			dx := c.module.BackwardDelta(in, delta)
			for i, v := range x {
				want := c.forward(v)
				if got := y.Data[i]; !sameBits(got, want) {
					t.Errorf("%s(%v) = %v [%#x], scalar %v [%#x] (n=%d, i=%d)",
						c.name, v, got, math.Float64bits(got), want, math.Float64bits(want), len(x), i)
				}
				want = c.backward(delta.Data[i], y.Data[i])
				if got := dx.Data[i]; !sameBits(got, want) {
					t.Errorf("%s backward at x=%v, δ=%v: %v, scalar %v (n=%d, i=%d)",
						c.name, v, delta.Data[i], got, want, len(x), i)
				}
			}
		}
	}
}

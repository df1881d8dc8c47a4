package layers

import (
	"math"

	"github.com/nndiy/nndiy/tensor"
)

// Tanh is the element-wise hyperbolic tangent, for inputs of any shape:
//
//	Y = tanh(X)
//	dL/dX = δ ⊙ (1 − Y²)        since tanh′(x) = 1 − tanh²(x)
//
// where ⊙ is the element-wise product and δ = dL/dY has X's shape. See
// docs/derivations.md#tanh. Tanh(±Inf) = ±1 and Tanh(NaN) = NaN.
//
// BackwardDelta reuses the Y saved by the latest Forward when x is the
// tensor that Forward received (the usual order of a training step), and
// recomputes it otherwise.
type Tanh struct {
	NoParameters
	in, out, dx *tensor.Tensor
}

// NewTanh returns a Tanh module.
func NewTanh() *Tanh { return &Tanh{} }

// Forward returns tanh(X) in a buffer owned by t.
func (t *Tanh) Forward(x *tensor.Tensor) *tensor.Tensor {
	t.out = tensor.Reuse(t.out, x.Shape...)
	y, xs := t.out.Data, x.Data[:len(t.out.Data)]
	if !tanhSIMD(y, xs) { // the same bits four at a time in the SIMD build: activation_simd.go
		for i, v := range xs {
			y[i] = math.Tanh(v)
		}
	}
	t.in = x
	return t.out
}

// BackwardUpdateGradient does nothing: Tanh has no parameters.
func (t *Tanh) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns δ ⊙ (1 − Y²) in a buffer owned by t.
func (t *Tanh) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	mustSameShape("layers.Tanh.BackwardDelta", "delta", delta, "input", x)
	if x != t.in {
		t.Forward(x)
	}
	t.dx = tensor.Reuse(t.dx, x.Shape...)
	dx, d, y := t.dx.Data, delta.Data[:len(t.dx.Data)], t.out.Data[:len(t.dx.Data)]
	if !tanhBackwardSIMD(dx, d, y) {
		for i := range d {
			dx[i] = d[i] * (1 - y[i]*y[i])
		}
	}
	return t.dx
}

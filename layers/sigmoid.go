package layers

import (
	"math"

	"github.com/nndiy/nndiy/tensor"
)

// Sigmoid is the element-wise logistic function, for inputs of any shape:
//
//	Y = σ(X) = 1 / (1 + exp(−X))
//	dL/dX = δ ⊙ Y ⊙ (1 − Y)     since σ′(x) = σ(x)·(1 − σ(x))
//
// where ⊙ is the element-wise product and δ = dL/dY has X's shape. See
// docs/derivations.md#sigmoid.
//
// σ is computed without overflow for every input: as 1/(1+exp(−x)) for
// x ≥ 0 and as exp(x)/(1+exp(x)) for x < 0, so exp only ever sees a
// non-positive argument. Special cases:
//
//	Sigmoid(+Inf) = 1
//	Sigmoid(−Inf) = 0
//	Sigmoid(NaN) = NaN
//
// and Sigmoid(x) is exactly 1 for x ≥ 37 (1 − σ(x) < 2⁻⁵³) and exactly 0
// for x ≤ −746 (exp underflows); the derivative there is 0, not NaN. It is
// positive for x ≥ −744; in between, whether exp(x) rounds to the smallest
// subnormal or to 0 depends on the architecture's math.Exp.
//
// BackwardDelta reuses the Y saved by the latest Forward when x is the
// tensor that Forward received, and recomputes it otherwise.
type Sigmoid struct {
	NoParameters
	in, out, dx *tensor.Tensor
}

// NewSigmoid returns a Sigmoid module.
func NewSigmoid() *Sigmoid { return &Sigmoid{} }

// sigmoid returns 1/(1+exp(−x)) without overflowing exp.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x) // also reached by NaN, which propagates
	return e / (1 + e)
}

// Forward returns σ(X) in a buffer owned by s.
func (s *Sigmoid) Forward(x *tensor.Tensor) *tensor.Tensor {
	s.out = tensor.Reuse(s.out, x.Shape...)
	y, xs := s.out.Data, x.Data[:len(s.out.Data)]
	if !sigmoidSIMD(y, xs) { // the same bits four at a time in the SIMD build: activation_simd.go
		for i, v := range xs {
			y[i] = sigmoid(v)
		}
	}
	s.in = x
	return s.out
}

// BackwardUpdateGradient does nothing: Sigmoid has no parameters.
func (s *Sigmoid) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns δ ⊙ Y ⊙ (1 − Y) in a buffer owned by s.
func (s *Sigmoid) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	mustSameShape("layers.Sigmoid.BackwardDelta", "delta", delta, "input", x)
	if x != s.in {
		s.Forward(x)
	}
	s.dx = tensor.Reuse(s.dx, x.Shape...)
	dx, d, y := s.dx.Data, delta.Data[:len(s.dx.Data)], s.out.Data[:len(s.dx.Data)]
	if !sigmoidBackwardSIMD(dx, d, y) {
		for i := range d {
			dx[i] = d[i] * y[i] * (1 - y[i])
		}
	}
	return s.dx
}

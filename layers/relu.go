package layers

import "github.com/nndiy/nndiy/tensor"

// ReLU is the element-wise rectified linear unit, for inputs of any shape:
//
//	Y = max(0, X)
//	dL/dX = δ ⊙ [X > 0]         the derivative taken as 0 at x = 0
//
// where [X > 0] is 1 where X is positive and 0 elsewhere, as PyTorch. See
// docs/derivations.md#relu. ReLU(NaN) = NaN and δ passes through a NaN
// input, as torch.relu.
type ReLU struct {
	NoParameters
	out, dx *tensor.Tensor
}

// NewReLU returns a ReLU module.
func NewReLU() *ReLU { return &ReLU{} }

// Forward returns max(0, X) in a buffer owned by r.
func (r *ReLU) Forward(x *tensor.Tensor) *tensor.Tensor {
	r.out = tensor.Reuse(r.out, x.Shape...)
	y := r.out.Data
	for i, v := range x.Data {
		if v <= 0 { // false for NaN, which passes through
			v = 0
		}
		y[i] = v
	}
	return r.out
}

// BackwardUpdateGradient does nothing: ReLU has no parameters.
func (r *ReLU) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns δ where X > 0 and 0 elsewhere, in a buffer owned by r.
func (r *ReLU) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	mustSameShape("layers.ReLU.BackwardDelta", "delta", delta, "input", x)
	r.dx = tensor.Reuse(r.dx, x.Shape...)
	dx, d := r.dx.Data, delta.Data[:len(r.dx.Data)]
	for i, v := range x.Data {
		if v <= 0 { // as PyTorch: a NaN input passes δ through
			dx[i] = 0
		} else {
			dx[i] = d[i]
		}
	}
	return r.dx
}

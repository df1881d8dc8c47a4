package layers

import (
	"math"

	"github.com/nndiy/nndiy/tensor"
)

// Softmax turns each row of an N×C matrix into probabilities:
//
//	Yₙⱼ = exp(Xₙⱼ − Mₙ) / Σₖ exp(Xₙₖ − Mₙ)        Mₙ = maxₖ Xₙₖ
//	dL/dXₙⱼ = Yₙⱼ·(δₙⱼ − Σₖ δₙₖ·Yₙₖ)             N×C
//
// Subtracting the row maximum Mₙ changes nothing mathematically and keeps
// every exp in (0, 1], so no input overflows. The backward formula is the
// Jacobian ∂Yₙⱼ/∂Xₙᵢ = Yₙⱼ·([i = j] − Yₙᵢ) applied to δ; see
// docs/derivations.md#softmax.
//
// Special cases, row by row: an entry −Inf gets probability 0 (the others
// are the softmax of the finite entries); a row of only −Inf, a row holding
// +Inf and a row holding NaN give a row of NaN, as torch.softmax.
//
// BackwardDelta reuses the Y saved by the latest Forward when x is the
// tensor that Forward received, and recomputes it otherwise. For
// classification, prefer losses.SoftmaxCrossEntropy on the logits: it is
// both cheaper and exact where Softmax's output underflows.
type Softmax struct {
	NoParameters
	in, out, dx *tensor.Tensor
}

// NewSoftmax returns a Softmax module over the rows of its input.
func NewSoftmax() *Softmax { return &Softmax{} }

// Forward returns the row-wise softmax of X in a buffer owned by s.
func (s *Softmax) Forward(x *tensor.Tensor) *tensor.Tensor {
	mustMatrix("layers.Softmax.Forward", "input", x)
	s.out = tensor.Reuse(s.out, x.Shape...)
	for n := range x.Shape[0] {
		row, y := x.Row(n), s.out.Row(n)
		m := math.Inf(-1)
		for _, v := range row {
			m = max(m, v) // NaN-propagating
		}
		sum := 0.0
		for j, v := range row {
			y[j] = math.Exp(v - m)
			sum += y[j]
		}
		for j := range y {
			y[j] /= sum
		}
	}
	s.in = x
	return s.out
}

// BackwardUpdateGradient does nothing: Softmax has no parameters.
func (s *Softmax) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns Yₙⱼ·(δₙⱼ − Σₖ δₙₖ·Yₙₖ) in a buffer owned by s.
func (s *Softmax) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	mustMatrix("layers.Softmax.BackwardDelta", "input", x)
	mustSameShape("layers.Softmax.BackwardDelta", "delta", delta, "input", x)
	if x != s.in {
		s.Forward(x)
	}
	s.dx = tensor.Reuse(s.dx, x.Shape...)
	for n := range x.Shape[0] {
		y, d, dx := s.out.Row(n), delta.Row(n), s.dx.Row(n)
		dot := 0.0
		for k, v := range d {
			dot += v * y[k]
		}
		for j, v := range d {
			dx[j] = y[j] * (v - dot)
		}
	}
	return s.dx
}

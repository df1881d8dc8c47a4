package layers

import (
	"math"

	"github.com/nndiy/nndiy/tensor"
)

// LogSoftmax is the logarithm of Softmax over each row of an N×C matrix,
// computed directly so that it stays exact where Softmax underflows:
//
//	Yₙⱼ = Xₙⱼ − (Mₙ + log Σₖ exp(Xₙₖ − Mₙ))       Mₙ = maxₖ Xₙₖ
//	dL/dXₙⱼ = δₙⱼ − exp(Yₙⱼ)·Σₖ δₙₖ              N×C
//
// since ∂Yₙₖ/∂Xₙⱼ = [j = k] − softmax(Xₙ)ⱼ and softmax(Xₙ)ⱼ = exp(Yₙⱼ); see
// docs/derivations.md#logsoftmax. Pair it with losses.NLL.
//
// Special cases, row by row: an entry −Inf gives −Inf (the others are the
// log-softmax of the finite entries, and δ passes through it unchanged in
// the backward pass); a row of only −Inf, a row holding +Inf and a row
// holding NaN give a row of NaN, as torch.log_softmax.
//
// BackwardDelta reuses the Y saved by the latest Forward when x is the
// tensor that Forward received, and recomputes it otherwise.
type LogSoftmax struct {
	NoParameters
	in, out, dx *tensor.Tensor
}

// NewLogSoftmax returns a LogSoftmax module over the rows of its input.
func NewLogSoftmax() *LogSoftmax { return &LogSoftmax{} }

// Forward returns the row-wise log-softmax of X in a buffer owned by l.
func (l *LogSoftmax) Forward(x *tensor.Tensor) *tensor.Tensor {
	mustMatrix("layers.LogSoftmax.Forward", "input", x)
	l.out = tensor.Reuse(l.out, x.Shape...)
	for n := range x.Shape[0] {
		row, y := x.Row(n), l.out.Row(n)
		lse := tensor.LogSumExp(row) // Mₙ + log Σₖ exp(Xₙₖ − Mₙ)
		if math.IsInf(lse, 1) {
			lse = math.NaN() // a row holding +Inf: NaN throughout, as torch.log_softmax
		}
		for j, v := range row {
			y[j] = v - lse
		}
	}
	l.in = x
	return l.out
}

// BackwardUpdateGradient does nothing: LogSoftmax has no parameters.
func (l *LogSoftmax) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns δₙⱼ − exp(Yₙⱼ)·Σₖ δₙₖ in a buffer owned by l.
func (l *LogSoftmax) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	mustMatrix("layers.LogSoftmax.BackwardDelta", "input", x)
	mustSameShape("layers.LogSoftmax.BackwardDelta", "delta", delta, "input", x)
	if x != l.in {
		l.Forward(x)
	}
	l.dx = tensor.Reuse(l.dx, x.Shape...)
	for n := range x.Shape[0] {
		y, d, dx := l.out.Row(n), delta.Row(n), l.dx.Row(n)
		sum := 0.0
		for _, v := range d {
			sum += v
		}
		for j, v := range d {
			dx[j] = v - math.Exp(y[j])*sum
		}
	}
	return l.dx
}

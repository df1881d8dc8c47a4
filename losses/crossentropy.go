package losses

import (
	"math"

	"github.com/nndiy/nndiy/tensor"
)

// CrossEntropy is the cross-entropy of probabilities, the loss to put after
// a layers.Softmax: for N×C one-hot targets y and probabilities ŷ,
//
//	L = −(1/N)·Σₙ Σⱼ yₙⱼ·log ŷₙⱼ
//	dL/dŷ = −(1/N)·y / ŷ                           N×C, element-wise
//
// See docs/derivations.md#crossentropy. The log is guarded as BCE's: it is
// clamped below at −100 and the ŷ of the gradient's denominator is clamped
// below at 1e-12 (PyTorch's float32 1e-12), so ŷ = 0 where y = 1 gives a
// loss of 100 and a gradient of −1.000000004e12/N instead of +Inf and −Inf.
// Terms with yₙⱼ = 0 are skipped, so any value of ŷ there (even a NaN) is
// ignored. Targets need not be one-hot: any rows of weights give
// −Σⱼ yₙⱼ·log ŷₙⱼ.
//
// SoftmaxCrossEntropy on the logits computes the same loss without the
// Softmax, exactly where Softmax would underflow; prefer it for training.
type CrossEntropy struct {
	grad *tensor.Tensor
}

// NewCrossEntropy returns the cross-entropy loss on probabilities.
func NewCrossEntropy() *CrossEntropy { return &CrossEntropy{} }

// Forward returns −(1/N)·Σₙ Σⱼ yₙⱼ·log ŷₙⱼ.
func (l *CrossEntropy) Forward(y, yhat *tensor.Tensor) float64 {
	mustSameMatrix("losses.CrossEntropy.Forward", y, yhat)
	s := 0.0
	for n := range yhat.Shape[0] {
		s += crossEntropyRow(y.Row(n), yhat.Row(n))
	}
	return s / float64(yhat.Shape[0])
}

// PerExample sets dst[n] to −Σⱼ yₙⱼ·log ŷₙⱼ.
func (l *CrossEntropy) PerExample(dst []float64, y, yhat *tensor.Tensor) []float64 {
	mustSameMatrix("losses.CrossEntropy.PerExample", y, yhat)
	dst = perExampleDst("losses.CrossEntropy.PerExample", dst, yhat)
	for n := range dst {
		dst[n] = crossEntropyRow(y.Row(n), yhat.Row(n))
	}
	return dst
}

func crossEntropyRow(y, yhat []float64) float64 {
	s := 0.0
	y = y[:len(yhat)]
	for j, p := range yhat {
		if y[j] != 0 {
			s -= y[j] * max(math.Log(p), bceMinLog)
		}
	}
	return s
}

// Backward returns −(1/N)·y/max(ŷ, 1e-12) in a buffer owned by l.
func (l *CrossEntropy) Backward(y, yhat *tensor.Tensor) *tensor.Tensor {
	mustSameMatrix("losses.CrossEntropy.Backward", y, yhat)
	l.grad = tensor.Reuse(l.grad, yhat.Shape...)
	n := float64(yhat.Shape[0])
	g, t := l.grad.Data, y.Data[:len(yhat.Data)]
	for i, p := range yhat.Data {
		if t[i] == 0 {
			g[i] = 0
			continue
		}
		g[i] = -t[i] / max(p, bceMinDenominator) / n
	}
	return l.grad
}

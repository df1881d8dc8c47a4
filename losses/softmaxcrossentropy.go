package losses

import (
	"math"

	"github.com/nndiy/nndiy/tensor"
)

// SoftmaxCrossEntropy is the cross-entropy of the softmax of logits, with
// the log-softmax fused inside, as nn.CrossEntropyLoss with probability
// targets: for N×C one-hot targets y and logits ŷ,
//
//	L = (1/N)·Σₙ [LSEₙ·Sₙ − Σⱼ yₙⱼ·ŷₙⱼ]          LSEₙ = log Σⱼ exp(ŷₙⱼ), Sₙ = Σⱼ yₙⱼ
//	dL/dŷ = (1/N)·(softmax(ŷ)·S − y)              N×C, = (softmax(ŷ) − y)/N for one-hot y
//
// that is −(1/N)·Σₙ Σⱼ yₙⱼ·log softmax(ŷₙ)ⱼ, computed through the row
// maximum so that nothing overflows and nothing underflows to log 0. See
// docs/derivations.md#softmaxcrossentropy. Terms with yₙⱼ = 0 are skipped,
// so a logit −Inf of a class that is not the target costs nothing (PyTorch
// returns NaN there).
//
// Use it on the output of the last Linear layer, without a Softmax module:
// it is the numerically sound way to train a classifier, and its gradient
// is the simple one above.
type SoftmaxCrossEntropy struct {
	grad *tensor.Tensor
}

// NewSoftmaxCrossEntropy returns the fused softmax + cross-entropy loss on
// logits.
func NewSoftmaxCrossEntropy() *SoftmaxCrossEntropy { return &SoftmaxCrossEntropy{} }

// Forward returns −(1/N)·Σₙ Σⱼ yₙⱼ·log softmax(ŷₙ)ⱼ.
func (l *SoftmaxCrossEntropy) Forward(y, yhat *tensor.Tensor) float64 {
	mustSameMatrix("losses.SoftmaxCrossEntropy.Forward", y, yhat)
	s := 0.0
	for n := range yhat.Shape[0] {
		s += softmaxCrossEntropyRow(y.Row(n), yhat.Row(n))
	}
	return s / float64(yhat.Shape[0])
}

// PerExample sets dst[n] to −Σⱼ yₙⱼ·log softmax(ŷₙ)ⱼ.
func (l *SoftmaxCrossEntropy) PerExample(dst []float64, y, yhat *tensor.Tensor) []float64 {
	mustSameMatrix("losses.SoftmaxCrossEntropy.PerExample", y, yhat)
	dst = perExampleDst("losses.SoftmaxCrossEntropy.PerExample", dst, yhat)
	for n := range dst {
		dst[n] = softmaxCrossEntropyRow(y.Row(n), yhat.Row(n))
	}
	return dst
}

// logSumExpRow returns tensor.LogSumExp(x), Mₙ + log Σⱼ exp(xⱼ − Mₙ), and
// NaN where that is +Inf (a row holding +Inf): the log-softmax xⱼ − LSE is
// then NaN throughout, as layers.LogSoftmax and torch.log_softmax.
func logSumExpRow(x []float64) float64 {
	lse := tensor.LogSumExp(x)
	if math.IsInf(lse, 1) {
		return math.NaN()
	}
	return lse
}

// softmaxCrossEntropyRow returns −Σⱼ yⱼ·(ŷⱼ − LSE), the log-softmax
// formed term by term as LogSoftmax does.
func softmaxCrossEntropyRow(y, yhat []float64) float64 {
	lse := logSumExpRow(yhat)
	s := 0.0
	y = y[:len(yhat)]
	for j, p := range yhat {
		if y[j] != 0 {
			s -= y[j] * (p - lse)
		}
	}
	return s
}

// Backward returns (1/N)·(softmax(ŷ)·S − y) in a buffer owned by l.
func (l *SoftmaxCrossEntropy) Backward(y, yhat *tensor.Tensor) *tensor.Tensor {
	mustSameMatrix("losses.SoftmaxCrossEntropy.Backward", y, yhat)
	l.grad = tensor.Reuse(l.grad, yhat.Shape...)
	n := float64(yhat.Shape[0])
	for i := range yhat.Shape[0] {
		x, t, g := yhat.Row(i), y.Row(i), l.grad.Row(i)
		lse := logSumExpRow(x)
		sum := 0.0
		for _, v := range t {
			sum += v
		}
		for j, v := range x {
			g[j] = (math.Exp(v-lse)*sum - t[j]) / n
		}
	}
	return l.grad
}

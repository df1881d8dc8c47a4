package losses

import "github.com/nndiy/nndiy/tensor"

// NLL is the negative log-likelihood of log-probabilities, the loss to put
// after a layers.LogSoftmax, as nn.NLLLoss with the classes given one-hot:
// for N×C one-hot targets y and log-probabilities ŷ,
//
//	L = −(1/N)·Σₙ Σⱼ yₙⱼ·ŷₙⱼ                      = −(1/N)·Σₙ ŷₙ,cₙ for classes cₙ
//	dL/dŷ = −(1/N)·y                               N×C
//
// See docs/derivations.md#nll. Terms with yₙⱼ = 0 are skipped, so a
// log-probability −Inf of a class that is not the target costs nothing (0·−Inf
// would be NaN). Targets need not be one-hot: any rows of weights give
// −Σⱼ yₙⱼ·ŷₙⱼ.
type NLL struct {
	grad *tensor.Tensor
}

// NewNLL returns the negative log-likelihood loss on log-probabilities.
func NewNLL() *NLL { return &NLL{} }

// Forward returns −(1/N)·Σₙ Σⱼ yₙⱼ·ŷₙⱼ.
func (l *NLL) Forward(y, yhat *tensor.Tensor) float64 {
	mustSameMatrix("losses.NLL.Forward", y, yhat)
	s := 0.0
	for n := range yhat.Shape[0] {
		s += nllRow(y.Row(n), yhat.Row(n))
	}
	return s / float64(yhat.Shape[0])
}

// PerExample sets dst[n] to −Σⱼ yₙⱼ·ŷₙⱼ.
func (l *NLL) PerExample(dst []float64, y, yhat *tensor.Tensor) []float64 {
	mustSameMatrix("losses.NLL.PerExample", y, yhat)
	dst = perExampleDst("losses.NLL.PerExample", dst, yhat)
	for n := range dst {
		dst[n] = nllRow(y.Row(n), yhat.Row(n))
	}
	return dst
}

func nllRow(y, yhat []float64) float64 {
	s := 0.0
	y = y[:len(yhat)]
	for j, p := range yhat {
		if y[j] != 0 {
			s -= y[j] * p
		}
	}
	return s
}

// Backward returns −(1/N)·y in a buffer owned by l.
func (l *NLL) Backward(y, yhat *tensor.Tensor) *tensor.Tensor {
	mustSameMatrix("losses.NLL.Backward", y, yhat)
	l.grad = tensor.Reuse(l.grad, yhat.Shape...)
	n := float64(yhat.Shape[0])
	g := l.grad.Data
	for i, t := range y.Data {
		g[i] = -t / n
	}
	return l.grad
}

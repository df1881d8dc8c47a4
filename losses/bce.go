package losses

import (
	"math"

	"github.com/nndiy/nndiy/tensor"
)

// BCE is the binary cross-entropy, as nn.BCELoss: for targets y and
// probabilities ŷ in [0, 1], of any shape with K elements in all,
//
//	L = −(1/K)·Σᵢ [yᵢ·log ŷᵢ + (1 − yᵢ)·log(1 − ŷᵢ)]
//	dL/dŷ = (1/K)·(ŷ − y) / (ŷ·(1 − ŷ))            shaped like ŷ
//
// See docs/derivations.md#bce. As PyTorch, each log is clamped below at
// −100 so that a confident wrong prediction costs 100, not +Inf, and the
// denominator ŷ·(1 − ŷ) of the gradient is clamped below at 1e-12 (exactly
// PyTorch's float32 1e-12, 9.999999960041972e-13).
// log(1 − ŷ) is computed as log1p(−ŷ), exact for small ŷ. Special cases
// of one element's loss ℓ and gradient g (before the 1/K):
//
//	ŷ = y = 0 or ŷ = y = 1:   ℓ = 0,    g = 0
//	ŷ = 0, y = 1:             ℓ = 100,  g = −1.000000004e12
//	ŷ = 1, y = 0:             ℓ = 100,  g = +1.000000004e12
//	ŷ outside [0, 1] or NaN:  ℓ = NaN   (nn.BCELoss raises an error)
//
// PerExample gives the mean over each row's elements; its mean over the rows
// is L.
type BCE struct {
	grad *tensor.Tensor
}

// NewBCE returns the binary cross-entropy loss.
func NewBCE() *BCE { return &BCE{} }

// bceMinLog is the value PyTorch clamps each log of BCE to.
const bceMinLog = -100

// bceMinDenominator is the value PyTorch clamps ŷ·(1 − ŷ) to in BCE's
// gradient, and CrossEntropy clamps ŷ to in its gradient: PyTorch's EPSILON,
// the float32 constant 1e-12f, which is 9.999999960041972e-13 as a float64.
const bceMinDenominator = float64(float32(1e-12))

// Forward returns the mean binary cross-entropy over all elements.
func (l *BCE) Forward(y, yhat *tensor.Tensor) float64 {
	mustSameShape("losses.BCE.Forward", y, yhat)
	return bceSum(y.Data, yhat.Data) / float64(yhat.Len())
}

// PerExample sets dst[n] to the mean binary cross-entropy over row n.
func (l *BCE) PerExample(dst []float64, y, yhat *tensor.Tensor) []float64 {
	mustSameShape("losses.BCE.PerExample", y, yhat)
	dst = perExampleDst("losses.BCE.PerExample", dst, yhat)
	d := rowLen(yhat)
	for n := range dst {
		dst[n] = bceSum(y.Data[n*d:(n+1)*d], yhat.Data[n*d:(n+1)*d]) / float64(d)
	}
	return dst
}

// bceSum returns Σᵢ −[yᵢ·log ŷᵢ + (1 − yᵢ)·log(1 − ŷᵢ)] with clamped logs,
// written as PyTorch's kernel: (y − 1)·log(1 − ŷ) − y·log ŷ.
//
// The logs are most of a training step's loss: where the target is 0 or 1,
// as most pixels of USPS's digits are, the term whose factor vanishes is
// skipped, which saves one log of the two. The sum is the same, bit for
// bit, as the plain loop that always computes both (bceSumRef in the
// tests): the skipped log is finite there (ŷ ≥ 0 for log ŷ, ŷ ≤ 1 for
// log(1 − ŷ), both clamped at −100), so it would have added (t − 1)·0 or
// 0·log ŷ, a zero; outside [0, 1] or at NaN both logs are computed and the
// NaN propagates.
func bceSum(y, yhat []float64) float64 {
	if s, ok := bceSumSIMD(y, yhat); ok { // the same bits four at a time in the SIMD build: bce_simd.go
		return s
	}
	y = y[:len(yhat)]
	s := 0.0
	for i, p := range yhat {
		switch t := y[i]; {
		case t == 0 && p >= 0:
			s -= max(math.Log1p(-p), bceMinLog)
		case t == 1 && p <= 1:
			s -= max(math.Log(p), bceMinLog)
		default:
			logP := max(math.Log(p), bceMinLog)
			log1mP := max(math.Log1p(-p), bceMinLog)
			s += (t-1)*log1mP - t*logP
		}
	}
	return s
}

// Backward returns (1/K)·(ŷ − y)/max(ŷ·(1 − ŷ), 1e-12) in a buffer owned
// by l.
func (l *BCE) Backward(y, yhat *tensor.Tensor) *tensor.Tensor {
	mustSameShape("losses.BCE.Backward", y, yhat)
	l.grad = tensor.Reuse(l.grad, yhat.Shape...)
	k := float64(yhat.Len())
	g, t, p := l.grad.Data, y.Data[:len(yhat.Data)], yhat.Data
	if !bceGradSIMD(g, t, p, k) { // the same bits four at a time in the SIMD build: bce_simd.go
		for i := range p {
			g[i] = (p[i] - t[i]) / max((1-p[i])*p[i], bceMinDenominator) / k
		}
	}
	return l.grad
}

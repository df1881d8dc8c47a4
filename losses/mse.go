package losses

import "github.com/nndiy/nndiy/tensor"

// MSE is the mean squared error, as nn.MSELoss: for y and ŷ of any shape
// with K elements in all,
//
//	L = (1/K)·Σᵢ (ŷᵢ − yᵢ)²
//	dL/dŷ = (2/K)·(ŷ − y)                        shaped like ŷ
//
// See docs/derivations.md#mse. PerExample gives the mean over each row's D
// elements, (1/D)·Σⱼ (ŷₙⱼ − yₙⱼ)², whose mean over the N rows is L (the
// course's per-example ‖y − ŷ‖² is D times this).
type MSE struct {
	grad *tensor.Tensor
}

// NewMSE returns the mean squared error loss.
func NewMSE() *MSE { return &MSE{} }

// Forward returns the mean of (ŷ − y)² over all elements.
func (l *MSE) Forward(y, yhat *tensor.Tensor) float64 {
	mustSameShape("losses.MSE.Forward", y, yhat)
	return mseSum(y.Data, yhat.Data) / float64(yhat.Len())
}

// PerExample sets dst[n] to the mean of (ŷ − y)² over row n.
func (l *MSE) PerExample(dst []float64, y, yhat *tensor.Tensor) []float64 {
	mustSameShape("losses.MSE.PerExample", y, yhat)
	dst = perExampleDst("losses.MSE.PerExample", dst, yhat)
	d := rowLen(yhat)
	for n := range dst {
		dst[n] = mseSum(y.Data[n*d:(n+1)*d], yhat.Data[n*d:(n+1)*d]) / float64(d)
	}
	return dst
}

func mseSum(y, yhat []float64) float64 {
	s := 0.0
	y = y[:len(yhat)]
	for i, p := range yhat {
		e := p - y[i]
		s += e * e
	}
	return s
}

// Backward returns (2/K)·(ŷ − y) in a buffer owned by l.
func (l *MSE) Backward(y, yhat *tensor.Tensor) *tensor.Tensor {
	mustSameShape("losses.MSE.Backward", y, yhat)
	l.grad = tensor.Reuse(l.grad, yhat.Shape...)
	s := 2 / float64(yhat.Len())
	g, t := l.grad.Data, y.Data[:len(yhat.Data)]
	for i, p := range yhat.Data {
		g[i] = s * (p - t[i])
	}
	return l.grad
}

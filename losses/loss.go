package losses

import "github.com/nndiy/nndiy/tensor"

// Loss is the course's loss API. y is the target and yhat the prediction,
// target first as in the course; both are batches with one example per row.
//
// Backward returns a tensor owned by the loss and reused: it stays valid
// until the next call to Backward on the same loss.
type Loss interface {
	// Forward returns the loss of the batch, reduced as PyTorch's
	// reduction='mean' for the same loss.
	Forward(y, yhat *tensor.Tensor) float64
	// Backward returns d(Forward)/d(yhat), shaped like yhat.
	Backward(y, yhat *tensor.Tensor) *tensor.Tensor
}

// PerExampleLoss is a Loss that also gives the loss of each example, as the
// course's forward does. Every loss of this package implements it.
type PerExampleLoss interface {
	Loss
	// PerExample sets dst[n] to the loss of example n (row n of y and yhat)
	// and returns dst; a nil dst is allocated, otherwise it must have one
	// element per example. Forward(y, yhat) is the mean of these values, up
	// to rounding.
	PerExample(dst []float64, y, yhat *tensor.Tensor) []float64
}

package losses

import (
	"fmt"

	"github.com/nndiy/nndiy/tensor"
)

// A mismatch of shapes is a programmer error: losses panic with a message
// naming the operation and both shapes, as in
//
//	losses.MSE.Forward: target shape [3 2] does not match prediction shape [3 4]

// mustSameShape panics unless the target y and the prediction yhat have the
// same shape with at least one dimension (the examples).
func mustSameShape(op string, y, yhat *tensor.Tensor) {
	if !tensor.SameShape(y, yhat) || len(yhat.Shape) == 0 {
		panic(fmt.Sprintf("%s: target shape %v does not match prediction shape %v", op, y.Shape, yhat.Shape))
	}
}

// mustSameMatrix is mustSameShape for losses over the C classes of each row
// of an N×C matrix.
func mustSameMatrix(op string, y, yhat *tensor.Tensor) {
	mustSameShape(op, y, yhat)
	if len(yhat.Shape) != 2 {
		panic(fmt.Sprintf("%s: prediction shape %v is not a matrix (batch × classes)", op, yhat.Shape))
	}
}

// perExampleDst returns dst, or a new slice of n values when dst is nil,
// after checking its length.
func perExampleDst(op string, dst []float64, yhat *tensor.Tensor) []float64 {
	n := yhat.Shape[0]
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("%s: destination of length %d for prediction shape %v (%d examples)", op, len(dst), yhat.Shape, n))
	}
	return dst
}

// rowLen returns the number of values per example of t (all but the first
// dimension).
func rowLen(t *tensor.Tensor) int {
	if t.Shape[0] == 0 {
		return 0
	}
	return t.Len() / t.Shape[0]
}

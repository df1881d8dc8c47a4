package layers

import (
	"fmt"

	"github.com/nndiy/nndiy/tensor"
)

// Flatten reshapes a batch to a matrix with one example per row, keeping
// the batch axis and merging the others: (batch, length, chans) becomes
// (batch, length·chans), as between the course's MaxPool1D and Linear, and
// any rank ≥ 2 works the same way. In row-major storage the values do not
// move, so Forward returns a view of x and BackwardDelta a view of delta
// with x's shape, like torch.flatten: the results share storage with the
// arguments and copy nothing.
//
// The layer is the identity on the values, so dL/dx is δ with x's shape.
type Flatten struct {
	NoParameters
	out, dx tensor.Tensor // reused headers
}

// NewFlatten returns a Flatten layer.
func NewFlatten() *Flatten { return &Flatten{} }

// Forward returns x viewed as (batch, rest). It panics if x has rank < 2.
func (m *Flatten) Forward(x *tensor.Tensor) *tensor.Tensor {
	flattenCheck("layers.Flatten.Forward", x)
	return im2colView(&m.out, x.Data, x.Shape[0], flattenRest(x))
}

// BackwardUpdateGradient does nothing: Flatten has no parameters.
func (m *Flatten) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns delta viewed with x's shape. It panics unless delta
// is shaped (batch, rest) for x.
func (m *Flatten) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	flattenCheck("layers.Flatten.BackwardDelta", x)
	if len(delta.Shape) != 2 || delta.Shape[0] != x.Shape[0] || delta.Shape[1] != flattenRest(x) {
		panicShapes("layers.Flatten.BackwardDelta", "delta", delta.Shape, "output", []int{x.Shape[0], flattenRest(x)})
	}
	return im2colView(&m.dx, delta.Data, x.Shape...)
}

// String returns "Flatten()".
func (m *Flatten) String() string { return "Flatten()" }

func flattenCheck(op string, x *tensor.Tensor) {
	if len(x.Shape) < 2 {
		panic(fmt.Sprintf("%s: input shape %v has no axis besides the batch", op, x.Shape))
	}
}

// flattenRest returns the product of x's axes after the first.
func flattenRest(x *tensor.Tensor) int {
	n := 1
	for _, d := range x.Shape[1:] {
		n *= d
	}
	return n
}

package layers

import (
	"fmt"

	"github.com/nndiy/nndiy/tensor"
)

// This file holds the shape checks shared by every module of the package
// (the buffers they return are kept with tensor.Reuse). A shape mismatch is
// a programmer error: the module panics with a message naming the operation
// and both shapes, as in
//
//	layers.Linear.Forward: input shape [3 5] does not match weight shape [4 2]

// panicShapes panics with "op: nameA shape a does not match nameB shape b".
func panicShapes(op, nameA string, a []int, nameB string, b []int) {
	panic(fmt.Sprintf("%s: %s shape %v does not match %s shape %v", op, nameA, a, nameB, b))
}

// mustSameShape panics with panicShapes unless a and b have the same shape.
func mustSameShape(op, nameA string, a *tensor.Tensor, nameB string, b *tensor.Tensor) {
	if !tensor.SameShape(a, b) {
		panicShapes(op, nameA, a.Shape, nameB, b.Shape)
	}
}

// mustMatrix panics unless t is 2-D (a batch with one example per row).
func mustMatrix(op, name string, t *tensor.Tensor) {
	if len(t.Shape) != 2 {
		panic(fmt.Sprintf("%s: %s shape %v is not a matrix (batch × features)", op, name, t.Shape))
	}
}

// mustShape panics unless t has the shape want, where a -1 in want matches
// any size; the message names want as the expected shape, -1 written as N.
func mustShape(op, name string, t *tensor.Tensor, want ...int) {
	ok := len(t.Shape) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = want[i] == -1 || want[i] == t.Shape[i]
	}
	if !ok {
		w := make([]string, len(want))
		for i, d := range want {
			if d == -1 {
				w[i] = "N"
			} else {
				w[i] = fmt.Sprint(d)
			}
		}
		panic(fmt.Sprintf("%s: %s shape %v does not match expected shape %v", op, name, t.Shape, w))
	}
}

// parameterList is the parameters of a module that has some, with what
// ZeroGrad and UpdateParameters do to them.
type parameterList []*Parameter

// zeroGrad sets every gradient to zero. (clear compiles to the runtime's
// vectorised memclr, several times faster than a loop storing zeros one by
// one, as Fill(0) does.)
func (ps parameterList) zeroGrad() {
	for _, p := range ps {
		clear(p.Grad.Data)
	}
}

// update takes the step θ -= lr·dL/dθ on every parameter.
func (ps parameterList) update(lr float64) {
	for _, p := range ps {
		tensor.AddScaled(p.Value, p.Value, -lr, p.Grad)
	}
}

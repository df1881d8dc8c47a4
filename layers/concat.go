package layers

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/nndiy/nndiy/tensor"
)

// Concat runs several branches on the same input and concatenates their
// outputs along the last axis: the features of a batch of vectors, the
// channels of channels-last sequences and images. With K branches fₖ,
//
//	Yₖ = fₖ(X)                  shaped (…, Cₖ), the same leading axes for every k
//	Y  = [Y₀ | Y₁ | … | Y_K−1]   shaped (…, C₀+C₁+…+C_K−1)
//
// as PyTorch's torch.cat([f(x) for f in branches], dim=-1), or Lua Torch's
// nn.Concat. The course's two-branch network is a Concat of a Conv1D
// branch over the rows of the digit and one over its columns (after a
// TransposeImage), each pooled and flattened. (PyTorch, channels-first,
// concatenates channels on dim=1; nndiy is channels-last, so channels are
// the last axis.)
//
// # Backward
//
// Y's last axis is cut into K slices, and slice k depends only on branch k:
// δ = dL/dY cut the same way gives each branch its own δₖ = dL/dYₖ, the
// columns of δ that its output filled. Every branch reads the whole of X,
// so X's gradient collects one term per branch, as a value used in several
// places does:
//
//	dL/dθₖ  = branch k's parameter gradient for δₖ
//	dL/dX   = Σₖ fₖ.BackwardDelta(X, δₖ)
//
// The derivation is in docs/derivations.md#concat.
//
// Parameters are named by path as in a Sequential: parameter "weight" of
// the module at position 2 of branch 1 is "1.2.weight", as PyTorch names
// the parameters of an nn.ModuleList. As in a Sequential, a module instance
// must appear only once in the whole network.
type Concat struct {
	branches []Module

	outs   []*tensor.Tensor // Yₖ from the latest Forward, owned by the branches
	widths []int            // Cₖ from the latest Forward
	shape  []int            // scratch for a result's shape
	out    *tensor.Tensor   // Forward's result, reused
	deltas []*tensor.Tensor // δₖ, reused
	dx     *tensor.Tensor   // BackwardDelta's result, reused

	params pathParameters // path-named views of the branches' parameters
}

// NewConcat returns the concatenation of the branches' outputs, in the
// given order. It panics without a branch.
func NewConcat(branches ...Module) *Concat {
	if len(branches) == 0 {
		panic("layers.NewConcat: need at least one branch")
	}
	k := len(branches)
	return &Concat{branches: slices.Clone(branches), outs: make([]*tensor.Tensor, k), widths: make([]int, k), deltas: make([]*tensor.Tensor, k)}
}

// Branches returns the branches, in order. The slice is owned by c.
func (c *Concat) Branches() []Module { return c.branches }

// Forward runs every branch on x and returns their outputs side by side
// along the last axis, in a buffer owned by c. It panics unless the
// branches' outputs have the same shape but for their last axis.
func (c *Concat) Forward(x *tensor.Tensor) *tensor.Tensor {
	outs, total := c.outs, 0
	for k, b := range c.branches {
		y := b.Forward(x)
		if len(y.Shape) < 2 {
			panic(fmt.Sprintf("layers.Concat.Forward: branch %d output shape %v has no axis besides the batch", k, y.Shape))
		}
		if k > 0 && !slices.Equal(y.Shape[:len(y.Shape)-1], outs[0].Shape[:len(outs[0].Shape)-1]) {
			panicShapes("layers.Concat.Forward", "branch "+strconv.Itoa(k)+" output", y.Shape, "branch 0 output", outs[0].Shape)
		}
		outs[k], c.widths[k] = y, y.Shape[len(y.Shape)-1]
		total += c.widths[k]
	}
	c.out = tensor.Reuse(c.out, c.shapeWithLast(outs[0], total)...)

	// Row r of the output (all axes but the last merged) is the rows r of
	// the branches' outputs, one after the other.
	rows, off := len(c.out.Data)/max(1, total), 0
	for k, y := range outs {
		w := c.widths[k]
		for r := range rows {
			copy(c.out.Data[r*total+off:r*total+off+w], y.Data[r*w:(r+1)*w])
		}
		off += w
	}
	return c.out
}

// BackwardUpdateGradient gives each branch its slice δₖ of delta and adds
// its parameter gradients.
func (c *Concat) BackwardUpdateGradient(x, delta *tensor.Tensor) {
	c.split("layers.Concat.BackwardUpdateGradient", delta)
	for k, b := range c.branches {
		b.BackwardUpdateGradient(x, c.deltas[k])
	}
}

// BackwardDelta returns dL/dx = Σₖ fₖ.BackwardDelta(x, δₖ), shaped like x,
// in a buffer owned by c. It touches no gradient.
func (c *Concat) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	const op = "layers.Concat.BackwardDelta"
	c.split(op, delta)
	c.dx = tensor.Reuse(c.dx, x.Shape...)
	for k, b := range c.branches {
		dk := b.BackwardDelta(x, c.deltas[k])
		mustSameShape(op, "branch "+strconv.Itoa(k)+" input gradient", dk, "input", x)
		if k == 0 {
			copy(c.dx.Data, dk.Data)
		} else {
			tensor.Add(c.dx, c.dx, dk)
		}
	}
	return c.dx
}

// split cuts delta along its last axis into the branches' δₖ, kept in
// c.deltas. It panics unless delta has the shape of the latest output.
func (c *Concat) split(op string, delta *tensor.Tensor) {
	if c.out == nil {
		panic(op + ": called before Forward")
	}
	total := c.out.Shape[len(c.out.Shape)-1]
	if !tensor.SameShape(delta, c.out) {
		panicShapes(op, "delta", delta.Shape, "output", c.out.Shape)
	}
	rows, off := len(delta.Data)/max(1, total), 0
	for k, w := range c.widths {
		c.deltas[k] = tensor.Reuse(c.deltas[k], c.shapeWithLast(c.out, w)...)
		d := c.deltas[k].Data
		for r := range rows {
			copy(d[r*w:(r+1)*w], delta.Data[r*total+off:r*total+off+w])
		}
		off += w
	}
}

// shapeWithLast returns t's shape with its last axis set to n, in a
// scratch slice valid until the next call.
func (c *Concat) shapeWithLast(t *tensor.Tensor, n int) []int {
	c.shape = append(c.shape[:0], t.Shape...)
	c.shape[len(c.shape)-1] = n
	return c.shape
}

// ZeroGrad sets every parameter gradient of every branch to zero.
func (c *Concat) ZeroGrad() {
	for _, b := range c.branches {
		b.ZeroGrad()
	}
}

// UpdateParameters takes the step θ -= lr·dL/dθ in every branch.
func (c *Concat) UpdateParameters(lr float64) {
	for _, b := range c.branches {
		b.UpdateParameters(lr)
	}
}

// Parameters lists the parameters of every branch in order, named by
// their path as in a Sequential: "0.weight" for branch 0's own weight,
// "1.2.bias" for the bias of module 2 of branch 1. The Parameters are views
// owned by c whose Value and Grad are the branches' own tensors; the same
// pointers are returned on every call while the branches do not change. Do
// not modify the slice.
func (c *Concat) Parameters() []*Parameter { return c.params.list(c.branches) }

// String describes the layer, as in "Concat(2 branches)".
func (c *Concat) String() string { return fmt.Sprintf("Concat(%d branches)", len(c.branches)) }

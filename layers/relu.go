package layers

import (
	"github.com/nndiy/nndiy/internal/parts"
	"github.com/nndiy/nndiy/tensor"
)

// ReLU is the element-wise rectified linear unit, for inputs of any shape:
//
//	Y = max(0, X)
//	dL/dX = δ ⊙ [X > 0]         the derivative taken as 0 at x = 0
//
// where [X > 0] is 1 where X is positive and 0 elsewhere, as PyTorch. See
// docs/derivations.md#relu. ReLU(NaN) = NaN and δ passes through a NaN
// input, as torch.relu.
//
// On a large input (a convolution's output) both passes cut the elements
// into chunks that run on all the cores (package internal/parts); each
// element is computed as the plain loops reluForward and reluBackward do,
// so the results are theirs, bit for bit (TestReLUChunks).
type ReLU struct {
	NoParameters
	out, dx *tensor.Tensor
	job     *reluJob
}

// NewReLU returns a ReLU module.
func NewReLU() *ReLU { return &ReLU{} }

// Forward returns max(0, X) in a buffer owned by r.
func (r *ReLU) Forward(x *tensor.Tensor) *tensor.Tensor {
	r.out = tensor.Reuse(r.out, x.Shape...)
	r.run(r.out.Data, x.Data, nil)
	return r.out
}

// BackwardUpdateGradient does nothing: ReLU has no parameters.
func (r *ReLU) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns δ where X > 0 and 0 elsewhere, in a buffer owned by r.
func (r *ReLU) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	mustSameShape("layers.ReLU.BackwardDelta", "delta", delta, "input", x)
	r.dx = tensor.Reuse(r.dx, x.Shape...)
	r.run(r.dx.Data, x.Data, delta.Data[:len(r.dx.Data)])
	return r.dx
}

// reluForward sets y[i] = max(0, x[i]): the definition of the forward pass.
func reluForward(y, x []float64) {
	y = y[:len(x)]
	for i, v := range x {
		if v <= 0 { // false for NaN, which passes through
			v = 0
		}
		y[i] = v
	}
}

// reluBackward sets dx[i] = d[i] where x[i] > 0 and 0 elsewhere: the
// definition of the backward pass.
func reluBackward(dx, x, d []float64) {
	dx, d = dx[:len(x)], d[:len(x)]
	for i, v := range x {
		if v <= 0 { // as PyTorch: a NaN input passes δ through
			dx[i] = 0
		} else {
			dx[i] = d[i]
		}
	}
}

// run computes the forward pass into out when d is nil, the backward pass
// otherwise: on the calling goroutine when x fits in one chunk, in chunks
// on all the cores otherwise.
func (r *ReLU) run(out, x, d []float64) {
	n := parts.Chunks(len(x))
	if n == 1 {
		reluChunk(out, x, d)
		return
	}
	if r.job == nil {
		r.job = new(reluJob)
	}
	j := r.job
	j.out, j.x, j.d = out, x, d
	parts.Run(&j.Job, j, n)
	j.out, j.x, j.d = nil, nil, nil // drop the references to the caller's data
}

// reluChunk is one chunk of either pass, as run says.
func reluChunk(out, x, d []float64) {
	if d == nil {
		reluForward(out, x)
	} else {
		reluBackward(out, x, d)
	}
}

// reluJob is one pass of a ReLU cut into chunks.
type reluJob struct {
	parts.Job
	out, x, d []float64
}

func (j *reluJob) RunPart(p int) {
	lo, hi := parts.Chunk(p, len(j.x))
	var d []float64
	if j.d != nil {
		d = j.d[lo:hi]
	}
	reluChunk(j.out[lo:hi], j.x[lo:hi], d)
}

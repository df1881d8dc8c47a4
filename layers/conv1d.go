package layers

import (
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// Conv1D is the course's 1-D convolution over channels-last sequences: the
// input x is shaped (batch, length, chanIn), the weight W (kSize, chanIn,
// chanOut) as in the course, and the output y (batch, outLen, chanOut) with
//
//	outLen = ⌊(length + 2·padding − kSize) / stride⌋ + 1
//	y[b][t][o] = bias[o] + Σ_{j<kSize} Σ_{c<chanIn} x[b][t·stride − padding + j][c] · W[j][c][o]
//
// where x is 0 outside 0 ≤ position < length. This is PyTorch's Conv1d (a
// cross-correlation, the kernel is not flipped) with the axes moved to
// channels-last. Positions at the end of the sequence that the last window
// does not reach are ignored, and get a zero input gradient.
//
// The bias is on by default, as in PyTorch; WithoutBias drops it, as in the
// course. WithPadding adds zero padding.
//
// # Backward
//
// With δ = dL/dy shaped like y:
//
//	dW[j][c][o] += Σ_b Σ_t x[b][t·stride − padding + j][c] · δ[b][t][o]
//	db[o]       += Σ_b Σ_t δ[b][t][o]
//	dx[b][p][c]  = Σ over the (t, j) with t·stride − padding + j = p of Σ_o δ[b][t][o] · W[j][c][o]
//
// # Lowering
//
// The sums are not computed one output at a time: the windows are copied
// into a patch matrix X̃ of batch·outLen rows and kSize·chanIn columns (a
// window is a contiguous run of kSize·chanIn values of x in channels-last
// storage), the weight is read as a (kSize·chanIn)×chanOut matrix W (its
// storage order already is), and
//
//	ỹ = X̃·W + 1·bᵀ    dW += X̃ᵀ·δ̃    dX̃ = δ̃·Wᵀ, dx = col2im(dX̃)
//
// are three calls of tensor.Gemm, with ỹ and δ̃ the output and δ seen as
// (batch·outLen)×chanOut matrices. col2im adds each row of dX̃ back onto its
// window. Conv1D is Conv2D on images of height 1 and shares its code; see
// docs/convolutions.md for the derivation and the shapes.
//
// Forward keeps the patch matrix for BackwardUpdateGradient when it is
// called with the same x; the buffers are reused, so a training step with a
// fixed batch shape allocates nothing.
type Conv1D struct {
	// Weight is shaped (kSize, chanIn, chanOut).
	Weight *Parameter
	// Bias is shaped (chanOut); nil when built WithoutBias.
	Bias *Parameter
	conv convCore
}

// NewConv1D returns a 1-D convolution with kernels of kSize positions,
// chanIn input and chanOut output channels, moved by stride, initialised
// as PyTorch does: weight and bias uniform in ±1/√(chanIn·kSize), drawn
// from rng, the weight first. It panics unless kSize, chanIn, chanOut and
// stride are ≥ 1 and the padding ≥ 0.
func NewConv1D(kSize, chanIn, chanOut, stride int, rng *rand.Rand, opts ...ConvOption) *Conv1D {
	m := &Conv1D{conv: newConvCore("Conv1D", 3, 1, kSize, chanIn, chanOut, stride, rng, opts)}
	m.Weight, m.Bias = m.conv.weight, m.conv.bias
	return m
}

// Forward returns y for x shaped (batch, length, chanIn). It panics if x
// has another shape or is shorter than the kernel.
func (m *Conv1D) Forward(x *tensor.Tensor) *tensor.Tensor { return m.conv.forward(x) }

// BackwardUpdateGradient adds dL/dW and dL/db into the gradients.
func (m *Conv1D) BackwardUpdateGradient(x, delta *tensor.Tensor) {
	m.conv.backwardUpdateGradient(x, delta)
}

// BackwardDelta returns dL/dx, shaped like x.
func (m *Conv1D) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	return m.conv.backwardDelta(x, delta)
}

// ZeroGrad zeroes the gradients of the weight and the bias.
func (m *Conv1D) ZeroGrad() { m.conv.params.zeroGrad() }

// UpdateParameters takes the step θ -= lr·dL/dθ.
func (m *Conv1D) UpdateParameters(lr float64) { m.conv.params.update(lr) }

// Parameters returns [weight, bias], or [weight] without bias. The slice
// is owned by m: do not modify it.
func (m *Conv1D) Parameters() []*Parameter { return m.conv.params }

// String describes the layer, as in "Conv1D(k=3, 1→32, stride=1)".
func (m *Conv1D) String() string { return m.conv.String() }

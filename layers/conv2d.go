package layers

import (
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// Conv2D is the 2-D convolution of the course's bonus, over channels-last
// images: the input x is shaped (batch, height, width, chanIn), the weight
// W (kH, kW, chanIn, chanOut) and the output y (batch, outH, outW, chanOut)
// with
//
//	outH = ⌊(height + 2·padding − kH) / stride⌋ + 1, likewise outW
//	y[b][i][j][o] = bias[o] + Σ_{di<kH} Σ_{dj<kW} Σ_{c<chanIn}
//	                x[b][i·stride − padding + di][j·stride − padding + dj][c] · W[di][dj][c][o]
//
// where x is 0 outside the image. This is PyTorch's Conv2d with the axes
// moved to channels-last (PyTorch's weight is (chanOut, chanIn, kH, kW)).
// The bias is on by default, as in PyTorch; WithoutBias drops it and
// WithPadding adds zero padding.
//
// # Backward
//
// With δ = dL/dy shaped like y:
//
//	dW[di][dj][c][o] += Σ_{b,i,j} x[b][i·stride − padding + di][j·stride − padding + dj][c] · δ[b][i][j][o]
//	db[o]            += Σ_{b,i,j} δ[b][i][j][o]
//	dx[b][p][q][c]    = Σ over the windows (i, j) and offsets (di, dj) that read x[b][p][q]
//	                    of Σ_o δ[b][i][j][o] · W[di][dj][c][o]
//
// # Lowering
//
// As for Conv1D: the windows are copied into a patch matrix X̃ of
// batch·outH·outW rows and kH·kW·chanIn columns (im2col; each window row of
// kW pixels is a contiguous run of kW·chanIn values), the weight is read as
// a (kH·kW·chanIn)×chanOut matrix, and the layer is
//
//	ỹ = X̃·W + 1·bᵀ    dW += X̃ᵀ·δ̃    dX̃ = δ̃·Wᵀ, dx = col2im(dX̃)
//
// three calls of tensor.Gemm. See docs/convolutions.md.
type Conv2D struct {
	// Weight is shaped (kH, kW, chanIn, chanOut).
	Weight *Parameter
	// Bias is shaped (chanOut); nil when built WithoutBias.
	Bias *Parameter
	conv convCore
}

// NewConv2D returns a 2-D convolution with kH×kW kernels, chanIn input and
// chanOut output channels, moved by stride along both axes, initialised as
// PyTorch does: weight and bias uniform in ±1/√(chanIn·kH·kW), drawn from
// rng, the weight first. It panics unless the sizes and stride are ≥ 1 and
// the padding ≥ 0.
func NewConv2D(kH, kW, chanIn, chanOut, stride int, rng *rand.Rand, opts ...ConvOption) *Conv2D {
	m := &Conv2D{conv: newConvCore("Conv2D", 4, kH, kW, chanIn, chanOut, stride, rng, opts)}
	m.Weight, m.Bias = m.conv.weight, m.conv.bias
	return m
}

// Forward returns y for x shaped (batch, height, width, chanIn). It panics
// if x has another shape or is smaller than the kernel.
func (m *Conv2D) Forward(x *tensor.Tensor) *tensor.Tensor { return m.conv.forward(x) }

// BackwardUpdateGradient adds dL/dW and dL/db into the gradients.
func (m *Conv2D) BackwardUpdateGradient(x, delta *tensor.Tensor) {
	m.conv.backwardUpdateGradient(x, delta)
}

// BackwardDelta returns dL/dx, shaped like x.
func (m *Conv2D) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	return m.conv.backwardDelta(x, delta)
}

// ZeroGrad zeroes the gradients of the weight and the bias.
func (m *Conv2D) ZeroGrad() { m.conv.params.zeroGrad() }

// UpdateParameters takes the step θ -= lr·dL/dθ.
func (m *Conv2D) UpdateParameters(lr float64) { m.conv.params.update(lr) }

// Parameters returns [weight, bias], or [weight] without bias. The slice
// is owned by m: do not modify it.
func (m *Conv2D) Parameters() []*Parameter { return m.conv.params }

// String describes the layer, as in "Conv2D(k=5×5, 1→6, stride=1, padding=2)".
func (m *Conv2D) String() string { return m.conv.String() }

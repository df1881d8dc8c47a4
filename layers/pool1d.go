package layers

import "github.com/nndiy/nndiy/tensor"

// MaxPool1D is the course's max-pooling over channels-last sequences: the
// input x is shaped (batch, length, chans), the output y (batch, outLen,
// chans), each channel pooled on its own over windows of kSize positions
// moved by stride:
//
//	outLen = ⌊(length − kSize) / stride⌋ + 1
//	y[b][t][c] = max_{j<kSize} x[b][t·stride + j][c]
//
// Positions at the end that the last window does not reach are ignored.
// A NaN in a window is its maximum, as in PyTorch.
//
// # Backward
//
// The maximum is x at one position of the window, its arg-max j*, so
//
//	dx[b][t·stride + j*][c] += δ[b][t][c]
//
// and the other positions of the window get nothing from it. On ties the
// first maximal position is the arg-max (PyTorch's choice; the function is
// not differentiable there). When windows overlap (stride < kSize) a
// position that is the maximum of several windows collects all their δ.
type MaxPool1D struct {
	NoParameters
	pool poolCore
}

// NewMaxPool1D returns a max-pooling over windows of kSize positions moved
// by stride. It panics unless both are ≥ 1.
func NewMaxPool1D(kSize, stride int) *MaxPool1D {
	return &MaxPool1D{pool: newPoolCore("MaxPool1D", 3, 1, kSize, stride, true)}
}

// Forward returns y, shaped (batch, outLen, chans), for x shaped
// (batch, length, chans). It panics if x has another rank or is shorter
// than the window.
func (m *MaxPool1D) Forward(x *tensor.Tensor) *tensor.Tensor { return m.pool.forward(x) }

// BackwardUpdateGradient does nothing: MaxPool1D has no parameters.
func (m *MaxPool1D) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns dL/dx, shaped like x.
func (m *MaxPool1D) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	return m.pool.backwardDelta(x, delta)
}

// String describes the layer, as in "MaxPool1D(k=2, stride=2)".
func (m *MaxPool1D) String() string { return m.pool.String() }

// AvgPool1D is average-pooling over channels-last sequences, shaped like
// MaxPool1D:
//
//	y[b][t][c] = Σ_{j<kSize} x[b][t·stride + j][c] / kSize
//
// # Backward
//
// Each position of a window gets an equal share of its δ:
//
//	dx[b][t·stride + j][c] += δ[b][t][c] / kSize    for every j < kSize
type AvgPool1D struct {
	NoParameters
	pool poolCore
}

// NewAvgPool1D returns an average-pooling over windows of kSize positions
// moved by stride. It panics unless both are ≥ 1.
func NewAvgPool1D(kSize, stride int) *AvgPool1D {
	return &AvgPool1D{pool: newPoolCore("AvgPool1D", 3, 1, kSize, stride, false)}
}

// Forward returns y, shaped (batch, outLen, chans), for x shaped
// (batch, length, chans). It panics if x has another rank or is shorter
// than the window.
func (m *AvgPool1D) Forward(x *tensor.Tensor) *tensor.Tensor { return m.pool.forward(x) }

// BackwardUpdateGradient does nothing: AvgPool1D has no parameters.
func (m *AvgPool1D) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns dL/dx, shaped like x.
func (m *AvgPool1D) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	return m.pool.backwardDelta(x, delta)
}

// String describes the layer, as in "AvgPool1D(k=2, stride=2)".
func (m *AvgPool1D) String() string { return m.pool.String() }

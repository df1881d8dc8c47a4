package layers

import "github.com/nndiy/nndiy/tensor"

// MaxPool2D is max-pooling over channels-last images: the input x is
// shaped (batch, height, width, chans), the output y (batch, outH, outW,
// chans), each channel pooled on its own over kH×kW windows moved by stride
// along both axes:
//
//	outH = ⌊(height − kH) / stride⌋ + 1, likewise outW
//	y[b][i][j][c] = max_{di<kH, dj<kW} x[b][i·stride + di][j·stride + dj][c]
//
// # Backward
//
// As for MaxPool1D, δ[b][i][j][c] goes to the window's arg-max, the first
// maximal position in row-major (di, dj) order on ties, as in PyTorch.
type MaxPool2D struct {
	NoParameters
	pool poolCore
}

// NewMaxPool2D returns a max-pooling over kH×kW windows moved by stride.
// It panics unless all three are ≥ 1.
func NewMaxPool2D(kH, kW, stride int) *MaxPool2D {
	return &MaxPool2D{pool: newPoolCore("MaxPool2D", 4, kH, kW, stride, true)}
}

// Forward returns y, shaped (batch, outH, outW, chans), for x shaped
// (batch, height, width, chans). It panics if x has another rank or is
// smaller than the window.
func (m *MaxPool2D) Forward(x *tensor.Tensor) *tensor.Tensor { return m.pool.forward(x) }

// BackwardUpdateGradient does nothing: MaxPool2D has no parameters.
func (m *MaxPool2D) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns dL/dx, shaped like x.
func (m *MaxPool2D) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	return m.pool.backwardDelta(x, delta)
}

// String describes the layer, as in "MaxPool2D(k=2×2, stride=2)".
func (m *MaxPool2D) String() string { return m.pool.String() }

// AvgPool2D is average-pooling over channels-last images, shaped like
// MaxPool2D:
//
//	y[b][i][j][c] = Σ_{di<kH, dj<kW} x[b][i·stride + di][j·stride + dj][c] / (kH·kW)
//
// # Backward
//
//	dx[b][i·stride + di][j·stride + dj][c] += δ[b][i][j][c] / (kH·kW)    for every di, dj
type AvgPool2D struct {
	NoParameters
	pool poolCore
}

// NewAvgPool2D returns an average-pooling over kH×kW windows moved by
// stride. It panics unless all three are ≥ 1.
func NewAvgPool2D(kH, kW, stride int) *AvgPool2D {
	return &AvgPool2D{pool: newPoolCore("AvgPool2D", 4, kH, kW, stride, false)}
}

// Forward returns y, shaped (batch, outH, outW, chans), for x shaped
// (batch, height, width, chans). It panics if x has another rank or is
// smaller than the window.
func (m *AvgPool2D) Forward(x *tensor.Tensor) *tensor.Tensor { return m.pool.forward(x) }

// BackwardUpdateGradient does nothing: AvgPool2D has no parameters.
func (m *AvgPool2D) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns dL/dx, shaped like x.
func (m *AvgPool2D) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	return m.pool.backwardDelta(x, delta)
}

// String describes the layer, as in "AvgPool2D(k=2×2, stride=2)".
func (m *AvgPool2D) String() string { return m.pool.String() }

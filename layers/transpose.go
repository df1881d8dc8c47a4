package layers

import (
	"fmt"
	"slices"

	"github.com/nndiy/nndiy/tensor"
)

// TransposeImage transposes every image of a batch, rows ↔ columns: an
// example is an H×W image of C channels in channels-last row-major order
// (C = 1 for the USPS digits), and the output is the W×H image
//
//	y[b][j][i][c] = x[b][i][j][c]        i < H, j < W, c < C
//
// so that reading y's pixels in storage order walks down the columns of x.
// A Conv1D over a flattened digit slides along its rows (and wraps from
// one row to the next); the same Conv1D after TransposeImage slides along
// its columns, and catches vertical strokes instead of horizontal ones (the
// course's "Mon tout s'améliore" bonus). PyTorch writes it
// x.view(N, H, W, C).transpose(1, 2).
//
// The input may have any shape whose examples hold H·W·C values, as
// (batch, H·W) for flat digits or (batch, H·W, C) for Conv1D's input; the
// output has the same shape. Only (batch, H, W, …), an image with its two
// axes, becomes (batch, W, H, …).
//
// # Backward
//
// Each output value is one input value: ∂y[b][j][i][c]/∂x[b][i][j][c] = 1
// and every other derivative is 0, so
//
//	dx[b][i][j][c] = δ[b][j][i][c]
//
// the inverse transpose, W×H back to H×W; the derivation is in
// docs/derivations.md#transposeimage. The layer has no parameters.
type TransposeImage struct {
	NoParameters
	h, w    int
	out, dx *tensor.Tensor // reused results
}

// NewTransposeImage returns the transpose of images of height rows and
// width columns (NewTransposeImage(16, 16) for USPS). It panics unless
// both are ≥ 1.
func NewTransposeImage(height, width int) *TransposeImage {
	if height < 1 || width < 1 {
		panic(fmt.Sprintf("layers.NewTransposeImage: need height and width ≥ 1, have %d×%d", height, width))
	}
	return &TransposeImage{h: height, w: width}
}

// Forward returns x with every image transposed, in a buffer owned by m.
// It panics unless x's examples hold a whole number of H×W images.
func (m *TransposeImage) Forward(x *tensor.Tensor) *tensor.Tensor {
	c := m.channels("layers.TransposeImage.Forward", x)
	m.out = tensor.Reuse(m.out, m.swapShape(x.Shape)...)
	transposeImages(m.out.Data, x.Data, x.Shape[0], m.h, m.w, c)
	return m.out
}

// BackwardUpdateGradient does nothing: TransposeImage has no parameters.
func (m *TransposeImage) BackwardUpdateGradient(x, delta *tensor.Tensor) {}

// BackwardDelta returns dL/dx, the images of delta transposed back (W×H
// to H×W), shaped like x.
func (m *TransposeImage) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	const op = "layers.TransposeImage.BackwardDelta"
	c := m.channels(op, x)
	if want := m.swapShape(x.Shape); !slices.Equal(delta.Shape, want) {
		panicShapes(op, "delta", delta.Shape, "output", want)
	}
	m.dx = tensor.Reuse(m.dx, x.Shape...)
	transposeImages(m.dx.Data, delta.Data, x.Shape[0], m.w, m.h, c)
	return m.dx
}

// String describes the layer, as in "TransposeImage(16×16)".
func (m *TransposeImage) String() string { return fmt.Sprintf("TransposeImage(%d×%d)", m.h, m.w) }

// channels returns C, the number of values per pixel of x's images, and
// panics unless x is a batch of whole H×W images.
func (m *TransposeImage) channels(op string, x *tensor.Tensor) int {
	if len(x.Shape) < 2 || x.Shape[0] == 0 {
		panic(fmt.Sprintf("%s: input shape %v is not a batch of %d×%d images", op, x.Shape, m.h, m.w))
	}
	n := len(x.Data) / x.Shape[0]
	if n == 0 || n%(m.h*m.w) != 0 {
		panic(fmt.Sprintf("%s: input shape %v is not a batch of %d×%d images (%d values per example)", op, x.Shape, m.h, m.w, n))
	}
	return n / (m.h * m.w)
}

// swapShape returns the output shape for an input of the given shape:
// the same, except (batch, h, w, …) becomes (batch, w, h, …).
func (m *TransposeImage) swapShape(shape []int) []int {
	out := append([]int(nil), shape...)
	if len(out) >= 3 && out[1] == m.h && out[2] == m.w {
		out[1], out[2] = m.w, m.h
	}
	return out
}

// transposeImages writes into dst the batch images of src, each h×w with
// c channels per pixel, transposed to w×h:
// dst[b][j][i][ch] = src[b][i][j][ch].
func transposeImages(dst, src []float64, batch, h, w, c int) {
	size := h * w * c
	for b := range batch {
		s, d := src[b*size:(b+1)*size], dst[b*size:(b+1)*size]
		for i := range h {
			for j := range w {
				copy(d[(j*h+i)*c:(j*h+i+1)*c], s[(i*w+j)*c:(i*w+j+1)*c])
			}
		}
	}
}

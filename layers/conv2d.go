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
// # How it is computed
//
// The loops at the end of this file, conv2DForward and the two backward
// ones, are the definition, written straight from the formulas above; the
// tests compare the layer with them. The layer computes the same sums as
// for Conv1D: the windows are copied into a patch matrix X̃ of
// batch·outH·outW rows and kH·kW·chanIn columns (im2col; each window row of
// kW pixels is a contiguous run of kW·chanIn values), the weight is read as
// a (kH·kW·chanIn)×chanOut matrix, and the layer is
//
//	ỹ = X̃·W + 1·bᵀ    dW += X̃ᵀ·δ̃    dX̃ = δ̃·Wᵀ, dx = col2im(dX̃)
//
// three calls of tensor.Gemm (conv.go), on parts of the batch run in
// parallel. On amd64 with AVX the same sums run directly on the images
// with Gemm's micro-kernel, skipping the zeros of the padding
// (conv_direct.go). See docs/convolutions.md.
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

// The definition: Conv2D's three passes as plain loops, straight from the
// formulas above (docs/convolutions.md derives them). g holds the sizes:
// g.batch, the image g.inH×g.inW, chanIn = g.chans, the kernel g.kH×g.kW,
// the stride g.strideH = g.strideW and the padding g.padH = g.padW. As for
// Conv1D, the layer computes the same sums through im2col and tensor.Gemm
// (conv.go) and the tests compare it with these loops; each sum runs in
// the fast path's order and rounds each product, float64(a*b), as Gemm's
// default kernels do.

// conv2DForward sets y[b][i][j][o] = bias[o] + Σ_{di<kH} Σ_{dj<kW} Σ_{c<chanIn}
// x[b][i·stride − padding + di][j·stride − padding + dj][c] · W[di][dj][c][o],
// with y shaped (batch, outH, outW, chanOut); bias may be nil.
func conv2DForward(g *im2colGeom, chanOut int, x, w, bias, y []float64) {
	h, wd, cin := g.inH, g.inW, g.chans
	oh, ow := g.outH(), g.outW()
	for b := range g.batch {
		for i := range oh {
			for j := range ow {
				for o := range chanOut {
					s := 0.0
					for di := range g.kH {
						for dj := range g.kW {
							p, q := i*g.strideH-g.padH+di, j*g.strideW-g.padW+dj // the pixel under tap (di, dj)
							if p < 0 || p >= h || q < 0 || q >= wd {
								continue // the padding's zeros add nothing
							}
							for c := range cin {
								s += float64(x[((b*h+p)*wd+q)*cin+c] * w[((di*g.kW+dj)*cin+c)*chanOut+o])
							}
						}
					}
					if bias != nil {
						s += bias[o]
					}
					y[((b*oh+i)*ow+j)*chanOut+o] = s
				}
			}
		}
	}
}

// conv2DBackwardUpdateGradient adds into dw and db (nil without bias)
//
//	dW[di][dj][c][o] += Σ_{b,i,j} x[b][i·stride − padding + di][j·stride − padding + dj][c] · δ[b][i][j][o]
//	db[o]            += Σ_{b,i,j} δ[b][i][j][o]
func conv2DBackwardUpdateGradient(g *im2colGeom, chanOut int, x, delta, dw, db []float64) {
	h, wd, cin := g.inH, g.inW, g.chans
	oh, ow := g.outH(), g.outW()
	for di := range g.kH {
		for dj := range g.kW {
			for c := range cin {
				for o := range chanOut {
					s := 0.0
					for b := range g.batch {
						for i := range oh {
							for j := range ow {
								p, q := i*g.strideH-g.padH+di, j*g.strideW-g.padW+dj
								if p < 0 || p >= h || q < 0 || q >= wd {
									continue
								}
								s += float64(x[((b*h+p)*wd+q)*cin+c] * delta[((b*oh+i)*ow+j)*chanOut+o])
							}
						}
					}
					dw[((di*g.kW+dj)*cin+c)*chanOut+o] += s
				}
			}
		}
	}
	if db != nil {
		for r := range g.batch * oh * ow { // r = (b·outH + i)·outW + j
			for o := range chanOut {
				db[o] += delta[r*chanOut+o]
			}
		}
	}
}

// conv2DBackwardDelta sets dx, shaped like x, to
//
//	dx[b][p][q][c] = Σ over the windows (i, j) and taps (di, dj) that read x[b][p][q]
//	                 of Σ_o δ[b][i][j][o] · W[di][dj][c][o]
//
// by walking the windows: each window (i, j) sends Σ_o δ[b][i][j][o]·W[di][dj][c][o]
// back to the pixel its tap (di, dj) read. Pixels no window reads keep 0.
func conv2DBackwardDelta(g *im2colGeom, chanOut int, w, delta, dx []float64) {
	h, wd, cin := g.inH, g.inW, g.chans
	oh, ow := g.outH(), g.outW()
	clear(dx)
	for b := range g.batch {
		for i := range oh {
			for j := range ow {
				for di := range g.kH {
					for dj := range g.kW {
						p, q := i*g.strideH-g.padH+di, j*g.strideW-g.padW+dj
						if p < 0 || p >= h || q < 0 || q >= wd {
							continue
						}
						for c := range cin {
							s := 0.0
							for o := range chanOut {
								s += float64(delta[((b*oh+i)*ow+j)*chanOut+o] * w[((di*g.kW+dj)*cin+c)*chanOut+o])
							}
							dx[((b*h+p)*wd+q)*cin+c] += s
						}
					}
				}
			}
		}
	}
}

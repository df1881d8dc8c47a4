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
// # How it is computed
//
// The loops at the end of this file, conv1DForward and the two backward
// ones, are the definition, written straight from the formulas above. The
// layer computes the same sums faster, and the tests compare it with them
// (see docs/convolutions.md): the windows are copied into a patch matrix X̃ of
// batch·outLen rows and kSize·chanIn columns (a window is a contiguous run
// of kSize·chanIn values of x in channels-last storage), the weight is read
// as a (kSize·chanIn)×chanOut matrix W (its storage order already is), and
//
//	ỹ = X̃·W + 1·bᵀ    dW += X̃ᵀ·δ̃    dX̃ = δ̃·Wᵀ, dx = col2im(dX̃)
//
// are three calls of tensor.Gemm, with ỹ and δ̃ the output and δ seen as
// (batch·outLen)×chanOut matrices; col2im adds each row of dX̃ back onto
// its window. Conv1D is Conv2D on images of height 1 and shares this code,
// conv.go. On amd64 with AVX the same sums run directly on the inputs with
// Gemm's micro-kernel, skipping the zeros of the padding (conv_direct.go).
// The batch is cut into a fixed number of parts run in parallel, so the
// results are the same on any number of cores.
//
// The buffers are reused, so a training step with a fixed batch shape
// allocates nothing.
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

// The definition: Conv1D's three passes as plain loops, straight from the
// formulas above (docs/convolutions.md derives them). g holds the sizes:
// g.batch, the length g.inW, chanIn = g.chans, kSize = g.kW, g.strideW and
// g.padW. The layer computes the same sums through im2col and tensor.Gemm
// (conv.go); the tests compare it with these loops. Each sum runs in the order the fast paths use, so that
// where they do not reorder it (see the tests) the results are the same
// float64s: float64(a*b) rounds each product before it is added, as
// tensor.Gemm's default kernels do, even when the compiler could fuse them.

// conv1DForward sets y[b][t][o] = bias[o] + Σ_{j<kSize} Σ_{c<chanIn}
// x[b][t·stride − padding + j][c] · W[j][c][o], with y shaped
// (batch, outLen, chanOut); bias may be nil.
func conv1DForward(g *im2colGeom, chanOut int, x, w, bias, y []float64) {
	length, cin, k := g.inW, g.chans, g.kW
	outLen := g.outW()
	for b := range g.batch {
		for t := range outLen {
			for o := range chanOut {
				s := 0.0
				for j := range k {
					p := t*g.strideW - g.padW + j // the input position under tap j
					if p < 0 || p >= length {
						continue // the padding's zeros add nothing
					}
					for c := range cin {
						s += float64(x[(b*length+p)*cin+c] * w[(j*cin+c)*chanOut+o])
					}
				}
				if bias != nil {
					s += bias[o]
				}
				y[(b*outLen+t)*chanOut+o] = s
			}
		}
	}
}

// conv1DBackwardUpdateGradient adds into dw and db (nil without bias)
//
//	dW[j][c][o] += Σ_b Σ_t x[b][t·stride − padding + j][c] · δ[b][t][o]
//	db[o]       += Σ_b Σ_t δ[b][t][o]
func conv1DBackwardUpdateGradient(g *im2colGeom, chanOut int, x, delta, dw, db []float64) {
	length, cin, k := g.inW, g.chans, g.kW
	outLen := g.outW()
	for j := range k {
		for c := range cin {
			for o := range chanOut {
				s := 0.0
				for b := range g.batch {
					for t := range outLen {
						p := t*g.strideW - g.padW + j
						if p < 0 || p >= length {
							continue
						}
						s += float64(x[(b*length+p)*cin+c] * delta[(b*outLen+t)*chanOut+o])
					}
				}
				dw[(j*cin+c)*chanOut+o] += s
			}
		}
	}
	if db != nil {
		for r := range g.batch * outLen { // r = b·outLen + t
			for o := range chanOut {
				db[o] += delta[r*chanOut+o]
			}
		}
	}
}

// conv1DBackwardDelta sets dx, shaped like x, to
//
//	dx[b][p][c] = Σ over the (t, j) with t·stride − padding + j = p of Σ_o δ[b][t][o] · W[j][c][o]
//
// by walking the windows: each window t sends Σ_o δ[b][t][o]·W[j][c][o]
// back to the position its tap j read. Positions that no window reads keep 0.
func conv1DBackwardDelta(g *im2colGeom, chanOut int, w, delta, dx []float64) {
	length, cin, k := g.inW, g.chans, g.kW
	outLen := g.outW()
	clear(dx)
	for b := range g.batch {
		for t := range outLen {
			for j := range k {
				p := t*g.strideW - g.padW + j
				if p < 0 || p >= length {
					continue
				}
				for c := range cin {
					s := 0.0
					for o := range chanOut {
						s += float64(delta[(b*outLen+t)*chanOut+o] * w[(j*cin+c)*chanOut+o])
					}
					dx[(b*length+p)*cin+c] += s
				}
			}
		}
	}
}

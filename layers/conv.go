package layers

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// ConvOption configures NewConv1D and NewConv2D.
type ConvOption func(*convConfig)

type convConfig struct {
	padding int
	noBias  bool
}

// WithPadding frames the input with p zeros on every side of each spatial
// axis before convolving (PyTorch's padding=p): p positions at both ends of
// a 1-D sequence, p rows above and below and p columns left and right of an
// image. The default is 0. p = (k−1)/2 with stride 1 keeps the size of an
// odd kernel k.
func WithPadding(p int) ConvOption {
	return func(c *convConfig) { c.padding = p }
}

// WithoutBias drops the bias b, as the course's Conv1D does (PyTorch's
// bias=False). Layers have a bias by default, like PyTorch's.
func WithoutBias() ConvOption {
	return func(c *convConfig) { c.noBias = true }
}

// convChunkFloats bounds the patch matrix held at once, in float64s (4 MiB).
// A training batch fits in one chunk, whose patches are kept from Forward
// for BackwardUpdateGradient; a batch too large for one chunk (a whole test
// set at evaluation) is convolved chunk by chunk and its patches rebuilt in
// the backward pass, instead of growing a matrix kH·kW times the input.
const convChunkFloats = 1 << 19

// convCore is the lowering of a convolution to matrix products, shared by
// Conv1D and Conv2D (a 1-D convolution is a 2-D one of height 1).
//
// With the patch matrix X̃ = im2col(x), (batch·outH·outW)×(kH·kW·chanIn),
// and the weight seen as the (kH·kW·chanIn)×chanOut matrix W, the layer is
// a Linear layer applied to every window:
//
//	forward           ỹ  = X̃·W + 1·bᵀ                   (batch·outH·outW)×chanOut
//	weight gradient   dW += X̃ᵀ·δ̃                         (kH·kW·chanIn)×chanOut
//	bias gradient     db += Σ over rows of δ̃              chanOut
//	input gradient    dX̃ = δ̃·Wᵀ, dx = col2im(dX̃)         (batch·outH·outW)×(kH·kW·chanIn)
//
// where ỹ and δ̃ are the output and its gradient with the batch and spatial
// axes merged into rows, which channels-last storage gives without moving
// a value. col2im adds each row of dX̃ back onto the window it came from:
// an input value under several windows receives the sum of their terms.
// docs/convolutions.md derives each line.
type convCore struct {
	layer   string     // "Conv1D" or "Conv2D", for panic messages
	rank    int        // rank of the input: 3 for (batch, length, chans), 4 for images
	geom    im2colGeom // kernel, stride, padding; batch and input size set per call
	chanOut int
	weight  *Parameter    // shaped (kH, kW, chanIn, chanOut), or (k, chanIn, chanOut) in 1-D
	bias    *Parameter    // shaped (chanOut); nil without bias
	params  parameterList // weight, then bias if any

	cols     []float64  // the patch matrix of the latest chunk
	colsOf   []float64  // the x.Data whose whole patch matrix cols holds, or nil
	colsGeom im2colGeom // the geometry cols was built with
	dcols    []float64  // dX̃ of the latest chunk
	out, dx  []float64

	// Reused tensor headers: the results returned, 2-D views of the weight
	// and its gradient, and 2-D views of a chunk's patches and output rows.
	outT, dxT, w, dw, colsT, rowsT tensor.Tensor
}

// newConvCore builds the shared core with PyTorch's default initialisation:
// weight and bias uniform in ±1/√fanIn with fanIn = kH·kW·chanIn, the
// weight drawn first, in storage order. rank 3 builds a 1-D layer (kH = 1).
func newConvCore(layer string, rank, kH, kW, chanIn, chanOut, stride int, rng *rand.Rand, opts []ConvOption) convCore {
	var cfg convConfig
	for _, o := range opts {
		o(&cfg)
	}
	if kH < 1 || kW < 1 || chanIn < 1 || chanOut < 1 || stride < 1 || cfg.padding < 0 {
		panic(fmt.Sprintf("layers.New%s: need kernel, channels and stride ≥ 1 and padding ≥ 0, have kernel %d×%d, channels %d→%d, stride %d, padding %d",
			layer, kH, kW, chanIn, chanOut, stride, cfg.padding))
	}
	c := convCore{layer: layer, rank: rank, chanOut: chanOut}
	c.geom = im2colGeom{chans: chanIn, kH: kH, kW: kW, strideH: stride, strideW: stride, padH: cfg.padding, padW: cfg.padding}
	if rank == 3 {
		c.geom.strideH, c.geom.padH = 1, 0
		c.weight = NewParameter("weight", kW, chanIn, chanOut)
	} else {
		c.weight = NewParameter("weight", kH, kW, chanIn, chanOut)
	}
	bound := 1 / math.Sqrt(float64(kH*kW*chanIn))
	c.weight.Value.FillUniform(rng, -bound, bound)
	if !cfg.noBias {
		c.bias = NewParameter("bias", chanOut)
		c.bias.Value.FillUniform(rng, -bound, bound)
	}
	c.params = parameterList{c.weight}
	if c.bias != nil {
		c.params = append(c.params, c.bias)
	}
	return c
}

// chunkImages returns how many images of the current batch are lowered at
// once: as many as keep the patch matrix within convChunkFloats, at least 1.
func (c *convCore) chunkImages() int {
	g := &c.geom
	perImage := g.outH() * g.outW() * g.patchLen()
	n := max(1, convChunkFloats/max(1, perImage))
	return min(n, max(1, g.batch))
}

// patches returns the patch matrix of images b0 ≤ b < b1 of x as a 2-D
// view, building it unless cols already holds the whole batch of this
// very x with this geometry (kept from Forward).
func (c *convCore) patches(x []float64, b0, b1 int) *tensor.Tensor {
	g := &c.geom
	rows, k := (b1-b0)*g.outH()*g.outW(), g.patchLen()
	cols := im2colView(&c.colsT, c.cols[:rows*k], rows, k)
	whole := b0 == 0 && b1 == g.batch
	if whole && c.colsGeom == *g && convSameData(c.colsOf, x) {
		return cols
	}
	im2col(cols.Data, x, g, b0, b1)
	c.colsOf, c.colsGeom = nil, *g
	if whole {
		c.colsOf = x
	}
	return cols
}

// growCols makes room for n values in cols, forgetting the patches it held
// if that takes a new buffer.
func (c *convCore) growCols(n int) {
	if cap(c.cols) < n {
		c.colsOf = nil
	}
	c.cols = im2colGrow(c.cols, n)
}

// convSameData reports whether a and b are the same slice of memory.
func convSameData(a, b []float64) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func (c *convCore) forward(x *tensor.Tensor) *tensor.Tensor {
	g := &c.geom
	im2colSetInput(g, c.layer, "Forward", c.rank, false, x)
	perImage, k, n := g.outH()*g.outW(), g.patchLen(), c.chanOut
	per := c.chunkImages()
	c.growCols(per * perImage * k)
	c.colsOf = nil // cols is about to be overwritten
	c.out = im2colGrow(c.out, g.batch*perImage*n)
	w := im2colView(&c.w, c.weight.Value.Data, k, n)
	for b0 := 0; b0 < g.batch; b0 += per {
		b1 := min(b0+per, g.batch)
		cols := c.patches(x.Data, b0, b1)
		y := im2colView(&c.rowsT, c.out[b0*perImage*n:b1*perImage*n], cols.Shape[0], n)
		// ỹ = X̃·W + 1·bᵀ: start each row from b and let Gemm add X̃·W.
		beta := 0.0
		if c.bias != nil {
			for r := 0; r < len(y.Data); r += n {
				copy(y.Data[r:r+n], c.bias.Value.Data)
			}
			beta = 1
		}
		tensor.Gemm(false, false, 1, cols, w, beta, y)
	}
	shape, rank := im2colOutShape(g, c.rank, n)
	return im2colView(&c.outT, c.out, shape[:rank]...)
}

func (c *convCore) backwardUpdateGradient(x, delta *tensor.Tensor) {
	g := &c.geom
	im2colSetInput(g, c.layer, "BackwardUpdateGradient", c.rank, false, x)
	im2colCheckDelta(g, c.layer, "BackwardUpdateGradient", c.rank, c.chanOut, delta)
	perImage, k, n := g.outH()*g.outW(), g.patchLen(), c.chanOut
	per := c.chunkImages()
	c.growCols(per * perImage * k)
	dw := im2colView(&c.dw, c.weight.Grad.Data, k, n)
	for b0 := 0; b0 < g.batch; b0 += per {
		b1 := min(b0+per, g.batch)
		cols := c.patches(x.Data, b0, b1)
		d := im2colView(&c.rowsT, delta.Data[b0*perImage*n:b1*perImage*n], cols.Shape[0], n)
		tensor.Gemm(true, false, 1, cols, d, 1, dw) // dW += X̃ᵀ·δ̃
	}
	if c.bias != nil { // db += Σ_rows δ̃
		db := c.bias.Grad.Data[:n]
		for r := 0; r < len(delta.Data); r += n {
			im2colAddTo(db, delta.Data[r:r+n])
		}
	}
}

func (c *convCore) backwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	g := &c.geom
	im2colSetInput(g, c.layer, "BackwardDelta", c.rank, false, x)
	im2colCheckDelta(g, c.layer, "BackwardDelta", c.rank, c.chanOut, delta)
	perImage, k, n := g.outH()*g.outW(), g.patchLen(), c.chanOut
	per := c.chunkImages()
	c.dcols = im2colGrow(c.dcols, per*perImage*k)
	c.dx = im2colGrow(c.dx, len(x.Data))
	clear(c.dx)
	w := im2colView(&c.w, c.weight.Value.Data, k, n)
	for b0 := 0; b0 < g.batch; b0 += per {
		b1 := min(b0+per, g.batch)
		rows := (b1 - b0) * perImage
		d := im2colView(&c.rowsT, delta.Data[b0*perImage*n:b1*perImage*n], rows, n)
		dcols := im2colView(&c.colsT, c.dcols[:rows*k], rows, k)
		tensor.Gemm(false, true, 1, d, w, 0, dcols) // dX̃ = δ̃·Wᵀ
		col2im(c.dx, dcols.Data, g, b0, b1)
	}
	return im2colView(&c.dxT, c.dx, x.Shape...)
}

// String describes the layer as its constructor call would.
func (c *convCore) String() string {
	g := &c.geom
	s := fmt.Sprintf("%s(k=%d", c.layer, g.kW)
	if c.rank == 4 {
		s = fmt.Sprintf("%s(k=%d×%d", c.layer, g.kH, g.kW)
	}
	s += fmt.Sprintf(", %d→%d, stride=%d", g.chans, c.chanOut, g.strideW)
	if g.padW > 0 {
		s += fmt.Sprintf(", padding=%d", g.padW)
	}
	if c.bias == nil {
		s += ", no bias"
	}
	return s + ")"
}

package layers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

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

// convParts is the number of parts a batch is cut into, each convolved by
// one goroutine (up to GOMAXPROCS at once, see runParts). The weight
// gradient is the sum of the parts' partial sums, added in the order of the
// parts; the number of parts is fixed, not taken from GOMAXPROCS, so that
// these sums, and therefore every result, are the same float64s on any
// number of cores. Four parts keep two cores busy even when a part runs
// slower than the others.
const convParts = 4

// convRowParts is the number of parts of the passes whose results are
// computed row by row, Forward's ỹ and BackwardDelta's dx: how the batch
// is cut changes nothing in them, so they take smaller parts than the
// weight gradient, and two cores then wait less for the slower one at the
// end of a pass.
const convRowParts = 2 * convParts

// convChunkMACs bounds the multiply-adds of one product: a part lowers its
// images in chunks of as many images as keep a chunk's products under it,
// so that a chunk's patch matrix (at most a few hundred KiB) stays in the
// core's L2 cache between im2col and Gemm. The chunks of a weight gradient
// fix the order of its sums, so this constant is part of its results. It also bounds the memory of a whole test set convolved
// at once.
const convChunkMACs = 128 * 128 * 128

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
// docs/convolutions.md derives each line; conv1d.go and conv2d.go hold the
// same sums as plain loops, the definition the tests compare with.
//
// Where the micro-kernel has its assembly, the passes run directly on the
// images instead (conv_direct.go): the same sums, without the patch matrix
// and without the zeros of the padding, bit for bit the same results.
//
// Each pass cuts the batch into parts of consecutive images, run in
// parallel (convParts for the weight gradient, convRowParts for the other
// two), and each part into chunks of images under convChunkMACs. A lowered
// Forward keeps the patch matrix of the whole batch, when it is at most
// convKeepFloats values, for BackwardUpdateGradient on the same x.
//
// What the parts change: ỹ and dx are computed row by row as the definition
// orders its sums, so they are the definition's float64s (in the default
// build, whose Gemm rounds as the loops do). dW and db are sums over the
// whole batch: each part sums its own images, then the parts' sums are
// added into the gradient in order, which rounds differently from one sum
// over the batch, by a few ulps.
//
// Even the course's Conv1D(3, 1→32), whose product has k = 3, goes through
// Gemm: direct loops over its windows, with the innermost loop along the
// 32 output channels, took twice as long as im2col and Gemm's AVX kernel
// (0.60 against 0.30 ms for the forward pass of a batch of 32, measured
// in CPU time on one core), since Go does not vectorise them.
type convCore struct {
	layer   string     // "Conv1D" or "Conv2D", for panic messages
	rank    int        // rank of the input: 3 for (batch, length, chans), 4 for images
	geom    im2colGeom // kernel, stride, padding; batch and input size set per call
	chanOut int
	weight  *Parameter    // shaped (kH, kW, chanIn, chanOut), or (k, chanIn, chanOut) in 1-D
	bias    *Parameter    // shaped (chanOut); nil without bias
	params  parameterList // weight, then bias if any

	// The pass being run and its operands, read by runPart.
	pass     convPass
	x, delta []float64
	parts    int  // parts of the batch
	per      int  // images per chunk
	keep     bool // the batch's patches are in kept, image after image
	serial   bool // the parts keep every core busy: see gemm
	reuse    bool // the gradient pass uses the patches Forward kept
	direct   bool // the pass runs on the images, without patches (conv_direct.go)
	w        tensor.Tensor
	wp       []float64 // the weight packed for a direct pass
	xpad     []float64 // a direct weight gradient's images in their padding
	dp       []float64 // a direct weight gradient's δ̃, packed when chanOut is not a multiple of 8
	work     [convRowParts]convPart

	// The patch matrix of the whole batch, when it is at most
	// convKeepFloats values, and the x.Data and geometry it was built from
	// by Forward; keptOf is nil when it holds none.
	kept     []float64
	keptOf   []float64
	keptGeom im2colGeom

	out, dx   []float64
	outT, dxT tensor.Tensor
	job       *partJob
}

type convPass int

const (
	convForward convPass = iota
	convGradient
	convDelta
)

// convPart holds what one part of the batch needs of its own: the patch
// matrix of a chunk (when the batch's is not kept) or its dX̃, its partial
// sums of dW and db, and the 2-D tensor headers Gemm takes, rewritten for
// each chunk.
type convPart struct {
	cols, dcols  []float64
	tail         []float64 // a direct pass's last images, if fewer than 4
	dw, db       []float64
	colsT, rowsT tensor.Tensor
	dwT          tensor.Tensor
}

// convKeepFloats bounds the patch matrix that Forward keeps for
// BackwardUpdateGradient, in float64s (8 MiB): a training batch of the
// CNNs of experiments/conv fits (32 images of 8×8 pixels under 5×5×16
// windows make 819 200 values), and the weight gradient then skips
// rebuilding it, which took about as long as its product for a first
// layer with one input channel. A whole test set convolved at once does
// not fit: its chunks are built one at a time.
const convKeepFloats = 1 << 20

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
	c := convCore{layer: layer, rank: rank, chanOut: chanOut, job: new(partJob)}
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

// run cuts the batch set in c.geom into parts and chunks, grows each
// part's buffers, and runs pass on every part.
func (c *convCore) run(pass convPass, x, delta []float64) {
	g := &c.geom
	perImage, k, n := g.outH()*g.outW(), g.patchLen(), c.chanOut
	c.pass, c.x, c.delta = pass, x, delta
	parts := convRowParts
	if pass == convGradient {
		parts = convParts // its partial sums fix the results' bits
	}
	c.parts = min(parts, g.batch)
	c.serial = c.parts >= runtime.GOMAXPROCS(0)
	c.per = max(1, convChunkMACs/max(1, perImage*k*n))
	c.per = min(c.per, (g.batch+c.parts-1)/c.parts)
	c.keep = g.batch*perImage*k <= convKeepFloats
	c.direct = c.runsDirect(pass)
	switch pass {
	case convForward:
		c.keptOf = nil // the kept patches are about to be overwritten, or left stale
	case convGradient:
		c.reuse = !c.direct && c.keep && c.keptGeom == *g && convSameData(c.keptOf, x)
		if !c.reuse {
			c.keptOf = nil
		}
	}
	lowered := c.keep && !c.direct && pass != convDelta // the pass writes kept
	if lowered {
		c.kept = im2colGrow(c.kept, g.batch*perImage*k)
	}
	jobs := c.parts
	if c.direct {
		jobs = c.packDirect(pass)
	}
	im2colView(&c.w, c.weight.Value.Data, k, n)
	for p := range c.parts {
		wp := &c.work[p]
		switch {
		case c.direct:
		case pass == convDelta:
			wp.dcols = im2colGrow(wp.dcols, c.per*perImage*k)
		case !c.keep:
			wp.cols = im2colGrow(wp.cols, c.per*perImage*k)
		}
		if pass == convGradient {
			wp.dw = im2colGrow(wp.dw, k*n)
			wp.db = im2colGrow(wp.db, n)
		}
	}
	runParts(c.job, c, jobs)
	if lowered { // kept holds x's patches
		c.keptOf, c.keptGeom = x, *g
	}
	c.x, c.delta = nil, nil
}

// partImages returns the images b0 ≤ b < b1 of part p.
func (c *convCore) partImages(p int) (b0, b1 int) {
	return p * c.geom.batch / c.parts, (p + 1) * c.geom.batch / c.parts
}

// runPart runs part p of c.pass: a direct pass (conv_direct.go; p is a
// job of the weight gradient there, see prepareGradient), or the lowered
// pass on the images of part p, chunk by chunk.
func (c *convCore) runPart(p int) {
	switch {
	case c.direct && c.pass == convForward:
		c.forwardDirect(p)
		return
	case c.direct && c.pass == convDelta:
		c.deltaDirect(p)
		return
	case c.direct:
		c.gradientDirect(p)
		return
	}
	g, wp := &c.geom, &c.work[p]
	perImage, k, n := g.outH()*g.outW(), g.patchLen(), c.chanOut
	b0, b1 := c.partImages(p)
	switch c.pass {
	case convGradient:
		clear(wp.dw)
		clear(wp.db)
	case convDelta:
		clear(c.dx[b0*g.imageLen() : b1*g.imageLen()])
	}
	per := c.per
	if c.pass == convGradient && c.keep {
		// The part's patches fit in kept, one matrix (Forward built them,
		// or this pass does): one product over all its rows, whose longer
		// sums (k = its rows) cost less per multiply-add than the chunks'
		// short ones.
		per = b1 - b0
	}
	for c0 := b0; c0 < b1; c0 += per {
		c1 := min(c0+per, b1)
		rows := (c1 - c0) * perImage
		// The chunk's patches: at their place among the batch's when those
		// are kept, else at the start of the part's buffer.
		patches := wp.cols
		if c.keep && c.pass != convDelta {
			patches = c.kept[c0*perImage*k:]
		}
		switch c.pass {
		case convForward:
			cols := im2colView(&wp.colsT, patches[:rows*k], rows, k)
			im2col(cols.Data, c.x, g, c0, c1)
			// ỹ = X̃·W + 1·bᵀ: start each row from b and let Gemm add X̃·W.
			y := c.out[c0*perImage*n : c1*perImage*n]
			beta := 0.0
			if c.bias != nil {
				for r := 0; r < len(y); r += n {
					copy(y[r:r+n], c.bias.Value.Data)
				}
				beta = 1
			}
			c.gemm(false, false, 1, cols, &c.w, beta, im2colView(&wp.rowsT, y, rows, n))
		case convGradient:
			cols := im2colView(&wp.colsT, patches[:rows*k], rows, k)
			if !c.reuse {
				im2col(cols.Data, c.x, g, c0, c1)
			}
			d := c.delta[c0*perImage*n : c1*perImage*n]
			dw := im2colView(&wp.dwT, wp.dw, k, n)
			c.gemm(true, false, 1, cols, im2colView(&wp.rowsT, d, rows, n), 1, dw) // dW += X̃ᵀ·δ̃
			if c.bias != nil {                                                     // db += Σ_rows δ̃
				im2colAddRows(wp.db, d)
			}
		case convDelta:
			d := c.delta[c0*perImage*n : c1*perImage*n]
			dcols := im2colView(&wp.colsT, wp.dcols[:rows*k], rows, k)
			c.gemm(false, true, 1, im2colView(&wp.rowsT, d, rows, n), &c.w, 0, dcols) // dX̃ = δ̃·Wᵀ
			col2im(c.dx, dcols.Data, g, c0, c1)
		}
	}
}

// gemm is the product of a part: tensor.GemmSerial when the parts keep
// every core busy, so that a product does not split itself over the cores
// that the other parts are using; tensor.Gemm when there are fewer parts
// than cores (a batch of fewer than convParts images). run decides which,
// once per pass. Both give the same float64s.
func (c *convCore) gemm(transA, transB bool, alpha float64, a, b *tensor.Tensor, beta float64, y *tensor.Tensor) {
	if c.serial {
		tensor.GemmSerial(transA, transB, alpha, a, b, beta, y)
		return
	}
	tensor.Gemm(transA, transB, alpha, a, b, beta, y)
}

// convSameData reports whether a and b are the same slice of memory.
func convSameData(a, b []float64) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func (c *convCore) forward(x *tensor.Tensor) *tensor.Tensor {
	g := &c.geom
	im2colSetInput(g, c.layer, "Forward", c.rank, false, x)
	c.out = im2colGrow(c.out, g.batch*g.outH()*g.outW()*c.chanOut)
	c.run(convForward, x.Data, nil)
	shape, rank := im2colOutShape(g, c.rank, c.chanOut)
	return im2colView(&c.outT, c.out, shape[:rank]...)
}

func (c *convCore) backwardUpdateGradient(x, delta *tensor.Tensor) {
	g := &c.geom
	im2colSetInput(g, c.layer, "BackwardUpdateGradient", c.rank, false, x)
	im2colCheckDelta(g, c.layer, "BackwardUpdateGradient", c.rank, c.chanOut, delta)
	c.run(convGradient, x.Data, delta.Data)
	// The parts' partial sums, added in the order of the parts whatever
	// goroutine computed them.
	for p := range c.parts {
		im2colAddTo(c.weight.Grad.Data, c.work[p].dw)
		if c.bias != nil {
			im2colAddTo(c.bias.Grad.Data, c.work[p].db)
		}
	}
}

func (c *convCore) backwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	g := &c.geom
	im2colSetInput(g, c.layer, "BackwardDelta", c.rank, false, x)
	im2colCheckDelta(g, c.layer, "BackwardDelta", c.rank, c.chanOut, delta)
	c.dx = im2colGrow(c.dx, len(x.Data))
	c.run(convDelta, x.Data, delta.Data)
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

package layers

import (
	"fmt"

	"github.com/nndiy/nndiy/tensor"
)

// poolCore is the max- or average-pooling shared by MaxPool1D, AvgPool1D,
// MaxPool2D and AvgPool2D (a 1-D pooling is a 2-D one of height 1). Each
// channel is pooled on its own over kH×kW windows moved by the stride, with
// no padding. The loops run over whole channel vectors, which channels-last
// storage makes contiguous: a window position contributes the chans values
// x[b][ii][jj][:] at once.
//
// Max-pooling's Forward also records, for each output value, the index in
// x.Data of the input it took, the window's arg-max (PyTorch keeps these
// indices too), so that BackwardDelta only routes each δ to its index. It
// uses them only when it is given the same x as the Forward that found them
// (the same storage and shape; the Module contract says x still holds the
// values Forward saw), and finds the arg-maxes again otherwise, so that
// stale indices are never used.
//
// Both passes cut the batch into convRowParts parts of consecutive images run
// in parallel (runParts); an image's windows, and so every value of y and
// dx, are computed by one goroutine in the loops' order, whatever the
// number of cores.
type poolCore struct {
	layer     string // "MaxPool1D" and so on, for panic messages
	rank      int    // 3 for (batch, length, chans), 4 for images
	max       bool   // max-pooling, else average
	geom      im2colGeom
	out, dx   []float64
	outT, dxT tensor.Tensor

	// Max-pooling: arg[o] is the index in x.Data of the input that out[o]
	// is, found on the x.Data argOf with geometry argGeom (argOf is nil
	// before the first pass). best takes the maxima when BackwardDelta
	// finds the arg-maxes again, so that out is left as Forward returned it.
	arg     []int
	argOf   []float64
	argGeom im2colGeom
	best    []float64

	// The pass being run, read by runPart.
	backward bool
	reuse    bool // the backward pass uses arg as it is
	x, delta *tensor.Tensor
	parts    int
	job      *partJob
}

func newPoolCore(layer string, rank, kH, kW, stride int, max bool) poolCore {
	if kH < 1 || kW < 1 || stride < 1 {
		panic(fmt.Sprintf("layers.New%s: need window and stride ≥ 1, have window %d×%d, stride %d", layer, kH, kW, stride))
	}
	p := poolCore{layer: layer, rank: rank, max: max, job: new(partJob)}
	p.geom = im2colGeom{kH: kH, kW: kW, strideH: stride, strideW: stride}
	if rank == 3 {
		p.geom.strideH = 1
	}
	return p
}

// index returns the index in x.Data of the first channel of pixel
// (ii, jj) of image b.
func (p *poolCore) index(b, ii, jj int) int {
	g := &p.geom
	return ((b*g.inH+ii)*g.inW + jj) * g.chans
}

func (p *poolCore) forward(x *tensor.Tensor) *tensor.Tensor {
	g := &p.geom
	im2colSetInput(g, p.layer, "Forward", p.rank, true, x)
	n := g.batch * g.outH() * g.outW() * g.chans
	p.out = im2colGrow(p.out, n)
	if p.max {
		p.growArg(n)
	}
	p.run(false, x, nil)
	if p.max {
		p.argOf, p.argGeom = x.Data, *g
	}
	shape, rank := im2colOutShape(g, p.rank, g.chans)
	return im2colView(&p.outT, p.out, shape[:rank]...)
}

// growArg reslices p.arg to n indices, reallocating only when its capacity
// is too small, and forgets which x they were found on.
func (p *poolCore) growArg(n int) {
	if cap(p.arg) < n {
		p.arg = make([]int, n)
	}
	p.arg, p.argOf = p.arg[:n], nil
}

// run runs the forward pass, or the backward one, on every part.
func (p *poolCore) run(backward bool, x, delta *tensor.Tensor) {
	p.backward, p.x, p.delta = backward, x, delta
	p.parts = min(convRowParts, p.geom.batch)
	runParts(p.job, p, p.parts)
	p.x, p.delta = nil, nil
}

// runPart runs the pass on the images of part k.
func (p *poolCore) runPart(k int) {
	b0, b1 := k*p.geom.batch/p.parts, (k+1)*p.geom.batch/p.parts
	switch {
	case !p.backward && p.max:
		p.maxImages(p.out, b0, b1)
	case !p.backward:
		p.avgImages(b0, b1)
	case p.max:
		if !p.reuse {
			p.maxImages(p.best, b0, b1)
		}
		p.routeMax(b0, b1)
	default:
		p.avgBackward(b0, b1)
	}
}

// maxImages sets y, the maxima of the windows of the images b0 ≤ b < b1 of
// p.x, and p.arg, their arg-maxes. It takes the window's positions in
// row-major (di, dj) order and keeps the first maximum: a later value
// replaces it only if it is larger, or NaN (v != v), so that on ties the
// first maximal position is the arg-max and a NaN wins (the last NaN if
// there are several), as in PyTorch.
func (p *poolCore) maxImages(y []float64, b0, b1 int) {
	if p.pairs() {
		p.maxPairs(y, b0, b1)
		return
	}
	g, x := &p.geom, p.x.Data
	c, oh, ow := g.chans, g.outH(), g.outW()
	o := b0 * oh * ow * c
	for b := b0; b < b1; b++ {
		for i := range oh {
			for j := range ow {
				best, arg := y[o:o+c], p.arg[o:o+c]
				o += c
				for di := range g.kH {
					for dj := range g.kW {
						k := p.index(b, i*g.strideH+di, j*g.strideW+dj)
						in := x[k : k+c]
						if di == 0 && dj == 0 {
							copy(best, in)
							for ch := range arg {
								arg[ch] = k + ch
							}
							continue
						}
						for ch, v := range in {
							if v > best[ch] || v != v {
								best[ch], arg[ch] = v, k+ch
							}
						}
					}
				}
			}
		}
	}
}

// pairs reports whether maxPairs applies: windows of 2 columns moved by 2,
// of 1 or 2 rows.
func (p *poolCore) pairs() bool {
	g := &p.geom
	return g.kW == 2 && g.strideW == 2 && g.kH <= 2
}

// maxPairs is maxImages for windows of 2 columns moved by 2 and of 1 or 2
// rows: MaxPool1D(2, 2) and MaxPool2D(2, 2, 2), the poolings of the course
// networks. It finds the same arg-maxes without a branch, see poolTakes.
// In a 2×2 window it compares the pairs of each row, then their winners:
// this gives maxImages' choice, the first maximum or the last NaN in
// row-major order, since the first maximum of the window is that of the
// top row unless the bottom row holds a larger value, and its last NaN is
// in the bottom row if that row holds one. TestPoolSameAsDefinition
// checks it against poolRef, bit for bit, on inputs with ties and NaNs.
func (p *poolCore) maxPairs(y []float64, b0, b1 int) {
	g, x := &p.geom, p.x.Data
	c, oh, ow := g.chans, g.outH(), g.outW()
	down := g.inW * c // from a pixel to the one below it
	o := b0 * oh * ow * c
	for b := b0; b < b1; b++ {
		for i := range oh {
			k := p.index(b, i*g.strideH, 0) // the window's top-left pixel
			for range ow {
				best, arg := y[o:o+c], p.arg[o:o+c]
				arg = arg[:len(best)]
				x00, x01 := x[k:k+c], x[k+c:k+2*c]
				x00, x01 = x00[:len(best)], x01[:len(best)]
				if g.kH == 1 {
					for ch := range best {
						at := k + ch + c&poolTakes(x01[ch], x00[ch])
						best[ch], arg[ch] = x[at], at
					}
				} else {
					x10, x11 := x[k+down:k+down+c], x[k+down+c:k+down+2*c]
					x10, x11 = x10[:len(best)], x11[:len(best)]
					for ch := range best {
						top := k + ch + c&poolTakes(x01[ch], x00[ch])
						bottom := k + down + ch + c&poolTakes(x11[ch], x10[ch])
						at := top ^ (top^bottom)&poolTakes(x[bottom], x[top]) // bottom if it takes over, else top
						best[ch], arg[ch] = x[at], at
					}
				}
				o += c
				k += 2 * c
			}
		}
	}
}

// poolTakes returns −1 (all bits set) if w takes over from v as the
// maximum of a window, that is if w > v or w is NaN, and 0 otherwise:
// maxPairs adds c&poolTakes(w, v) to an index to move it from v's position
// to w's, c further, when w takes over. It is
//
//	if w > v || w != w {
//		return -1
//	}
//	return 0
//
// computed without a branch: the two tests cannot both hold, so != is
// their "or", and the compiler turns "take = 1 if ..." into a copy of the
// comparison's flag. Which value of a window is largest is as good as
// random, and a mispredicted branch costs more than the whole comparison:
// Forward then BackwardDelta of MaxPool2D(2, 2, 2) on 32 ReLU outputs of
// 16×16×16 (BenchmarkPoolStep) took 0.65 ms with the branch, 0.29 ms
// without (1.20 ms before the arg-maxes were kept; least of 3 runs, one
// core).
func poolTakes(w, v float64) int {
	take := 0
	if (w > v) != (w != w) {
		take = 1
	}
	return -take
}

// avgImages sets p.out, the means of the windows of the images b0 ≤ b < b1
// of p.x, summed in row-major (di, dj) order.
func (p *poolCore) avgImages(b0, b1 int) {
	g, x := &p.geom, p.x.Data
	c, oh, ow := g.chans, g.outH(), g.outW()
	n := float64(g.kH * g.kW)
	o := b0 * oh * ow * c
	for b := b0; b < b1; b++ {
		for i := range oh {
			for j := range ow {
				y := p.out[o : o+c]
				o += c
				clear(y) // from +0, as PyTorch: a window of −0s averages to +0
				for di := range g.kH {
					for dj := range g.kW {
						k := p.index(b, i*g.strideH+di, j*g.strideW+dj)
						im2colAddTo(y, x[k:k+c])
					}
				}
				for ch := range y {
					y[ch] /= n
				}
			}
		}
	}
}

// backwardDelta routes δ to the inputs. Max-pooling sends each δ[b][i][j][c]
// to the first position of its window holding the maximum (the last NaN if
// there is one), as PyTorch does; average-pooling shares it equally, δ/(kH·kW)
// to each position of the window. Overlapping windows add up.
func (p *poolCore) backwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	g := &p.geom
	im2colSetInput(g, p.layer, "BackwardDelta", p.rank, true, x)
	im2colCheckDelta(g, p.layer, "BackwardDelta", p.rank, g.chans, delta)
	p.dx = im2colGrow(p.dx, len(x.Data))
	if p.max {
		p.reuse = p.argGeom == *g && convSameData(p.argOf, x.Data)
		if !p.reuse {
			p.best = im2colGrow(p.best, len(delta.Data))
			p.growArg(len(delta.Data))
		}
	}
	p.run(true, x, delta)
	if p.max {
		p.argOf, p.argGeom = x.Data, *g
	}
	return im2colView(&p.dxT, p.dx, x.Shape...)
}

// routeMax sets the rows of p.dx of the images b0 ≤ b < b1: each
// δ[b][i][j][c] is added at its window's arg-max, in the order of δ.
func (p *poolCore) routeMax(b0, b1 int) {
	g := &p.geom
	clear(p.dx[b0*g.imageLen() : b1*g.imageLen()])
	perImage := g.outH() * g.outW() * g.chans
	arg := p.arg[b0*perImage : b1*perImage]
	delta := p.delta.Data[b0*perImage : b1*perImage]
	delta = delta[:len(arg)]
	for o, at := range arg {
		p.dx[at] += delta[o]
	}
}

// avgBackward sets the rows of p.dx of the images b0 ≤ b < b1: each
// position of a window gets δ/(kH·kW).
func (p *poolCore) avgBackward(b0, b1 int) {
	g, delta := &p.geom, p.delta.Data
	c, oh, ow := g.chans, g.outH(), g.outW()
	clear(p.dx[b0*g.imageLen() : b1*g.imageLen()])
	n := float64(g.kH * g.kW)
	o := b0 * oh * ow * c
	for b := b0; b < b1; b++ {
		for i := range oh {
			for j := range ow {
				d := delta[o : o+c]
				o += c
				for di := range g.kH {
					for dj := range g.kW {
						k := p.index(b, i*g.strideH+di, j*g.strideW+dj)
						dx := p.dx[k : k+c]
						for ch, v := range d {
							dx[ch] += v / n
						}
					}
				}
			}
		}
	}
}

// String describes the layer as its constructor call would.
func (p *poolCore) String() string {
	g := &p.geom
	if p.rank == 3 {
		return fmt.Sprintf("%s(k=%d, stride=%d)", p.layer, g.kW, g.strideW)
	}
	return fmt.Sprintf("%s(k=%d×%d, stride=%d)", p.layer, g.kH, g.kW, g.strideW)
}

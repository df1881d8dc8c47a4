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
// Max-pooling keeps no state between Forward and the backward pass: its
// backward finds the arg-max of each window again (as cheap as Forward), so
// that it depends only on the x it is given.
//
// Both passes cut the batch into convParts parts of consecutive images run
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

	// The pass being run, read by runPart.
	backward bool
	x, delta *tensor.Tensor
	parts    int
	scratch  [convParts]poolScratch
	job      *partJob
}

// poolScratch is what a part of max-pooling's backward pass needs of its
// own, per channel: the largest value of the window so far and its index
// in x.Data.
type poolScratch struct {
	best []float64
	arg  []int
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
	p.out = im2colGrow(p.out, g.batch*g.outH()*g.outW()*g.chans)
	p.run(false, x, nil)
	shape, rank := im2colOutShape(g, p.rank, g.chans)
	return im2colView(&p.outT, p.out, shape[:rank]...)
}

// run runs the forward pass, or the backward one, on every part.
func (p *poolCore) run(backward bool, x, delta *tensor.Tensor) {
	p.backward, p.x, p.delta = backward, x, delta
	p.parts = min(convParts, p.geom.batch)
	runParts(p.job, p, p.parts)
	p.x, p.delta = nil, nil
}

// runPart runs the pass on the images of part k.
func (p *poolCore) runPart(k int) {
	b0, b1 := k*p.geom.batch/p.parts, (k+1)*p.geom.batch/p.parts
	if p.backward {
		p.backwardImages(&p.scratch[k], b0, b1)
	} else {
		p.forwardImages(b0, b1)
	}
}

// forwardImages pools the images b0 ≤ b < b1 of p.x into p.out.
func (p *poolCore) forwardImages(b0, b1 int) {
	g, x := &p.geom, p.x
	c, oh, ow := g.chans, g.outH(), g.outW()
	n := float64(g.kH * g.kW)
	o := b0 * oh * ow * c
	for b := b0; b < b1; b++ {
		for i := range oh {
			for j := range ow {
				y := p.out[o : o+c]
				o += c
				for di := range g.kH {
					for dj := range g.kW {
						k := p.index(b, i*g.strideH+di, j*g.strideW+dj)
						in := x.Data[k : k+c]
						switch {
						case di == 0 && dj == 0:
							copy(y, in)
						case p.max:
							// v != v is NaN: a NaN wins, as in PyTorch.
							for ch, v := range in {
								if v > y[ch] || v != v {
									y[ch] = v
								}
							}
						default:
							im2colAddTo(y, in)
						}
					}
				}
				if !p.max {
					for ch := range y {
						y[ch] /= n
					}
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
	p.run(true, x, delta)
	return im2colView(&p.dxT, p.dx, x.Shape...)
}

// backwardImages sets the rows of p.dx of the images b0 ≤ b < b1.
func (p *poolCore) backwardImages(s *poolScratch, b0, b1 int) {
	g, x, delta := &p.geom, p.x, p.delta
	c, oh, ow := g.chans, g.outH(), g.outW()
	clear(p.dx[b0*g.imageLen() : b1*g.imageLen()])
	s.best = im2colGrow(s.best, c)
	if cap(s.arg) < c {
		s.arg = make([]int, c)
	}
	best, arg := s.best, s.arg[:c]
	n := float64(g.kH * g.kW)
	o := b0 * oh * ow * c
	for b := b0; b < b1; b++ {
		for i := range oh {
			for j := range ow {
				d := delta.Data[o : o+c]
				o += c
				for di := range g.kH {
					for dj := range g.kW {
						k := p.index(b, i*g.strideH+di, j*g.strideW+dj)
						in := x.Data[k : k+c]
						switch {
						case !p.max:
							for ch, v := range d {
								p.dx[k+ch] += v / n
							}
						case di == 0 && dj == 0:
							copy(best, in)
							for ch := range arg {
								arg[ch] = k + ch
							}
						default:
							for ch, v := range in {
								if v > best[ch] || v != v {
									best[ch], arg[ch] = v, k+ch
								}
							}
						}
					}
				}
				if p.max {
					for ch, v := range d {
						p.dx[arg[ch]] += v
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

package layers

import (
	"fmt"

	"github.com/nndiy/nndiy/internal/parts"
	"github.com/nndiy/nndiy/tensor"
)

// im2colGeom is the geometry of a kH×kW window sliding over a channels-last
// batch of images shaped (batch, inH, inW, chans): the window moves by
// strideH rows and strideW columns over the image framed by padH rows of
// zeros above and below and padW columns of zeros left and right. The
// convolutions and the poolings share it; a 1-D layer is the case
// inH = kH = 1, padH = 0.
//
// Output pixel (i, j) sees the input rows i·strideH − padH + di and columns
// j·strideW − padW + dj for di < kH, dj < kW, so that
//
//	outH = ⌊(inH + 2·padH − kH) / strideH⌋ + 1
//
// and likewise outW: positions at the end of a row that the last window
// does not reach are ignored, as in PyTorch.
type im2colGeom struct {
	batch, inH, inW, chans int
	kH, kW                 int
	strideH, strideW       int
	padH, padW             int
}

// fits reports whether the padded image holds at least one window.
func (g *im2colGeom) fits() bool {
	return g.inH+2*g.padH >= g.kH && g.inW+2*g.padW >= g.kW
}

func (g *im2colGeom) outH() int { return (g.inH+2*g.padH-g.kH)/g.strideH + 1 }
func (g *im2colGeom) outW() int { return (g.inW+2*g.padW-g.kW)/g.strideW + 1 }

// windowRows returns row0 = i·strideH − padH, the image row under the
// first row of output row i's window, and the rows di0 ≤ di < di1 of the
// window that lie inside the image; windowCols likewise for output
// column j.
func (g *im2colGeom) windowRows(i int) (row0, di0, di1 int) {
	row0 = i*g.strideH - g.padH
	return row0, max(0, -row0), min(g.kH, g.inH-row0)
}

func (g *im2colGeom) windowCols(j int) (col0, dj0, dj1 int) {
	col0 = j*g.strideW - g.padW
	return col0, max(0, -col0), min(g.kW, g.inW-col0)
}

// imageLen is the number of values of one input image, inH·inW·chans.
func (g *im2colGeom) imageLen() int { return g.inH * g.inW * g.chans }

// patchLen is the length of one flattened window, kH·kW·chans: a row of
// the patch matrix.
func (g *im2colGeom) patchLen() int { return g.kH * g.kW * g.chans }

// im2colSetInput checks that x is a batch for a layer with this geometry
// and sets g's batch and image size from it. rank 3 means x is shaped
// (batch, length, chans), seen as images of height 1; rank 4 means
// (batch, height, width, chans). When anyChans is false, chans must be
// g.chans (a convolution's chanIn); otherwise g.chans is taken from x (a
// pooling). layer and method name the panicking call, as in
// "layers.Conv1D.Forward" (they are joined only to panic, which keeps the
// check free of allocations).
func im2colSetInput(g *im2colGeom, layer, method string, rank int, anyChans bool, x *tensor.Tensor) {
	s := x.Shape
	if len(s) != rank || (!anyChans && s[rank-1] != g.chans) {
		want := "channels"
		if !anyChans {
			want = fmt.Sprint(g.chans)
		}
		if rank == 3 {
			panic(fmt.Sprintf("layers.%s.%s: input shape %v does not match expected shape (batch, length, %s)", layer, method, s, want))
		}
		panic(fmt.Sprintf("layers.%s.%s: input shape %v does not match expected shape (batch, height, width, %s)", layer, method, s, want))
	}
	g.batch, g.chans = s[0], s[rank-1]
	if rank == 3 {
		g.inH, g.inW = 1, s[1]
	} else {
		g.inH, g.inW = s[1], s[2]
	}
	if !g.fits() {
		if rank == 3 {
			panic(fmt.Sprintf("layers.%s.%s: input shape %v is shorter than the window %d (padding %d)", layer, method, s, g.kW, g.padW))
		}
		panic(fmt.Sprintf("layers.%s.%s: input shape %v is smaller than the window %d×%d (padding %d)", layer, method, s, g.kH, g.kW, g.padW))
	}
}

// im2colOutShape returns the output shape of a layer with geometry g and
// chans output channels, for an input of the given rank, as an array and
// its length, so that checking a shape does not allocate.
func im2colOutShape(g *im2colGeom, rank, chans int) (shape [4]int, n int) {
	if rank == 3 {
		return [4]int{g.batch, g.outW(), chans}, 3
	}
	return [4]int{g.batch, g.outH(), g.outW(), chans}, 4
}

// im2colCheckDelta panics unless delta has the output shape of a layer with
// geometry g (set from the matching x) and chans output channels.
func im2colCheckDelta(g *im2colGeom, layer, method string, rank, chans int, delta *tensor.Tensor) {
	want, n := im2colOutShape(g, rank, chans)
	ok := len(delta.Shape) == n
	for i := 0; ok && i < n; i++ {
		ok = delta.Shape[i] == want[i]
	}
	if !ok { // copy want so that it stays on the stack when all is well
		panicShapes("layers."+layer+"."+method, "delta", delta.Shape, "output", append([]int(nil), want[:n]...))
	}
}

// im2col writes into cols the patch matrix of the images b0 ≤ b < b1 of x:
// one row per output pixel, in (b, i, j) order, holding the window under
// that pixel flattened in (di, dj, c) order,
//
//	cols[((b−b0)·outH + i)·outW + j][(di·kW + dj)·chans + c]
//	    = x[b][i·strideH − padH + di][j·strideW − padW + dj][c]
//
// and 0 where the window lies on the padding. The (di, dj, c) order is the
// order of the first three axes of a (kH, kW, chanIn, chanOut) weight, so
// that the weight is a (kH·kW·chanIn)×chanOut matrix without moving a value
// and the convolution is the product cols·W.
//
// Channels-last storage makes this a sequence of copies: a window row of
// kW pixels × chans channels is contiguous in x, kW·chans values long.
func im2col(cols, x []float64, g *im2colGeom, b0, b1 int) {
	c, seg := g.chans, g.kW*g.chans
	oh, ow := g.outH(), g.outW()
	p := 0
	for b := b0; b < b1; b++ {
		img := x[b*g.imageLen() : (b+1)*g.imageLen()]
		for i := range oh {
			for j := range ow {
				// The window's columns inside the image: col0+dj0 … col0+dj1−1.
				col0, dj0, dj1 := g.windowCols(j)
				for di := range g.kH {
					dst := cols[p : p+seg]
					p += seg
					ii := i*g.strideH - g.padH + di
					if ii < 0 || ii >= g.inH || dj0 >= dj1 {
						im2colZero(dst)
						continue
					}
					row := img[ii*g.inW*c : (ii+1)*g.inW*c]
					if dj0 == 0 && dj1 == g.kW { // the whole window row is inside
						im2colCopy(dst, row[col0*c:])
						continue
					}
					im2colZero(dst[:dj0*c])
					im2colCopy(dst[dj0*c:dj1*c], row[(col0+dj0)*c:(col0+dj1)*c])
					im2colZero(dst[dj1*c:])
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds every value of the patch matrix
// cols of images b0 ≤ b < b1 back onto the input position it was copied
// from, into dx, which the caller has zeroed,
//
//	dx[b][i·strideH − padH + di][j·strideW − padW + dj][c]
//	    += cols[((b−b0)·outH + i)·outW + j][(di·kW + dj)·chans + c]
//
// dropping the values that came from the padding. An input position under
// several windows (stride < kernel) collects one term per window; one under
// none (the tail the stride skips) keeps its 0.
func col2im(dx, cols []float64, g *im2colGeom, b0, b1 int) {
	c, seg := g.chans, g.kW*g.chans
	oh, ow := g.outH(), g.outW()
	p := 0
	for b := b0; b < b1; b++ {
		img := dx[b*g.imageLen() : (b+1)*g.imageLen()]
		for i := range oh {
			for j := range ow {
				col0, dj0, dj1 := g.windowCols(j)
				for di := range g.kH {
					src := cols[p : p+seg]
					p += seg
					ii := i*g.strideH - g.padH + di
					if ii < 0 || ii >= g.inH || dj0 >= dj1 {
						continue
					}
					row := img[ii*g.inW*c : (ii+1)*g.inW*c]
					im2colAddTo(row[(col0+dj0)*c:(col0+dj1)*c], src[dj0*c:dj1*c])
				}
			}
		}
	}
}

// im2colCopy is copy(dst, src) for len(dst) ≤ len(src). A window row of a
// first layer is short (5 values for a 5×5 kernel on one channel) and
// copying it with a loop rather than with copy, a call of memmove, made
// im2col of a Conv2D(5×5, 1→16) on a batch of 32 images of 16×16 take
// about half as long.
func im2colCopy(dst, src []float64) {
	if len(dst) > 16 {
		copy(dst, src)
		return
	}
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = src[i]
	}
}

// im2colZero is clear(dst), with a loop for short slices, as im2colCopy.
func im2colZero(dst []float64) {
	if len(dst) > 16 {
		clear(dst)
		return
	}
	for i := range dst {
		dst[i] = 0
	}
}

// im2colAddTo sets dst[i] += src[i], for each i < len(dst) ≤ len(src).
//
// It is the loop
//
//	for i := range dst {
//		dst[i] += src[i]
//	}
//
// unrolled by 4: the same additions, with a quarter of the loop's own
// instructions. col2im spends its time here, adding rows of 80 values
// (5 pixels × 16 channels for the LeNet-like CNN's second convolution);
// unrolled, its rows took about half as long (0.49 against 1.1 ns per
// value, measured on rows of 80 values, one core).
func im2colAddTo(dst, src []float64) {
	src = src[:len(dst)]
	i := 0
	for ; i <= len(dst)-4; i += 4 {
		d, s := dst[i:i+4:i+4], src[i:i+4:i+4]
		d[0] += s[0]
		d[1] += s[1]
		d[2] += s[2]
		d[3] += s[3]
	}
	for ; i < len(dst); i++ {
		dst[i] += src[i]
	}
}

// im2colAddRows adds every row of the matrix m, whose rows are len(sum)
// long, into sum, in the order of the rows:
//
//	for r := 0; r < len(m); r += len(sum) {
//		im2colAddTo(sum, m[r:r+len(sum)])
//	}
//
// It does so four rows at a time, sum[o] + m0[o] + m1[o] + m2[o] + m3[o]
// (Go adds from left to right, the same additions in the same order),
// which loads and stores sum once per four rows: the bias gradient of the
// LeNet-like CNN's first convolution, rows of 16 values, took a quarter
// as long (measured on 2048 rows, one core).
func im2colAddRows(sum, m []float64) {
	n := len(sum)
	r := 0
	for ; r+4*n <= len(m); r += 4 * n {
		m0, m1, m2, m3 := m[r:r+n], m[r+n:r+2*n], m[r+2*n:r+3*n], m[r+3*n:r+4*n]
		for o := range sum {
			sum[o] = sum[o] + m0[o] + m1[o] + m2[o] + m3[o]
		}
	}
	for ; r < len(m); r += n {
		im2colAddTo(sum, m[r:r+n])
	}
}

// im2colView points the reusable header t at data with the given shape and
// returns it. Reshape would allocate a new header on every call; rewriting
// a header that the module owns does not, which keeps the steady state of a
// layer free of allocations.
func im2colView(t *tensor.Tensor, data []float64, shape ...int) *tensor.Tensor {
	t.Shape = append(t.Shape[:0], shape...)
	t.Data = data
	return t
}

// im2colGrow returns buf resliced to n values, reallocated only when its
// capacity is too small.
func im2colGrow(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}

// partRunner is a layer whose pass is cut into parts that may run at once:
// runPart(p) must touch only what part p owns.
type partRunner interface{ runPart(p int) }

// partJob is one call of runParts, owned by the layer so that running it
// allocates nothing (see package internal/parts).
type partJob struct {
	parts.Job
	r partRunner
}

// RunPart lets a partJob run its layer's parts through parts.Run, which
// wants an exported method.
func (j *partJob) RunPart(p int) { j.r.runPart(p) }

// runParts calls r.runPart(p) for every p < n, on the calling goroutine
// and on up to GOMAXPROCS−1 helpers at once, and returns when all are done.
// Which goroutine runs a part changes nothing in its results: each part
// writes only its own memory, so the results are the same for any
// GOMAXPROCS.
func runParts(job *partJob, r partRunner, n int) {
	job.r = r
	parts.Run(&job.Job, job, n)
	job.r = nil
}

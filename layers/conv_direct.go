package layers

import "github.com/nndiy/nndiy/internal/kernel"

// The direct passes: Forward, BackwardDelta and the weight gradient
// computed on the images themselves, without a patch matrix.
//
// In the lowering of conv.go, a row of the patch matrix X̃ is a window
// flattened in (di, dj, c) order: kH runs of kW·chanIn values, each run a
// row of the window, which channels-last storage keeps contiguous in x.
// The micro-kernel of Gemm (package internal/kernel) can read its rows of a
// at any stride and in runs, so it can read a window where it lies in x:
// one run per row of the window, the next run one image row further. And
// it can leave out what the padding would have put in X̃: the rows of the
// window above or below the image are runs it does not make, the columns
// left or right of it are shorter runs. Those zeros are 28 % of the
// multiply-adds of the second convolution of experiments/conv's 2-D CNN
// (5×5 windows over 8×8 images, padding 2), and im2col no longer writes
// the patch matrix for Forward, nor Gemm reads it back.
//
// A tile of the kernel is MR = 4 rows by NR = 8 columns: here the 4 rows
// are the same output pixel of 4 consecutive images of the batch, which
// see the same window and so skip the same zeros, and the 8 columns 8
// output channels. Forward is, for each group of 4 images, each block of
// 8 output channels and each output pixel (i, j):
//
//	tile = Σ over the rows di of the window inside the image
//	         Σ over its columns dj inside the image, and c < chanIn
//	           x[b][i·strideH − padH + di][j·strideW − padW + dj][c] · W[di][dj][c][o]
//	ỹ[b][i][j][o] = tile[b][o] + bias[o]
//
// the sum of Gemm's row of X̃·W with its zero terms left out. Adding a
// zero product to a sum changes nothing in it (the sum starts at +0 and
// x + (−x) is +0, so it is never −0), which makes the direct Forward give
// the float64s of the lowered one, bit for bit, as long as the weights are
// finite (0·∞ is NaN); TestConvDirectSameAsLowered checks it.
//
// BackwardDelta is dX̃ = δ̃·Wᵀ followed by col2im, which adds each value of
// dX̃ to the input pixel it came from and drops those of the padding.
// The direct pass computes, for each group of 4 images, each block of 8
// input channels, each output pixel (i, j) and each offset (di, dj) of the
// window that lies inside the image, the 4×8 tile of dX̃ for that offset
// (a sum over the chanOut output channels) and adds it at once to its
// input pixel, in col2im's order of (i, j, di, dj): every value of dx
// receives the same terms, in the same order, as in the lowered pass, and
// the tiles of the padding are never computed.
//
// The weight gradient dW += X̃ᵀ·δ̃ is a sum over the pixels of a part of
// the batch, for each weight. Its tile is 4 consecutive input channels of
// one window offset (di, dj) by 8 output channels:
//
//	tile = Σ over the images b of the part, in order
//	         Σ over the output pixels (i, j) whose input pixel
//	           (i·strideH − padH + di, j·strideW − padW + dj) is inside the image
//	             x[b][that pixel][c … c+3] · δ[b][i][j][o … o+7]
//
// those pixels being a rectangle, read as one run per output row. These
// are the terms of the lowered pass's sum over the part's rows of X̃, in
// the same order, without the zeros of the padding: the same float64s.
// The 4 rows of a tile being 4 channels, this needs chanIn to be a
// multiple of 4. Other layers (a first layer, on 1 channel) read their
// images framed by the padding, copied, so that a tile can be 4
// consecutive values of a row of the window whatever the channels, and
// sum the padding's zeros as the lowered pass does (gradientPadded).

// convDirect lets the passes run directly where the kernel has its
// assembly (kernel.AVX); the portable kernel is faster on the patch
// matrix, whose rows it reads packed. Tests switch it off to compare the
// two ways.
var convDirect = true

// runsDirect reports whether pass runs directly. Forward and the weight
// gradient always do. BackwardDelta's tiles are 8 input channels wide, so
// that on fewer than 8 most of each tile would be wasted: with 1, the
// direct pass took three times as long as the lowered one (a first layer
// on one channel, whose BackwardDelta a network does not call anyway).
func (c *convCore) runsDirect(pass convPass) bool {
	if !convDirect || !kernel.AVX {
		return false
	}
	return pass != convDelta || c.geom.chans >= kernel.NR
}

// packDirect prepares the direct pass about to run, once for all the
// parts, and returns the number of parts to run. For Forward and
// BackwardDelta it packs the weight as the NR-column micro-panels of W
// ((kH·kW·chanIn)×chanOut) and of Wᵀ, cut by window offset:
//
//	Forward   wp[(jr·K + kk)·NR + j]                  = W[kk][jr·NR + j]
//	Delta     wp[((t·pIn + jr)·chanOut + o)·NR + j]   = W[t][jr·NR + j][o]
//
// with K = kH·kW·chanIn, t = di·kW + dj the offset in the window and
// pIn = ⌈chanIn/NR⌉; the values past the last channel are zeros. For the
// weight gradient it prepares δ̃ and x (prepareGradient).
func (c *convCore) packDirect(pass convPass) (jobs int) {
	g := &c.geom
	k, n, cin := g.patchLen(), c.chanOut, g.chans
	w := c.weight.Value.Data
	const nr = kernel.NR
	switch pass {
	case convGradient:
		return c.prepareGradient()
	case convForward:
		c.wp = im2colGrow(c.wp, (n+nr-1)/nr*k*nr)
		packPanels(c.wp, w, k, n, n, 1)
		return c.parts
	}
	pIn := (cin + nr - 1) / nr
	c.wp = im2colGrow(c.wp, g.kH*g.kW*pIn*n*nr)
	for t := range g.kH * g.kW { // Wᵀ of offset t: element (o, ch) is W[t][ch][o]
		packPanels(c.wp[t*pIn*n*nr:], w[t*cin*n:], n, cin, 1, n)
	}
	return c.parts
}

// packPanels copies the rows×cols matrix whose element (r, c) is
// src[r·rs + c·cs] into dst as NR-column micro-panels, the kernel's b:
//
//	dst[(jr·rows + r)·NR + j] = element (r, jr·NR + j)
//
// with zeros past the last column. dst must hold ⌈cols/NR⌉·rows·NR values.
func packPanels(dst, src []float64, rows, cols, rs, cs int) {
	const nr = kernel.NR
	for jr := range (cols + nr - 1) / nr {
		for r := range rows {
			d := dst[(jr*rows+r)*nr : (jr*rows+r+1)*nr]
			for j := range d {
				d[j] = 0
				if col := jr*nr + j; col < cols {
					d[j] = src[r*rs+col*cs]
				}
			}
		}
	}
}

// groups calls f for the groups of up to MR consecutive images of part p,
// with the index of the group's first image, its number of images and its
// input (x or δ, each image imageLen values long): the batch's own memory,
// or for a group of fewer than MR images a copy in the part's buffer with
// zero images after it, since the kernel always reads MR images.
func (c *convCore) groups(p int, src []float64, imageLen int, f func(b0, rows int, in []float64)) {
	b0, b1 := c.partImages(p)
	wp := &c.work[p]
	for b := b0; b < b1; b += kernel.MR {
		rows := min(kernel.MR, b1-b)
		in := src[b*imageLen:]
		if rows < kernel.MR {
			wp.tail = im2colGrow(wp.tail, kernel.MR*imageLen)
			copy(wp.tail, in[:rows*imageLen])
			clear(wp.tail[rows*imageLen:])
			in = wp.tail
		}
		f(b, rows, in)
	}
}

// forwardDirect is Forward's pass on part p, straight from x.
func (c *convCore) forwardDirect(p int) {
	g := &c.geom
	oh, ow, n := g.outH(), g.outW(), c.chanOut
	outLen, k, seg := oh*ow*n, g.patchLen(), g.kW*g.chans
	const nr = kernel.NR
	beta := 0.0
	if c.bias != nil {
		// ỹ starts from b, and each tile is added to it.
		b0, b1 := c.partImages(p)
		y := c.out[b0*outLen : b1*outLen]
		for r := 0; r < len(y); r += n {
			copy(y[r:r+n], c.bias.Value.Data)
		}
		beta = 1
	}
	c.groups(p, c.x, g.imageLen(), func(b0, rows int, x []float64) {
		y := c.out[b0*outLen:]
		for jr := 0; jr*nr < n; jr++ {
			w, cols := c.wp[jr*k*nr:(jr+1)*k*nr], min(nr, n-jr*nr)
			for i := range oh {
				row0, di0, di1 := g.windowRows(i)
				for j := range ow {
					col0, dj0, dj1 := g.windowCols(j)
					var tile kernel.Tile
					if di0 < di1 && dj0 < dj1 {
						// Runs: the rows di0 … di1−1 of the window, each
						// (dj1−dj0)·chanIn values from column col0+dj0.
						a := x[((row0+di0)*g.inW+col0+dj0)*g.chans:]
						kernel.Strided((dj1-dj0)*g.chans, di1-di0, a, g.imageLen(), 1, g.inW*g.chans,
							w[(di0*g.kW+dj0)*g.chans*nr:], nr, seg*nr, &tile)
					}
					kernel.Store(y[(i*ow+j)*n+jr*nr:], outLen, rows, cols, 1, &tile, beta)
				}
			}
		}
	})
}

// deltaDirect is BackwardDelta's pass on part p, straight from δ into dx.
func (c *convCore) deltaDirect(p int) {
	g := &c.geom
	oh, ow, n, cin := g.outH(), g.outW(), c.chanOut, g.chans
	outLen, imageLen := oh*ow*n, g.imageLen()
	pIn := (cin + kernel.NR - 1) / kernel.NR
	b0, b1 := c.partImages(p)
	clear(c.dx[b0*imageLen : b1*imageLen])
	c.groups(p, c.delta, outLen, func(b0, rows int, delta []float64) {
		dx := c.dx[b0*imageLen:]
		for jr := range pIn {
			cols := min(kernel.NR, cin-jr*kernel.NR)
			for i := range oh {
				row0, di0, di1 := g.windowRows(i)
				for j := range ow {
					col0, dj0, dj1 := g.windowCols(j)
					if dj0 >= dj1 {
						continue // the window lies on the padding
					}
					d := delta[(i*ow+j)*n:]
					for di := di0; di < di1; di++ {
						// dX̃'s tiles for the offsets (di, dj0 … dj1−1), each
						// a sum over the n output channels, added to their
						// pixels: consecutive pixels of one image row.
						w := c.wp[((di*g.kW+dj0)*pIn+jr)*n*kernel.NR:]
						px := ((row0+di)*g.inW+col0+dj0)*cin + jr*kernel.NR
						if rows == kernel.MR && cols == kernel.NR {
							kernel.AddProducts(n, dj1-dj0, d, outLen, 1, w, pIn*n*kernel.NR, dx[px:], imageLen, cin)
							continue
						}
						for dj := range dj1 - dj0 { // a partial tile
							var tile kernel.Tile
							kernel.Strided(n, 1, d, outLen, 1, 0, w[dj*pIn*n*kernel.NR:], kernel.NR, 0, &tile)
							kernel.Store(dx[px+dj*cin:], imageLen, rows, cols, 1, &tile, 1)
						}
					}
				}
			}
		}
	})
}

// The direct weight gradient cuts each of the batch's 4 parts of images
// further, by row of the window: part q's sums of dW for the window rows
// di (a row of the window is kW·chanIn weights) are one job, run on any
// core. Each job writes its own rows of part q's partial sums, and the
// layer adds the parts' partial sums in order as in the lowered pass: the
// same float64s, in jobs small enough that two cores of different speeds
// share them evenly (4 parts alone split 2 and 2).

// prepareGradient readies δ̃ and x for the direct weight gradient's jobs
// and returns their number: for each part of the batch, one per row of
// the window (gradientSkipping), or per tile row of the padded pass
// (gradientPadded).
func (c *convCore) prepareGradient() (jobs int) {
	g := &c.geom
	n, cin := c.chanOut, g.chans
	const mr, nr = kernel.MR, kernel.NR
	// The kernel's b: δ̃ itself, NR output channels of a row at a time; or,
	// when the last block is not whole, δ̃ packed into NR-column
	// micro-panels, zeros past chanOut.
	if n%nr != 0 {
		rows := len(c.delta) / n
		c.dp = im2colGrow(c.dp, (n+nr-1)/nr*rows*nr)
		packPanels(c.dp, c.delta, rows, n, n, 1)
	}
	if cin%mr != 0 {
		// The images in their frames of zeros, and MR values of slack for
		// the rows of a last tile that run past the end.
		hp, wpx := g.inH+2*g.padH, g.inW+2*g.padW
		padLen := hp * wpx * cin
		c.xpad = im2colGrow(c.xpad, g.batch*padLen+mr)
		clear(c.xpad)
		for b := range g.batch {
			img := c.x[b*g.imageLen() : (b+1)*g.imageLen()]
			for h := range g.inH {
				at := b*padLen + ((h+g.padH)*wpx+g.padW)*cin
				copy(c.xpad[at:at+g.inW*cin], img[h*g.inW*cin:])
			}
		}
	}
	return c.parts * c.gradientRows()
}

// gradientRows is the number of jobs of a part of the batch in the direct
// weight gradient: the rows of the window, or of padded tiles.
func (c *convCore) gradientRows() int {
	g := &c.geom
	if g.chans%kernel.MR != 0 {
		return g.kH * ((g.kW*g.chans + kernel.MR - 1) / kernel.MR)
	}
	return g.kH
}

// deltaBlocks returns δ̃ as the weight gradient's kernel reads it: row r
// of the block of NR output channels jr starts at d[jr·block + r·row].
func (c *convCore) deltaBlocks() (d []float64, row, block int) {
	n := c.chanOut
	if n%kernel.NR == 0 {
		return c.delta, n, kernel.NR
	}
	return c.dp, kernel.NR, len(c.delta) / n * kernel.NR
}

// gradientDirect runs job p of the direct weight gradient: row r of the
// window for part q of the batch, into part q's partial sums (and, with
// the first row, its partial sums of db).
func (c *convCore) gradientDirect(p int) {
	g := &c.geom
	q, r := p/c.gradientRows(), p%c.gradientRows()
	if r == 0 && c.bias != nil { // db += Σ_rows δ̃
		b0, b1 := c.partImages(q)
		outLen := g.outH() * g.outW() * c.chanOut
		wp := &c.work[q]
		clear(wp.db)
		im2colAddRows(wp.db, c.delta[b0*outLen:b1*outLen])
	}
	if g.chans%kernel.MR == 0 {
		c.gradientSkipping(q, r)
	} else {
		c.gradientPadded(q, r)
	}
}

// gradientSkipping writes part q's sums of dW for the row di of the
// window, for chanIn a multiple of MR: its tiles are MR channels of one
// offset (di, dj) by NR output channels, and the terms on the padding are
// skipped.
func (c *convCore) gradientSkipping(q, di int) {
	g := &c.geom
	oh, ow, n, cin := g.outH(), g.outW(), c.chanOut, g.chans
	const mr, nr = kernel.MR, kernel.NR
	d, row, block := c.deltaBlocks()
	dw := c.work[q].dw
	b0, b1 := c.partImages(q)
	// The output rows i0 … i1−1 whose window row di is inside the image,
	// and likewise the columns j0 … j1−1 for dj.
	i0, i1 := insideRange(di, g.padH, g.strideH, g.inH, oh)
	for dj := range g.kW {
		j0, j1 := insideRange(dj, g.padW, g.strideW, g.inW, ow)
		at := ((i0*g.strideH-g.padH+di)*g.inW + j0*g.strideW - g.padW + dj) * cin
		for ch := 0; ch < cin; ch += mr {
			for jr := 0; jr*nr < n; jr++ {
				var tile kernel.Tile
				for b := b0; b < b1 && i0 < i1 && j0 < j1; b++ { // no term if the offset sees only padding
					a := c.x[b*g.imageLen()+at+ch:]
					kernel.Strided(j1-j0, i1-i0, a, 1, g.strideW*cin, g.strideH*g.inW*cin,
						d[jr*block+((b*oh+i0)*ow+j0)*row:], row, ow*row, &tile)
				}
				// The part's sums (+0 where the offset sees only padding).
				kernel.Store(dw[((di*g.kW+dj)*cin+ch)*n+jr*nr:], n, mr, min(nr, n-jr*nr), 1, &tile, 0)
			}
		}
	}
}

// insideRange returns the output positions o0 ≤ o < o1 along one axis,
// of out in all, whose window offset d falls inside the image of size in:
// 0 ≤ o·stride − pad + d < in.
func insideRange(d, pad, stride, in, out int) (o0, o1 int) {
	o0 = max(0, (pad-d+stride-1)/stride)
	o1 = min(out, (in-1+pad-d)/stride+1)
	if in-1+pad-d < 0 {
		o1 = 0
	}
	return o0, o1
}

// gradientPadded writes part q's sums of dW for tile row p of the window
// when chanIn is not a multiple of MR (a first layer, on one channel). It
// reads the images framed by their padding (xpad, see prepareGradient), so
// that every window lies inside: a tile is then MR consecutive values of
// one row of the window, (dj, c) pairs at stride 1, summed over every
// output pixel, the padding's zeros included, as the lowered pass sums
// them. A row of the window, kW·chanIn values, makes ⌈kW·chanIn/MR⌉ tiles;
// the rows of its last tile past the end are computed on the next values
// of xpad and not stored.
func (c *convCore) gradientPadded(q, p int) {
	g := &c.geom
	oh, ow, n, cin := g.outH(), g.outW(), c.chanOut, g.chans
	const mr, nr = kernel.MR, kernel.NR
	d, row, block := c.deltaBlocks()
	dw := c.work[q].dw
	b0, b1 := c.partImages(q)
	wpx, seg := g.inW+2*g.padW, g.kW*cin // the padded image's width
	padLen := (g.inH + 2*g.padH) * wpx * cin
	tiles := (seg + mr - 1) / mr
	di, t0 := p/tiles, p%tiles*mr
	for jr := 0; jr*nr < n; jr++ {
		var tile kernel.Tile
		for b := b0; b < b1; b++ {
			// Pixel (i, j) of image b reads the window row at
			// xpad[b][i·strideH + di][j·strideW …].
			a := c.xpad[b*padLen+di*wpx*cin+t0:]
			kernel.Strided(ow, oh, a, 1, g.strideW*cin, g.strideH*wpx*cin, d[jr*block+b*oh*ow*row:], row, ow*row, &tile)
		}
		kernel.Store(dw[(di*seg+t0)*n+jr*nr:], n, min(mr, seg-t0), min(nr, n-jr*nr), 1, &tile, 0)
	}
}

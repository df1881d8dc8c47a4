package layers

// The direct loops of a 1-D convolution with small windows, kW·chanIn ≤
// convDirectMaxPatch values (the course's Conv1D(3, 1→32) has 3): the sums
// of conv1d.go's definition, reordered so that the innermost loop runs
// along a contiguous row of chanOut values of W, of y or of δ, instead of
// building the patch matrix for a product with k = 3, which is all
// overhead for Gemm (it packs, then does 3 multiply-adds per value it
// stores). Each element's sum still runs over the window in the
// definition's order, from 0, so y, dW's part sums and dx are the
// definition's float64s. Each function does the images c0 ≤ b < c1.
//
// A window at offset t reads x from position t·stride − padding; in
// channels-last storage its kW·chanIn values are one contiguous run of x,
// the row t of the patch matrix that im2col would have built.

// conv1DDirectForward sets the rows of y of images c0 ≤ b < c1 (y starts
// at image c0): y[t][:] = Σ_q window[q]·W[q][:] + bias.
func conv1DDirectForward(g *im2colGeom, n int, x, w, bias, y []float64, c0, c1 int) {
	outLen := g.outW()
	for b := c0; b < c1; b++ {
		for t := range outLen {
			yr := y[((b-c0)*outLen+t)*n:][:n]
			clear(yr)
			q0, q1, xs := conv1DWindow(g, x, b, t)
			for q := q0; q < q1; q++ {
				xv, wr := xs[q-q0], w[q*n:][:n]
				for o, wv := range wr {
					yr[o] += float64(xv * wv)
				}
			}
			if bias != nil {
				for o, bv := range bias[:n] {
					yr[o] += bv
				}
			}
		}
	}
}

// conv1DDirectGradient adds into dw, the part's partial sum, the terms of
// images c0 ≤ b < c1 (δ starts at image c0): dW[q][:] += window[q]·δ[t][:].
func conv1DDirectGradient(g *im2colGeom, n int, x, delta, dw []float64, c0, c1 int) {
	outLen := g.outW()
	for b := c0; b < c1; b++ {
		for t := range outLen {
			dr := delta[((b-c0)*outLen+t)*n:][:n]
			q0, q1, xs := conv1DWindow(g, x, b, t)
			for q := q0; q < q1; q++ {
				xv, dwr := xs[q-q0], dw[q*n:][:n]
				for o, dv := range dr {
					dwr[o] += float64(xv * dv)
				}
			}
		}
	}
}

// conv1DDirectDelta adds into dx, zeroed by the caller, the terms of images
// c0 ≤ b < c1 (δ starts at image c0): window[q] += Σ_o δ[t][o]·W[q][o].
func conv1DDirectDelta(g *im2colGeom, n int, w, delta, dx []float64, c0, c1 int) {
	outLen := g.outW()
	for b := c0; b < c1; b++ {
		for t := range outLen {
			dr := delta[((b-c0)*outLen+t)*n:][:n]
			q0, q1, dxs := conv1DWindow(g, dx, b, t)
			for q := q0; q < q1; q++ {
				wr := w[q*n:][:n]
				s := 0.0
				for o, dv := range dr {
					s += float64(dv * wr[o])
				}
				dxs[q-q0] += s
			}
		}
	}
}

// conv1DWindow returns the part of window t of image b that lies inside
// the sequence: the values xs = v[first … last] of the taps q0 ≤ q < q1,
// q = j·chanIn + c, as a slice of v (x, or dx to write into). Taps on the
// padding are left out; they add nothing to a sum.
func conv1DWindow(g *im2colGeom, v []float64, b, t int) (q0, q1 int, xs []float64) {
	cin := g.chans
	p0 := t*g.strideW - g.padW // the position of tap j = 0
	j0, j1 := max(0, -p0), min(g.kW, g.inW-p0)
	q0, q1 = j0*cin, j1*cin
	start := (b*g.inW+p0)*cin + q0
	return q0, q1, v[start : start+q1-q0]
}

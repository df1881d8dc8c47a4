package tensor

// microKernel adds the product of an MR-row micro-panel of a and an
// NR-column micro-panel of b, both packed by packA and packB, to the MR×NR
// register tile t (row-major):
//
//	for p := 0; p < k; p++ {
//		for i := 0; i < gemmMR; i++ {
//			for j := 0; j < gemmNR; j++ {
//				t[i*gemmNR+j] += a[p*gemmMR+i] * b[p*gemmNR+j]
//			}
//		}
//	}
//
// Each t[i][j] receives its k products in increasing p, each product rounded
// before it is added, as in gemmRef. The AVX kernel computes the same loop
// with four lanes at a time, with separate multiply and add instructions
// (an FMA would round once instead of twice and change the last bit).
// The SIMD build's kernel (gemm_simd.go) does fuse them: it is the only
// one that does not return gemmRef's bits. k must be at least 1.
func microKernel(k int, a, b []float64, t *[gemmMR * gemmNR]float64) {
	a, b = a[:k*gemmMR], b[:k*gemmNR]
	if useFMA {
		microKernelFMA(k, a, b, t)
		return
	}
	if useAVX {
		microKernelAVX(k, &a[0], 1, gemmMR, &b[0], t) // a packed micro-panel
		return
	}
	microKernelGo(a, b, t)
}

// microKernelGo is the portable micro-kernel. The Go compiler keeps about 15
// float64 values in registers, so it computes the MR×NR tile as 2×4 pieces:
// 8 sums, 2 values of a and 4 of b fit, where a whole 4×8 tile would spill
// to the stack on every step (measured: 2×4 runs at about 6 GFLOPS on this
// machine's cores, 4×4 at about 4).
func microKernelGo(a, b []float64, t *[gemmMR * gemmNR]float64) {
	for i := 0; i < gemmMR; i += 2 {
		for j := 0; j < gemmNR; j += 4 {
			microKernel2x4(a[i:], b[j:], t, i*gemmNR+j)
		}
	}
}

// microKernel2x4 adds to the 2×4 piece of t at offset o the products of
// a[p*MR : p*MR+2] and b[p*NR : p*NR+4] for every p.
func microKernel2x4(a, b []float64, t *[gemmMR * gemmNR]float64, o int) {
	c0 := (*[4]float64)(t[o:])
	c1 := (*[4]float64)(t[o+gemmNR:])
	c00, c01, c02, c03 := c0[0], c0[1], c0[2], c0[3]
	c10, c11, c12, c13 := c1[0], c1[1], c1[2], c1[3]
	// The loop conditions prove a[0:2] and b[0:4] in range, so the body has
	// no bounds checks; the last step has fewer than MR and NR values left.
	for len(a) >= 2 && len(b) >= 4 {
		a0, a1 := a[0], a[1]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		c00 += float64(a0 * b0)
		c01 += float64(a0 * b1)
		c02 += float64(a0 * b2)
		c03 += float64(a0 * b3)
		c10 += float64(a1 * b0)
		c11 += float64(a1 * b1)
		c12 += float64(a1 * b2)
		c13 += float64(a1 * b3)
		if len(a) < gemmMR || len(b) < gemmNR {
			break
		}
		a, b = a[gemmMR:], b[gemmNR:]
	}
	c0[0], c0[1], c0[2], c0[3] = c00, c01, c02, c03
	c1[0], c1[1], c1[2], c1[3] = c10, c11, c12, c13
}

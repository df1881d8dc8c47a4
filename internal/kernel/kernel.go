package kernel

// The register tile: MR rows of a times NR columns of b.
const (
	MR = 4 // rows of the tile
	NR = 8 // columns of the tile: two 4-wide AVX registers
)

// Tile is the MR×NR tile of sums, row after row.
type Tile = [MR * NR]float64

// Packed adds to t the products of a packed MR-row micro-panel of a and a
// packed NR-column micro-panel of b, k ≥ 1 steps long:
//
//	for p := 0; p < k; p++ {
//		for i := 0; i < MR; i++ {
//			for j := 0; j < NR; j++ {
//				t[i*NR+j] += a[p*MR+i] * b[p*NR+j]
//			}
//		}
//	}
//
// Each t[i][j] receives its k products in increasing p, each product
// rounded before it is added, except in the SIMD build (FMA), which fuses
// them.
func Packed(k int, a, b []float64, t *Tile) {
	a, b = a[:k*MR], b[:k*NR]
	switch {
	case FMA:
		packedFMA(k, a, b, t)
	case AVX:
		stridedAVX(k, 1, &a[0], 1, MR, 0, &b[0], NR, 0, t)
	default:
		packedGo(a, b, t)
	}
}

// Strided is Packed with a and b read where they lie: a tile row i reads,
// at step p of run r,
//
//	a[i*rs + r*aj + p*ps]   times   b[r*bj + p*bs : r*bj + p*bs + NR]
//
// for runs ≥ 1 runs of k ≥ 1 steps each, in increasing r and then p:
//
//	for r := 0; r < runs; r++ {
//		for p := 0; p < k; p++ {
//			for i := 0; i < MR; i++ {
//				for j := 0; j < NR; j++ {
//					t[i*NR+j] += a[i*rs+r*aj+p*ps] * b[r*bj+p*bs+j]
//				}
//			}
//		}
//	}
//
// Packed micro-panels are one run with rs = 1, ps = MR and bs = NR. Gemm
// reads an unpacked a with rs and ps its row and column strides; a
// convolution reads its images with one run per row of the window (aj the
// stride of an image row), so that the rows of the window that lie on the
// padding are never visited, and its weight gradient reads NR output
// channels of δ in place (bs the length of a row of δ). The strides are in
// values and must not be negative; a and b must hold every value the loop
// reads.
func Strided(k, runs int, a []float64, rs, ps, aj int, b []float64, bs, bj int, t *Tile) {
	if k < 1 || runs < 1 || rs < 0 || ps < 0 || aj < 0 || bs < 0 || bj < 0 {
		panic("kernel.Strided: need k, runs ≥ 1 and strides ≥ 0")
	}
	a = a[:(MR-1)*rs+(runs-1)*aj+(k-1)*ps+1] // every value the loop reads
	b = b[:(runs-1)*bj+(k-1)*bs+NR]
	switch {
	case FMA:
		stridedFMA(k, runs, &a[0], rs, ps, aj, &b[0], bs, bj, t)
	case AVX:
		stridedAVX(k, runs, &a[0], rs, ps, aj, &b[0], bs, bj, t)
	default:
		for r := range runs {
			for p := range k {
				for i := range MR {
					x := a[i*rs+r*aj+p*ps]
					for j := range NR {
						t[i*NR+j] += float64(x * b[r*bj+p*bs+j])
					}
				}
			}
		}
	}
}

// AddProducts adds to c, at runs places cj apart, the tiles of the
// products of the MR rows of a, read as Strided reads one run of them, and
// runs packed NR-column micro-panels of b, bj apart, each tile summed from
// zero over k ≥ 1 steps before it is added to its MR×NR block of c (rows
// ldc apart):
//
//	for r := 0; r < runs; r++ {
//		var t Tile
//		Strided(k, 1, a, rs, ps, 0, b[r*bj:], NR, 0, &t)
//		for i := 0; i < MR; i++ {
//			for j := 0; j < NR; j++ {
//				c[r*cj+i*ldc+j] += t[i*NR+j]
//			}
//		}
//	}
//
// which is Strided and Store(…, 1, &t, 1) for each run, in one call: the
// backward pass of a convolution adds so the tiles of one row of a window
// to the pixels of the input they come from.
func AddProducts(k, runs int, a []float64, rs, ps int, b []float64, bj int, c []float64, ldc, cj int) {
	if k < 1 || runs < 1 || rs < 0 || ps < 0 || bj < 0 || ldc < 0 || cj < 0 {
		panic("kernel.AddProducts: need k, runs ≥ 1 and strides ≥ 0")
	}
	a = a[:(MR-1)*rs+(k-1)*ps+1]
	b = b[:(runs-1)*bj+k*NR]
	c = c[:(runs-1)*cj+(MR-1)*ldc+NR]
	switch {
	case FMA:
		addProductsFMA(k, runs, &a[0], rs, ps, &b[0], bj, &c[0], ldc, cj)
	case AVX:
		addProductsAVX(k, runs, &a[0], rs, ps, &b[0], bj, &c[0], ldc, cj)
	default:
		for r := range runs {
			var t Tile
			Strided(k, 1, a, rs, ps, 0, b[r*bj:], NR, 0, &t)
			for i := range MR {
				for j := range NR {
					c[r*cj+i*ldc+j] += t[i*NR+j]
				}
			}
		}
	}
}

// Store writes the rows×cols corner of t into c, which starts at the
// tile's first element and has row stride ldc:
//
//	c[i*ldc+j] = alpha·t[i*NR+j] + beta·c[i*ldc+j]
//
// each product rounded before the sum. With beta == 0 it does not read c.
func Store(c []float64, ldc, rows, cols int, alpha float64, t *Tile, beta float64) {
	if AVX && rows == MR && cols == NR {
		c = c[:(MR-1)*ldc+NR] // the whole tile is in c
		storeAVX(&c[0], ldc, alpha, t, beta)
		return
	}
	for r := range rows {
		cr := c[r*ldc : r*ldc+cols]
		tr := t[r*NR : r*NR+cols]
		if beta == 0 {
			for x, s := range tr {
				cr[x] = alpha * s
			}
		} else {
			for x, s := range tr {
				cr[x] = float64(alpha*s) + float64(beta*cr[x])
			}
		}
	}
}

// packedGo is the portable kernel. The Go compiler keeps about 15 float64
// values in registers, so it computes the MR×NR tile as 2×4 pieces: 8
// sums, 2 values of a and 4 of b fit, where a whole 4×8 tile would spill to
// the stack on every step (measured: 2×4 runs at about 6 GFLOPS on this
// machine's cores, 4×4 at about 4).
func packedGo(a, b []float64, t *Tile) {
	for i := 0; i < MR; i += 2 {
		for j := 0; j < NR; j += 4 {
			packed2x4(a[i:], b[j:], t, i*NR+j)
		}
	}
}

// packed2x4 adds to the 2×4 piece of t at offset o the products of
// a[p*MR : p*MR+2] and b[p*NR : p*NR+4] for every p.
func packed2x4(a, b []float64, t *Tile, o int) {
	c0 := (*[4]float64)(t[o:])
	c1 := (*[4]float64)(t[o+NR:])
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
		if len(a) < MR || len(b) < NR {
			break
		}
		a, b = a[MR:], b[NR:]
	}
	c0[0], c0[1], c0[2], c0[3] = c00, c01, c02, c03
	c1[0], c1[1], c1[2], c1[3] = c10, c11, c12, c13
}

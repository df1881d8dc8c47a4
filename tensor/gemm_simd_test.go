//go:build goexperiment.simd && amd64

package tensor

import (
	"math"
	"math/rand/v2"
	"simd/archsimd"
	"testing"
)

// gemmRefFused is gemmRef with each product fused into its sum: the loop
// that the SIMD build's Gemm computes, bit for bit, on its blocked paths.
func gemmRefFused(transA, transB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range k {
				var x, y float64
				if transA {
					x = a[p*m+i]
				} else {
					x = a[i*k+p]
				}
				if transB {
					y = b[j*k+p]
				} else {
					y = b[p*n+j]
				}
				s = math.FMA(x, y, s)
			}
			if beta == 0 {
				c[i*n+j] = alpha * s
			} else {
				c[i*n+j] = float64(alpha*s) + float64(beta*c[i*n+j])
			}
		}
	}
}

func TestUseFMA(t *testing.T) {
	if want := archsimd.X86.AVX2() && archsimd.X86.FMA(); useFMA != want {
		t.Errorf("useFMA = %v, but AVX2 && FMA = %v", useFMA, want)
	}
	if !useFMA {
		t.Log("this CPU lacks AVX2 or FMA: the SIMD build runs the default kernels")
	}
}

// TestGemmFused wants the bits of gemmRefFused from every path of Gemm with
// the FMA kernel, for the smallest products too, so that the values of a
// row of c do not depend on how many rows it has.
func TestGemmFused(t *testing.T) {
	if !useFMA {
		t.Skip("no FMA kernel on this CPU")
	}
	type transposes [][2]bool
	all := transposes{{false, false}, {true, false}, {false, true}, {true, true}}
	shapes := []struct {
		m, n, k int
		trans   transposes
	}{
		{2, 3, 4, all}, // the plain loop's size in the default build
		{1, 9, 5, all}, // a row vector times a matrix
		{13, 11, 17, all},
		{4, 8, 1, all},     // one step of the kernel
		{4, 8, 2, all},     // one turn of its loop
		{5, 9, 300, all},   // two blocks of k, the last of odd depth
		{37, 70, 513, all}, // three blocks of k, the last of depth 1
		{gemmMC + 1, gemmNC + 4, gemmKC + 3, transposes{{true, false}}}, // several tiles and blocks, partial on both edges
	}
	impls := []gemmImpl{}
	for _, impl := range gemmImpls() {
		if impl.kernel.fma { // a read in place (in the assembly) and packed (in Go)
			impls = append(impls, impl)
		}
	}
	rng := rand.New(rand.NewPCG(21, 22))
	for _, s := range shapes {
		m, n, k := s.m, s.n, s.k
		for _, tr := range s.trans {
			a, b := gemmOperands(rng, tr[0], tr[1], m, n, k)
			c0 := New(m, n).FillNormal(rng, 0, 1)
			for _, sc := range [][2]float64{{1, 0}, {-0.5, 2}} {
				alpha, beta := sc[0], sc[1]
				want := c0.Clone()
				gemmRefFused(tr[0], tr[1], m, n, k, alpha, a.Data, b.Data, beta, want.Data)
				for _, impl := range impls {
					got := c0.Clone()
					withKernel(impl.kernel, func() { impl.run(tr[0], tr[1], m, n, k, alpha, a.Data, b.Data, beta, got.Data) })
					if i := firstDiff(got.Data, want.Data); i >= 0 {
						t.Errorf("%s transA=%v transB=%v m,n,k=%d,%d,%d alpha=%v beta=%v: c[%d] = %v, want %v",
							impl.name, tr[0], tr[1], m, n, k, alpha, beta, i, got.Data[i], want.Data[i])
					}
				}
			}
		}
	}
}

// TestRotate checks rotate against its definition, and that it is its own
// inverse.
func TestRotate(t *testing.T) {
	var rows [4][4]float64
	for i := range 4 {
		for j := range 4 {
			rows[i][j] = float64(10*i + j)
		}
	}
	load := func(i int) f64x4 { return archsimd.LoadFloat64x4(&rows[i]) }
	c0, c1, c2, c3 := rotate(load(0), load(1), load(2), load(3))
	var got [4][4]float64
	for q, c := range []f64x4{c0, c1, c2, c3} {
		c.Store(&got[q])
		for j := range 4 {
			if want := rows[q^j][j]; got[q][j] != want {
				t.Errorf("rotated register %d lane %d = %v, want %v", q, j, got[q][j], want)
			}
		}
	}
	r0, r1, r2, r3 := rotate(c0, c1, c2, c3)
	for i, r := range []f64x4{r0, r1, r2, r3} {
		var back [4]float64
		r.Store(&back)
		if back != rows[i] {
			t.Errorf("rotated twice, row %d = %v, want %v", i, back, rows[i])
		}
	}
}

//go:build goexperiment.simd && amd64

package tensor

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/internal/kernel"
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

// TestGemmFused wants the bits of gemmRefFused from every path of Gemm with
// the FMA kernel, for the smallest products too, so that the values of a
// row of c do not depend on how many rows it has.
func TestGemmFused(t *testing.T) {
	if !kernel.FMA {
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

package tensor

import (
	"fmt"
	"runtime"

	"github.com/nndiy/nndiy/internal/kernel"
)

// NoTrans and Trans name Gemm's transA and transB arguments, so that a call
// reads as the formula it computes:
//
//	Gemm(NoTrans, NoTrans, 1, x, w, 0, y)     y = x·w
//	Gemm(Trans, NoTrans, 1, x, delta, 1, g)   g += xᵀ·δ
//	Gemm(NoTrans, Trans, 1, delta, w, 0, dx)  dx = δ·wᵀ
const (
	NoTrans = false // use the matrix as it is stored
	Trans   = true  // use its transpose, without building it
)

// Gemm computes c = alpha·op(a)·op(b) + beta·c, where op(x) is x or its
// transpose xᵀ as transA and transB say, for 2-D tensors. The transpose is
// never built: op reads a and b in the other order.
//
// op(a) must be m×k, op(b) k×n and c m×n; otherwise Gemm panics with both
// shapes. c must not share storage with a or b.
//
// Special cases, as in BLAS:
//
//	beta == 0:            c is overwritten without being read, so NaNs in c do not propagate
//	alpha == 0 or k == 0: a and b are not read; c = beta·c
//
// Every element of c is the same float64, bit for bit, as the plain loop
// (gemmRef, with each product rounded before it is added, never fused):
//
//	s := 0.0
//	for p := 0; p < k; p++ {
//		s += op(a)[i][p] · op(b)[p][j]
//	}
//	c[i][j] = alpha·s + beta·c[i][j]
//
// whatever the sizes, the machine's SIMD support and GOMAXPROCS: the fast
// path changes the order in which elements are visited, never the order of
// the additions that make one element. The exception is the SIMD build
// (GOEXPERIMENT=simd, on amd64 CPUs with AVX2 and FMA), whose micro-kernel
// fuses each product into its sum, s = math.FMA(op(a)[i][p], op(b)[p][j], s),
// rounding once instead of twice: its results differ from gemmRef's in the
// last bits, and are the same for every size and GOMAXPROCS. Large products are cache-blocked,
// packed, run through a register-tiled micro-kernel and split over at most
// GOMAXPROCS goroutines of a pool that lives as long as the program; see
// docs/matmul.md. Gemm into an existing c does not allocate, and several
// goroutines may call Gemm at once.
func Gemm(transA, transB bool, alpha float64, a, b *Tensor, beta float64, c *Tensor) {
	m, n, k := gemmShapes("Gemm", transA, transB, a, b, c)
	gemm(transA, transB, m, n, k, alpha, a.Data, b.Data, beta, c.Data, runtime.GOMAXPROCS(0))
}

// GemmSerial is Gemm on the calling goroutine alone, with the same result.
// Code that already runs several products at once, one per core, calls it
// so that each product does not also split itself over the cores: the
// convolutions cut a batch into parts, each part multiplies its own patch
// matrix, and a part's product handed in pieces to a second goroutine made
// the two cores wait on each other and read each other's data.
func GemmSerial(transA, transB bool, alpha float64, a, b *Tensor, beta float64, c *Tensor) {
	m, n, k := gemmShapes("GemmSerial", transA, transB, a, b, c)
	gemm(transA, transB, m, n, k, alpha, a.Data, b.Data, beta, c.Data, 1)
}

// gemm is Gemm on the tensors' data, with at most procs goroutines. It
// chooses the path: the plain loop for tiny products, the blocked product on
// the calling goroutine for small ones, and in parallel for the others.
func gemm(transA, transB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64, procs int) {
	switch {
	case m == 0 || n == 0:
	case alpha == 0 || k == 0:
		scaleInPlace(c[:m*n], beta)
	case m*n*k <= gemmDirectMax && !kernel.FMA:
		// The plain loop rounds each product as the default kernels do;
		// with the FMA kernel, every product takes the blocked path, so
		// that an element never depends on the size of the product.
		gemmRef(transA, transB, m, n, k, alpha, a, b, beta, c)
	case m*n*k < gemmParallelMin:
		gemmBlocked(transA, transB, m, n, k, alpha, a, b, beta, c, 1)
	default:
		gemmBlocked(transA, transB, m, n, k, alpha, a, b, beta, c, procs)
	}
}

// MatMul returns the new m×n matrix a·b of the m×k matrix a and the k×n
// matrix b. It panics if the shapes do not fit.
func MatMul(a, b *Tensor) *Tensor {
	a.must2D("MatMul")
	b.must2D("MatMul")
	if a.Shape[1] != b.Shape[0] {
		panic(fmt.Sprintf("tensor.MatMul: shape mismatch %v and %v", a.Shape, b.Shape))
	}
	c := New(a.Shape[0], b.Shape[1])
	Gemm(NoTrans, NoTrans, 1, a, b, 0, c)
	return c
}

// gemmShapes checks the shapes of a Gemm call and returns m, n, k.
func gemmShapes(op string, transA, transB bool, a, b, c *Tensor) (m, n, k int) {
	if len(a.Shape) != 2 || len(b.Shape) != 2 || len(c.Shape) != 2 {
		panic(fmt.Sprintf("tensor.%s: need 2-D tensors, have a %v, b %v, c %v", op, a.Shape, b.Shape, c.Shape))
	}
	m, k = a.Shape[0], a.Shape[1]
	if transA {
		m, k = k, m
	}
	kb, n := b.Shape[0], b.Shape[1]
	if transB {
		kb, n = n, kb
	}
	if k != kb || c.Shape[0] != m || c.Shape[1] != n {
		panic(fmt.Sprintf("tensor.%s: shape mismatch: op(a) is %d×%d (a %v, transA %v), op(b) is %d×%d (b %v, transB %v), c %v",
			op, m, k, a.Shape, transA, kb, n, b.Shape, transB, c.Shape))
	}
	return m, n, k
}

// scaleInPlace sets c = beta·c, and c = 0 without reading c when beta is 0.
func scaleInPlace(c []float64, beta float64) {
	switch beta {
	case 0:
		clear(c)
	case 1:
	default:
		for i := range c {
			c[i] *= beta
		}
	}
}

// gemmRef is the plain triple loop that defines Gemm: for each element of c,
// the products are summed in increasing p, then scaled and added to beta·c.
// The conversions float64(x*y) round each product before it is added: they
// forbid the compiler to fuse x*y + s into one FMA instruction (which it may
// do when built with GOAMD64=v3), so that the result is the same on every
// build and equals the SIMD kernel's, which multiplies and adds separately.
//
// It is also Gemm's direct path for products too small to gain from packing.
func gemmRef(transA, transB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
	if alpha == 0 || k == 0 {
		scaleInPlace(c[:m*n], beta)
		return
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
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
				s += float64(x * y)
			}
			if beta == 0 {
				c[i*n+j] = alpha * s
			} else {
				c[i*n+j] = float64(alpha*s) + float64(beta*c[i*n+j])
			}
		}
	}
}

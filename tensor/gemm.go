package tensor

import "fmt"

// Gemm computes c = alpha·op(a)·op(b) + beta·c, where op(x) is x or its
// transpose xᵀ as transA and transB say, for 2-D tensors. The transpose is
// never built: op reads a and b in the other order.
//
// op(a) must be m×k, op(b) k×n and c m×n; otherwise Gemm panics with both
// shapes. When beta is 0, c is overwritten without being read, so NaNs in c
// do not propagate (as in BLAS).
func Gemm(transA, transB bool, alpha float64, a, b *Tensor, beta float64, c *Tensor) {
	m, n, k := gemmShapes(transA, transB, a, b, c)
	gemmRef(transA, transB, m, n, k, alpha, a.Data, b.Data, beta, c.Data)
}

// MatMul returns the new matrix a·b.
func MatMul(a, b *Tensor) *Tensor {
	a.must2D("MatMul")
	b.must2D("MatMul")
	c := New(a.Shape[0], b.Shape[1])
	Gemm(false, false, 1, a, b, 0, c)
	return c
}

// gemmShapes checks the shapes of a Gemm call and returns m, n, k.
func gemmShapes(transA, transB bool, a, b, c *Tensor) (m, n, k int) {
	if len(a.Shape) != 2 || len(b.Shape) != 2 || len(c.Shape) != 2 {
		panic(fmt.Sprintf("tensor.Gemm: need 2-D tensors, have a %v, b %v, c %v", a.Shape, b.Shape, c.Shape))
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
		panic(fmt.Sprintf("tensor.Gemm: shape mismatch: op(a) is %d×%d (a %v, transA %v), op(b) is %d×%d (b %v, transB %v), c %v",
			m, k, a.Shape, transA, kb, n, b.Shape, transB, c.Shape))
	}
	return m, n, k
}

// gemmRef is the plain triple loop that defines Gemm: for each element of c,
// the products are summed in increasing p, then scaled and added to beta·c.
// The fast kernels are tested against it.
func gemmRef(transA, transB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
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
				s += x * y
			}
			if beta == 0 {
				c[i*n+j] = alpha * s
			} else {
				c[i*n+j] = alpha*s + beta*c[i*n+j]
			}
		}
	}
}

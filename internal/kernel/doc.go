// Package kernel holds the micro-kernel of nndiy's matrix products: the
// innermost loop, which adds to a 4×8 tile of sums held in registers the
// products of 4 rows of one matrix and 8 columns of another, one step of
// the shared dimension at a time,
//
//	for p := 0; p < k; p++ {
//		for i := 0; i < MR; i++ {
//			for j := 0; j < NR; j++ {
//				t[i*NR+j] += a(i, p) * b[p*NR+j]
//			}
//		}
//	}
//
// with the 8 values of b for a step side by side (a packed micro-panel,
// or 8 consecutive values of a matrix's row) and the 4 values of a read
// from a packed micro-panel (Packed) or where they lie, at any strides
// (Strided, AddProducts). tensor.Gemm
// multiplies whole matrices with it (the loops around it are in
// tensor/gemm_blocked.go); the convolutions of package layers call it
// directly on their images, which skips the zeros of the padding without
// building a patch matrix (layers/conv_direct.go).
//
// On amd64 CPUs with AVX the kernel is a few lines of assembly
// (kernel_amd64.s) that multiply and add in separate instructions, so that
// each product is rounded before it is added, as in the plain loop. The
// SIMD build (GOEXPERIMENT=simd) fuses them on CPUs with FMA (FMA is then
// true), which rounds once. Elsewhere, the loops are plain Go. Store writes
// a finished tile to its matrix.
//
// A student reading nndiy does not need this package to follow the course:
// it is the part of tensor.Gemm that the layers share. docs/matmul.md
// explains the kernel, its registers and its speed.
package kernel

// Package tensor is nndiy's small numerical core: dense, row-major float64
// tensors, the element-wise and row/column operations that layers and losses
// need, and a matrix product (Gemm).
//
// # Storage
//
// A Tensor is a shape and a flat slice of float64 in row-major order: for a
// 2-D m×n tensor, element (i, j) is Data[i*n+j], so a row is contiguous in
// memory. A batch of examples is a matrix with one example per row, as in
// the course. len(Data) is always the product of Shape. Reshape returns a
// view that shares Data; Clone copies.
//
// # Conventions
//
// Operations that produce a tensor take a destination as their first
// argument, write the result into it and return it: Add(dst, a, b) sets
// dst = a + b. A nil destination is allocated. Passing buffers that live as
// long as a model is what lets a training step run without allocating; the
// layers and losses keep theirs with Reuse, which reshapes a buffer within
// its storage and allocates only when a batch needs more.
//
// Random fills take an explicit *rand.Rand (math/rand/v2) so that a seed
// fixes every number of a run.
//
// # Panics
//
// A shape mismatch is a programmer error: the operation panics with a
// message that names it and both shapes, as in
//
//	tensor.Add: shape mismatch [2 3] and [3 2]
//
// # Matrix product
//
// Gemm computes C = α·op(A)·op(B) + β·C, where op transposes a matrix when
// asked without building the transpose, which back-propagation needs for
// Xᵀ·δ and δ·Wᵀ. Its result is defined by the plain triple loop kept in the
// package as gemmRef: element (i, j) is the sum of op(A)[i][p]·op(B)[p][j]
// over p = 0, 1, …, k−1 in that order, each product rounded before it is
// added, then α·sum + β·C[i][j]. Gemm returns exactly those float64s, bit
// for bit, on every path, on every machine and whatever GOMAXPROCS: it
// changes the order in which the elements of C are computed, never the
// order of the additions inside one element. (The SIMD build, below, is
// the one exception.)
//
// It is fast because of four things, each explained in docs/matmul.md:
//
//   - Blocking. C is cut into tiles of at most 512×256; k into blocks of
//     256. A 4×8 tile of C is kept in registers while 256 products are
//     added to each of its sums; the 256×8 panel of B it reads (16 KiB)
//     stays in the 32 KiB L1 cache and a 128×256 block of A (256 KiB) in
//     the L2 cache, so that each value loaded from memory is used many
//     times.
//   - Packing. Before a block is used, its values are copied into the
//     order in which the micro-kernel reads them, so that it reads memory
//     sequentially whatever the shapes and transposes; rows and columns
//     missing at the edges are padded with zeros.
//   - The micro-kernel (package internal/kernel, which the convolutions of
//     package layers call too). On amd64 CPUs with AVX it is a few lines
//     of assembly that multiply and add four float64 at a time; elsewhere,
//     or with the purego build tag, a Go loop that does the same operations
//     one value at a time.
//   - Goroutines. Large products are split into tiles of C that the
//     calling goroutine and up to GOMAXPROCS−1 workers of a pool take in
//     turn; each tile is computed by one goroutine from start to end.
//     Products under 128·128·128 multiply-adds, which include those of an
//     MLP on a batch of 32, stay on the calling goroutine, and products of
//     at most 4·4·4 skip packing and run the plain loop.
//
// Gemm into an existing C allocates nothing once its buffers are warm.
//
// # The SIMD build
//
// Built with GOEXPERIMENT=simd, which enables Go's experimental
// simd/archsimd package, Gemm runs on amd64 CPUs with AVX2 and FMA a
// micro-kernel written with it (internal/kernel/packed_simd.go) that fuses each product into
// its sum, s = math.FMA(x, y, s), rounding once instead of twice. It is
// faster, and its results differ from gemmRef's in the last bits; they are
// still the same on every path and whatever GOMAXPROCS. Other CPUs fall
// back on the kernels above. See docs/matmul.md, section 9.
package tensor

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
// long as a model is what lets a training step run without allocating.
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
// Xᵀ·δ and δ·Wᵀ. See docs/matmul.md for the blocking, the micro-kernel and
// the parallel split.
package tensor

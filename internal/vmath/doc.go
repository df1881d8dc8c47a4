// Package vmath applies math's exponential, logarithms and hyperbolic
// tangent to whole slices, for the element-wise layers and losses of nndiy.
//
// Each function computes, element by element, exactly what package math
// computes: Tanh(dst, x) sets dst[i] to math.Tanh(x[i]), bit for bit, in
// every build. In the default build that is what it does, one element at a
// time. In the SIMD build (GOEXPERIMENT=simd on amd64, on a CPU with AVX2
// and FMA, see Enabled) it evaluates four elements at once in 256-bit
// registers with Go's simd/archsimd package, by the same algorithm and the
// same sequence of rounded operations that math uses for one element, so
// the results are still math's, bit for bit. The lanes that leave an
// algorithm's main path (NaN, infinities, arguments near overflow or
// underflow, and a few rare inputs of Log1p) are handed to math itself.
//
// Why exactly math's results, and not a faster approximation: the layers
// and losses match PyTorch to 1e-12 and the SIMD build must give the same
// training as the default build, except for the rounding of the matrix
// products (see docs/performance.md, "The SIMD build").
//
// math's own algorithms are the reference (see $GOROOT/src/math):
//
//   - Exp: on amd64, the assembly archExp (exp_amd64.s): x = k·ln 2 + r, a
//     degree-8 Taylor polynomial of r/16, squared four times, times 2ᵏ; with
//     FMA where the CPU has it, as every CPU of the SIMD build does.
//   - Log: on amd64, the assembly archLog (log_amd64.s): x = 2ᵏ·(1 + f),
//     s = f/(2 + f) and a polynomial in s², the FreeBSD algorithm.
//   - Log1p: log1p.go, the same algorithm with a correction term for the
//     rounding of 1 + x.
//   - Tanh: tanh.go, a rational function for |x| < 0.625 and
//     1 − 2/(exp(2|x|) + 1) above, ±1 beyond |x| > 44.
//
// Built with GOAMD64=v3 or higher, the Go compiler fuses a·b + c in math's
// Go code (Log1p and Tanh) into one rounding, which vector code cannot
// mirror without knowing where the compiler chose to; that build therefore
// uses the element-by-element loops.
package vmath

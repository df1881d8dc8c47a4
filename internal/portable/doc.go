// Package portable draws normal deviates and computes sines and cosines
// with the same bits on every architecture, so that a seed gives the same
// data on amd64 and on arm64 (an Apple Silicon Mac).
//
// Two things make Go's own functions differ between architectures in the
// last bits:
//
//   - Fused multiply-adds. The Go specification lets the compiler compute
//     x*y + z with one rounding instead of two, and the arm64, ppc64, s390x
//     and riscv64 compilers do; the amd64 compiler never does. An explicit
//     conversion, float64(x*y) + z, rounds the product and forbids the
//     fusion ("An explicit floating-point type conversion rounds to the
//     precision of the target type, preventing fusion").
//   - Assembly. math.Log has an amd64 assembly version and math.Exp has
//     different ones for amd64 and arm64; math.Sincos is Go code that arm64
//     compiles with fused multiply-adds.
//
// math/rand/v2's NormFloat64 calls math.Log for one draw in about two
// thousand (the ziggurat's tail) and math.Exp for about one in a hundred (a
// strip's wedge), so the same seed gives a few normal deviates that differ
// in the last bit between amd64 and arm64 (12 of the first million of
// rand.NewPCG(1, 2), measured with Go 1.26 under qemu-aarch64).
//
// Norm and Sincos are those functions' Go code with every product that
// feeds a sum rounded explicitly: on amd64 they return exactly what
// rng.NormFloat64() and math.Sincos return, and on every other
// architecture the same bits. The tests pin hashes of their outputs.
package portable

//go:build !purego

package tensor

// useAVX says whether microKernel runs the AVX kernel of gemm_amd64.s. AVX
// needs both the CPU (CPUID) and the operating system, which must save the
// 256-bit registers on a context switch (XGETBV). Tests switch it off to run
// the portable kernel.
var useAVX = cpuHasAVX()

func cpuHasAVX() bool {
	const (
		osxsave = 1 << 27 // CPUID.1:ECX: the OS uses XSAVE, XGETBV works
		avx     = 1 << 28 // CPUID.1:ECX
		xmmYmm  = 1<<1 | 1<<2
	)
	_, _, ecx, _ := cpuid(1, 0)
	if ecx&osxsave == 0 || ecx&avx == 0 {
		return false
	}
	eax, _ := xgetbv()
	return eax&xmmYmm == xmmYmm
}

// Implemented in gemm_amd64.s.

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// microKernelAVX is microKernel for k ≥ 1 with b pointing to 8k values
// and the tile's row i reading a[i*rs + p*ps] at step p (rs and ps in
// values), every one of which must be in memory: a packed micro-panel is
// rs = 1, ps = gemmMR.
//
//go:noescape
func microKernelAVX(k int, a *float64, rs, ps int, b *float64, t *[gemmMR * gemmNR]float64)

// storeTileAVX is storeTile for a whole tile, rows = gemmMR and
// cols = gemmNR, with c pointing to its first element.
//
//go:noescape
func storeTileAVX(c *float64, ldc int, alpha float64, t *[gemmMR * gemmNR]float64, beta float64)

// microKernelStridedFMA is microKernelAVX with fused multiply-adds,
// for the SIMD build on CPUs with FMA (useFMA).
//
//go:noescape
func microKernelStridedFMA(k int, a *float64, rs, ps int, b *float64, t *[gemmMR * gemmNR]float64)

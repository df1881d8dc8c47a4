//go:build !purego

package kernel

// AVX says whether the kernels run the assembly of kernel_amd64.s. AVX
// needs both the CPU (CPUID) and the operating system, which must save the
// 256-bit registers on a context switch (XGETBV). Tests switch it off to
// run the portable kernel.
var AVX = cpuHasAVX()

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

// Implemented in kernel_amd64.s.

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// stridedAVX is Strided, every value of which must be in memory.
//
//go:noescape
func stridedAVX(k, runs int, a *float64, rs, ps, aj int, b *float64, bs, bj int, t *Tile)

// stridedFMA is stridedAVX with fused multiply-adds, for the SIMD build on
// CPUs with FMA.
//
//go:noescape
func stridedFMA(k, runs int, a *float64, rs, ps, aj int, b *float64, bs, bj int, t *Tile)

// addProductsAVX is AddProducts, every value of which must be in memory.
//
//go:noescape
func addProductsAVX(k, runs int, a *float64, rs, ps int, b *float64, bj int, c *float64, ldc, cj int)

// addProductsFMA is addProductsAVX with fused multiply-adds.
//
//go:noescape
func addProductsFMA(k, runs int, a *float64, rs, ps int, b *float64, bj int, c *float64, ldc, cj int)

// storeAVX is Store for a whole tile, rows = MR and cols = NR, with c
// pointing to its first element.
//
//go:noescape
func storeAVX(c *float64, ldc int, alpha float64, t *Tile, beta float64)

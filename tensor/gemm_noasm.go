//go:build !amd64 || purego

package tensor

// useAVX is false where there is no assembly kernel; the tests may not set it.
var useAVX = false

func microKernelAVX(k int, a *float64, rs, ps int, b *float64, t *[gemmMR * gemmNR]float64) {
	panic("tensor: no AVX kernel in this build")
}

func storeTileAVX(c *float64, ldc int, alpha float64, t *[gemmMR * gemmNR]float64, beta float64) {
	panic("tensor: no AVX kernel in this build")
}

func microKernelStridedFMA(k int, a *float64, rs, ps int, b *float64, t *[gemmMR * gemmNR]float64) {
	panic("tensor: no AVX kernel in this build")
}

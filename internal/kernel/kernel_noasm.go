//go:build !amd64 || purego

package kernel

// AVX is false where there is no assembly kernel; the tests may not set it.
var AVX = false

func stridedAVX(k, runs int, a *float64, rs, ps, aj int, b *float64, bs, bj int, t *Tile) {
	panic("kernel: no AVX kernel in this build")
}

func stridedFMA(k, runs int, a *float64, rs, ps, aj int, b *float64, bs, bj int, t *Tile) {
	panic("kernel: no AVX kernel in this build")
}

func addProductsAVX(k, runs int, a *float64, rs, ps int, b *float64, bj int, c *float64, ldc, cj int) {
	panic("kernel: no AVX kernel in this build")
}

func addProductsFMA(k, runs int, a *float64, rs, ps int, b *float64, bj int, c *float64, ldc, cj int) {
	panic("kernel: no AVX kernel in this build")
}

func storeAVX(c *float64, ldc int, alpha float64, t *Tile, beta float64) {
	panic("kernel: no AVX kernel in this build")
}

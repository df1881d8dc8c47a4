//go:build !(goexperiment.simd && amd64)

package tensor

// useFMA is false outside the SIMD build (GOEXPERIMENT=simd on amd64, see
// gemm_simd.go); the tests may not set it.
var useFMA = false

func microKernelFMA(k int, a, b []float64, t *[gemmMR * gemmNR]float64) {
	panic("tensor: no FMA kernel in this build")
}

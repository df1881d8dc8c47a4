//go:build !(goexperiment.simd && amd64)

package kernel

// FMA is false outside the SIMD build (GOEXPERIMENT=simd on amd64, see
// packed_simd.go); the tests may not set it.
var FMA = false

func packedFMA(k int, a, b []float64, t *Tile) {
	panic("kernel: no FMA kernel in this build")
}

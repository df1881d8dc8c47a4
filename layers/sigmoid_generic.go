//go:build !(goexperiment.simd && amd64 && !amd64.v3)

package layers

// sigmoidVector does no element outside the SIMD build (see
// sigmoid_simd.go): Sigmoid.Forward's loop does them all.
func sigmoidVector(y, x []float64) int { return 0 }

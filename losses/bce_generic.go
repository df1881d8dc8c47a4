//go:build !(goexperiment.simd && amd64 && !amd64.v3)

package losses

// bceSumVector does no element outside the SIMD build (see bce_simd.go):
// bceSum's loop does them all.
func bceSumVector(y, yhat []float64) (sum float64, n int) { return 0, 0 }

// bceGradVector does no element outside the SIMD build: BCE.Backward's
// loop does them all.
func bceGradVector(g, t, p []float64, k float64) int { return 0 }

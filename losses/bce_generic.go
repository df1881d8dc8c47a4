//go:build !(goexperiment.simd && amd64 && !amd64.v3)

package losses

// The kernels of the SIMD build (bce_simd.go) for BCE. In this build they do
// nothing and report false, so that BCE's plain loops do every element.

func bceSumSIMD(y, yhat []float64) (sum float64, ok bool) { return 0, false }
func bceGradSIMD(g, t, p []float64, k float64) bool       { return false }

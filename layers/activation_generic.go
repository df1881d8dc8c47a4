//go:build !(goexperiment.simd && amd64 && !amd64.v3)

package layers

// The kernels of the SIMD build (activation_simd.go) for Sigmoid and Tanh.
// In this build they do nothing and report false, so that the modules'
// plain loops do every element.

func sigmoidSIMD(y, x []float64) bool                 { return false }
func sigmoidBackwardSIMD(dx, delta, y []float64) bool { return false }
func tanhSIMD(y, x []float64) bool                    { return false }
func tanhBackwardSIMD(dx, delta, y []float64) bool    { return false }

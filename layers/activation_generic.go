//go:build !(goexperiment.simd && amd64 && !amd64.v3)

package layers

// The SIMD build's kernels for Sigmoid and Tanh (activation_simd.go) do no
// element in this build: the modules' loops do them all.

func sigmoidVector(y, x []float64) int                 { return 0 }
func sigmoidBackwardVector(dx, delta, y []float64) int { return 0 }
func tanhBackwardVector(dx, delta, y []float64) int    { return 0 }

package vmath_test

import (
	"fmt"
	"math"

	"github.com/nndiy/nndiy/internal/vmath"
)

// Tanh computes math.Tanh of every element, in whichever build: the SIMD
// build's four-lane kernel returns the same bits.
func ExampleTanh() {
	x := []float64{-2, -0.5, 0, 0.5, 2, 30}
	y := make([]float64, len(x))
	vmath.Tanh(y, x)
	same := true
	for i := range x {
		same = same && y[i] == math.Tanh(x[i])
	}
	fmt.Printf("%.6f\nsame as math.Tanh: %v\n", y, same)
	// Output:
	// [-0.964028 -0.462117 0.000000 0.462117 0.964028 1.000000]
	// same as math.Tanh: true
}

// Log1p is the log(1 − ŷ) of the binary cross-entropy, accurate where ŷ is
// tiny: log(1 − 1e-20) would round 1 − 1e-20 to 1 and give 0.
func ExampleLog1p() {
	p := []float64{1e-20, 0.5, 0.999}
	negP := []float64{-p[0], -p[1], -p[2]}
	l := make([]float64, len(p))
	vmath.Log1p(l, negP)
	fmt.Printf("%.6g\n", l)
	// Output:
	// [-1e-20 -0.693147 -6.90776]
}

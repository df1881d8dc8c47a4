package vmath

import (
	"fmt"
	"math"
)

// Exp sets dst[i] = math.Exp(x[i]) for every i. dst and x must have the
// same length; they may be the same slice.
func Exp(dst, x []float64) {
	mustSameLen("vmath.Exp", dst, x)
	for i := expVector(dst, x); i < len(x); i++ {
		dst[i] = math.Exp(x[i])
	}
}

// Log sets dst[i] = math.Log(x[i]) for every i. dst and x must have the
// same length; they may be the same slice.
func Log(dst, x []float64) {
	mustSameLen("vmath.Log", dst, x)
	for i := logVector(dst, x); i < len(x); i++ {
		dst[i] = math.Log(x[i])
	}
}

// Log1p sets dst[i] = math.Log1p(x[i]) for every i. dst and x must have
// the same length; they may be the same slice.
func Log1p(dst, x []float64) {
	mustSameLen("vmath.Log1p", dst, x)
	for i := log1pVector(dst, x); i < len(x); i++ {
		dst[i] = math.Log1p(x[i])
	}
}

// Tanh sets dst[i] = math.Tanh(x[i]) for every i. dst and x must have the
// same length; they may be the same slice.
func Tanh(dst, x []float64) {
	mustSameLen("vmath.Tanh", dst, x)
	for i := tanhVector(dst, x); i < len(x); i++ {
		dst[i] = math.Tanh(x[i])
	}
}

func mustSameLen(op string, dst, x []float64) {
	if len(dst) != len(x) {
		panic(fmt.Sprintf("%s: dst has length %d, x has length %d", op, len(dst), len(x)))
	}
}

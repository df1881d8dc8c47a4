//go:build !(goexperiment.simd && amd64 && !amd64.v3)

package vmath

// Enabled reports whether the functions of this package run the SIMD
// kernels. It is false in this build: see the package documentation.
const Enabled = false

// The vector kernels of the SIMD build; here they do no element, and the
// loops of vmath.go do them all.
func expVector(dst, x []float64) int   { return 0 }
func logVector(dst, x []float64) int   { return 0 }
func log1pVector(dst, x []float64) int { return 0 }
func tanhVector(dst, x []float64) int  { return 0 }

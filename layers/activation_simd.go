//go:build goexperiment.simd && amd64 && !amd64.v3

package layers

import (
	"simd/archsimd"

	"github.com/nndiy/nndiy/internal/vmath"
)

// The SIMD build's kernels for Sigmoid and Tanh. Each does the elements of
// whole groups of four, four lanes at a time, and returns how many it did;
// the modules' loops do the rest. Each lane rounds as the loop's scalar
// code does, in the same order, so the results are the same bits.

type f64x4 = archsimd.Float64x4

func load(s []float64, i int) f64x4     { return archsimd.LoadFloat64x4((*[4]float64)(s[i:])) }
func store(v f64x4, s []float64, i int) { v.Store((*[4]float64)(s[i:])) }

// sigmoidVector sets y[i] = sigmoid(x[i]). Each lane takes sigmoid's branch,
// and the exp is vmath.Exp4, math.Exp bit for bit.
func sigmoidVector(y, x []float64) int {
	if !vmath.Enabled {
		return 0
	}
	n := len(x) &^ 3
	y = y[:n]
	one, zero := archsimd.BroadcastFloat64x4(1), archsimd.BroadcastFloat64x4(0)
	sign := archsimd.BroadcastUint64x4(1 << 63)
	for i := 0; i < n; i += 4 {
		v := load(x, i)
		pos := v.GreaterEqual(zero)
		// x ≥ 0: 1/(1 + exp(−x)); otherwise (NaN too): exp(x)/(1 + exp(x)).
		e := vmath.Exp4(v.AsUint64x4().Xor(sign).AsFloat64x4().Merge(v, pos))
		store(one.Merge(e, pos).Div(one.Add(e)), y, i)
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// sigmoidBackwardVector sets dx[i] = delta[i] * y[i] * (1 - y[i]).
func sigmoidBackwardVector(dx, delta, y []float64) int {
	if !vmath.Enabled {
		return 0
	}
	n := len(delta) &^ 3
	dx, y = dx[:n], y[:n]
	one := archsimd.BroadcastFloat64x4(1)
	for i := 0; i < n; i += 4 {
		yi := load(y, i)
		store(load(delta, i).Mul(yi).Mul(one.Sub(yi)), dx, i)
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// tanhBackwardVector sets dx[i] = delta[i] * (1 - y[i]*y[i]).
func tanhBackwardVector(dx, delta, y []float64) int {
	if !vmath.Enabled {
		return 0
	}
	n := len(delta) &^ 3
	dx, y = dx[:n], y[:n]
	one := archsimd.BroadcastFloat64x4(1)
	for i := 0; i < n; i += 4 {
		yi := load(y, i)
		store(load(delta, i).Mul(one.Sub(yi.Mul(yi))), dx, i)
	}
	archsimd.ClearAVXUpperBits()
	return n
}

//go:build goexperiment.simd && amd64 && !amd64.v3

package layers

import (
	"simd/archsimd"

	"github.com/nndiy/nndiy/internal/vmath"
)

// The SIMD build's kernels for Sigmoid and Tanh. Each computes what the
// module's plain loop computes, four lanes at a time, and reports true; on
// a CPU without AVX2 and FMA (vmath.Enabled false) it does nothing and
// reports false, and the module's loop runs. Each lane rounds as the loop's
// scalar code does, in the same order, so the results are the same bits
// (TestActivationsMatchScalar checks them). The last len(x) mod 4 elements
// go through the loop's own scalar formula.

type f64x4 = archsimd.Float64x4

func load(s []float64, i int) f64x4     { return archsimd.LoadFloat64x4((*[4]float64)(s[i:])) }
func store(v f64x4, s []float64, i int) { v.Store((*[4]float64)(s[i:])) }

// sigmoidSIMD sets y[i] = sigmoid(x[i]). Each lane takes sigmoid's branch,
// and the exp is vmath.Exp4, math.Exp bit for bit.
func sigmoidSIMD(y, x []float64) bool {
	if !vmath.Enabled {
		return false
	}
	n := len(x) &^ 3
	y = y[:len(x)]
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
	for i := n; i < len(x); i++ {
		y[i] = sigmoid(x[i])
	}
	return true
}

// sigmoidBackwardSIMD sets dx[i] = delta[i] * y[i] * (1 - y[i]).
func sigmoidBackwardSIMD(dx, delta, y []float64) bool {
	if !vmath.Enabled {
		return false
	}
	n := len(delta) &^ 3
	dx, y = dx[:len(delta)], y[:len(delta)]
	one := archsimd.BroadcastFloat64x4(1)
	for i := 0; i < n; i += 4 {
		yi := load(y, i)
		store(load(delta, i).Mul(yi).Mul(one.Sub(yi)), dx, i)
	}
	archsimd.ClearAVXUpperBits()
	for i := n; i < len(delta); i++ {
		dx[i] = delta[i] * y[i] * (1 - y[i])
	}
	return true
}

// tanhSIMD sets y[i] = math.Tanh(x[i]) with vmath.Tanh, math's bits.
func tanhSIMD(y, x []float64) bool {
	if !vmath.Enabled {
		return false
	}
	vmath.Tanh(y[:len(x)], x)
	return true
}

// tanhBackwardSIMD sets dx[i] = delta[i] * (1 - y[i]*y[i]).
func tanhBackwardSIMD(dx, delta, y []float64) bool {
	if !vmath.Enabled {
		return false
	}
	n := len(delta) &^ 3
	dx, y = dx[:len(delta)], y[:len(delta)]
	one := archsimd.BroadcastFloat64x4(1)
	for i := 0; i < n; i += 4 {
		yi := load(y, i)
		store(load(delta, i).Mul(one.Sub(yi.Mul(yi))), dx, i)
	}
	archsimd.ClearAVXUpperBits()
	for i := n; i < len(delta); i++ {
		dx[i] = delta[i] * (1 - y[i]*y[i])
	}
	return true
}

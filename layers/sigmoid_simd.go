//go:build goexperiment.simd && amd64 && !amd64.v3

package layers

import (
	"simd/archsimd"

	"github.com/nndiy/nndiy/internal/vmath"
)

// sigmoidVector sets y[i] = sigmoid(x[i]) for the elements of whole groups
// of four, four lanes at a time, and returns how many it did. Each lane
// takes sigmoid's branch and rounds as it does (the exp is vmath.Exp4,
// which is math.Exp bit for bit), so the results are sigmoid's.
func sigmoidVector(y, x []float64) int {
	if !vmath.Enabled {
		return 0
	}
	n := len(x) &^ 3
	y = y[:n]
	one, zero := archsimd.BroadcastFloat64x4(1), archsimd.BroadcastFloat64x4(0)
	sign := archsimd.BroadcastUint64x4(1 << 63)
	for i := 0; i < n; i += 4 {
		v := archsimd.LoadFloat64x4((*[4]float64)(x[i:]))
		pos := v.GreaterEqual(zero)
		// x ≥ 0: 1/(1 + exp(−x)); otherwise (NaN too): exp(x)/(1 + exp(x)).
		e := vmath.Exp4(v.AsUint64x4().Xor(sign).AsFloat64x4().Merge(v, pos))
		one.Merge(e, pos).Div(one.Add(e)).Store((*[4]float64)(y[i:]))
	}
	archsimd.ClearAVXUpperBits()
	return n
}

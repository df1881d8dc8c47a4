//go:build goexperiment.simd && amd64 && !amd64.v3

package losses

import (
	"simd/archsimd"

	"github.com/nndiy/nndiy/internal/vmath"
)

// bceSumVector returns the sum that bceSum's loop would reach after the
// elements of whole groups of four, and how many elements that is. Each
// lane computes both clamped logs (vmath.Log4 and vmath.Log1p4, math's
// bits) and picks the term of bceSum's case; the terms are then added one
// by one in bceSum's order, so the sum is bceSum's, bit for bit. (s −= a
// and s += (−a) round alike.)
func bceSumVector(y, yhat []float64) (sum float64, n int) {
	if !vmath.Enabled {
		return 0, 0
	}
	n = len(yhat) &^ 3
	y, yhat = y[:n], yhat[:n]
	zero, one := archsimd.BroadcastFloat64x4(0), archsimd.BroadcastFloat64x4(1)
	minLog := archsimd.BroadcastFloat64x4(bceMinLog)
	sign := archsimd.BroadcastUint64x4(1 << 63)
	neg := func(v archsimd.Float64x4) archsimd.Float64x4 {
		return v.AsUint64x4().Xor(sign).AsFloat64x4()
	}
	// max(l, −100) as Go's max: NaN stays NaN.
	clamp := func(l archsimd.Float64x4) archsimd.Float64x4 { return minLog.Merge(l, l.Less(minLog)) }
	var terms [4]float64
	for i := 0; i < n; i += 4 {
		p := archsimd.LoadFloat64x4((*[4]float64)(yhat[i:]))
		t := archsimd.LoadFloat64x4((*[4]float64)(y[i:]))
		logP := clamp(vmath.Log4(p))
		log1mP := clamp(vmath.Log1p4(neg(p)))
		// bceSum's cases, the last applied first: (t − 1)·log(1 − ŷ) − t·log ŷ,
		// then −log ŷ where t = 1 and ŷ ≤ 1, then −log(1 − ŷ) where t = 0
		// and ŷ ≥ 0.
		term := t.Sub(one).Mul(log1mP).Sub(t.Mul(logP))
		term = neg(logP).Merge(term, t.Equal(one).And(p.LessEqual(one)))
		term = neg(log1mP).Merge(term, t.Equal(zero).And(p.GreaterEqual(zero)))
		term.Store(&terms)
		sum += terms[0]
		sum += terms[1]
		sum += terms[2]
		sum += terms[3]
	}
	archsimd.ClearAVXUpperBits()
	return sum, n
}

// bceGradVector sets g[i] = (p[i] − t[i]) / max((1 − p[i])·p[i], ε) / k for
// the elements of whole groups of four, as BCE.Backward's loop does, and
// returns how many it did.
func bceGradVector(g, t, p []float64, k float64) int {
	if !vmath.Enabled {
		return 0
	}
	n := len(p) &^ 3
	g, t = g[:n], t[:n]
	one, eps := archsimd.BroadcastFloat64x4(1), archsimd.BroadcastFloat64x4(bceMinDenominator)
	kv := archsimd.BroadcastFloat64x4(k)
	for i := 0; i < n; i += 4 {
		pi := archsimd.LoadFloat64x4((*[4]float64)(p[i:]))
		ti := archsimd.LoadFloat64x4((*[4]float64)(t[i:]))
		d := one.Sub(pi).Mul(pi)
		d = eps.Merge(d, d.Less(eps)) // max(d, ε) as Go's max: NaN stays NaN
		pi.Sub(ti).Div(d).Div(kv).Store((*[4]float64)(g[i:]))
	}
	archsimd.ClearAVXUpperBits()
	return n
}

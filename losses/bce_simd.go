//go:build goexperiment.simd && amd64 && !amd64.v3

package losses

import (
	"math"
	"simd/archsimd"

	"github.com/nndiy/nndiy/internal/vmath"
)

// The SIMD build's kernels for BCE. Each computes what BCE's plain loop
// computes, four lanes at a time, and reports true; on a CPU without AVX2 and
// FMA (vmath.Enabled false) it does nothing and reports false, and the plain
// loop runs. The results are the loop's, bit for bit
// (TestBCESumMatchesReference and TestBCEBackwardMatchesScalar check them).

// bceSumSIMD returns bceSum(y, yhat). Each lane computes both clamped logs
// (vmath.Log4 and vmath.Log1p4, math's bits) and picks the term of bceSum's
// case; the terms are then added one by one in bceSum's order, so the sum is
// bceSum's, bit for bit. (s −= a and s += (−a) round alike.) The last
// len(yhat) mod 4 terms are added by bceSum's own loop, copied.
func bceSumSIMD(y, yhat []float64) (sum float64, ok bool) {
	if !vmath.Enabled {
		return 0, false
	}
	n := len(yhat) &^ 3
	y = y[:len(yhat)]
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
	for i := n; i < len(yhat); i++ {
		switch t, p := y[i], yhat[i]; {
		case t == 0 && p >= 0:
			sum -= max(math.Log1p(-p), bceMinLog)
		case t == 1 && p <= 1:
			sum -= max(math.Log(p), bceMinLog)
		default:
			logP := max(math.Log(p), bceMinLog)
			log1mP := max(math.Log1p(-p), bceMinLog)
			sum += (t-1)*log1mP - t*logP
		}
	}
	return sum, true
}

// bceGradSIMD sets g[i] = (p[i] − t[i]) / max((1 − p[i])·p[i], ε) / k, as
// BCE.Backward's loop does.
func bceGradSIMD(g, t, p []float64, k float64) bool {
	if !vmath.Enabled {
		return false
	}
	n := len(p) &^ 3
	g, t = g[:len(p)], t[:len(p)]
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
	for i := n; i < len(p); i++ {
		g[i] = (p[i] - t[i]) / max((1-p[i])*p[i], bceMinDenominator) / k
	}
	return true
}

package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// bceSumRef is the plain loop that bceSum computes faster: both clamped
// logs for every element, as PyTorch's kernel.
func bceSumRef(y, yhat []float64) float64 {
	s := 0.0
	for i, p := range yhat {
		t := y[i]
		logP := max(math.Log(p), bceMinLog)
		log1mP := max(math.Log1p(-p), bceMinLog)
		s += (t-1)*log1mP - t*logP
	}
	return s
}

// bceEdgeValues are predictions and targets at and around the places where
// bceSum skips a log: 0 and 1 (both signs of zero), next to them, outside
// [0, 1], the clamps, and NaN.
var bceEdgeValues = []float64{
	0, math.Copysign(0, -1), 1, 0.5, 0.25, 1e-300, 5e-324, math.Nextafter(1, 0), math.Nextafter(1, 2),
	math.Exp(-100), math.Exp(-101), -0.1, 1.1, math.Inf(1), math.Inf(-1), math.NaN(),
}

// TestBCESumMatchesReference compares bceSum with bceSumRef bit for bit on
// every pair of edge values, alone and summed after other terms, and on
// random data where most targets are 0 or 1 as in USPS.
func TestBCESumMatchesReference(t *testing.T) {
	same := func(y, yhat []float64) {
		t.Helper()
		got, want := bceSum(y, yhat), bceSumRef(y, yhat)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("bceSum(y=%v, ŷ=%v) = %v, plain loop %v", y, yhat, got, want)
		}
	}
	for _, y := range bceEdgeValues {
		for _, p := range bceEdgeValues {
			same([]float64{y}, []float64{p})
			same([]float64{0.3, y}, []float64{0.6, p})
			// In each lane of a group of four, which the SIMD build
			// computes together.
			for lane := range 4 {
				ys, ps := []float64{0, 1, 0.3, 0}, []float64{0.2, 0.9, 0.6, 1e-5}
				ys[lane], ps[lane] = y, p
				same(ys, ps)
			}
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for range 100 {
		n := 1 + rng.IntN(300)
		y, yhat := make([]float64, n), make([]float64, n)
		for i := range n {
			switch rng.IntN(3) {
			case 0:
				y[i] = 0
			case 1:
				y[i] = 1
			default:
				y[i] = rng.Float64()
			}
			yhat[i] = rng.Float64()
			if rng.IntN(10) == 0 {
				yhat[i] = float64(rng.IntN(2)) // a saturated prediction
			}
		}
		same(y, yhat)
	}
}

// TestBCEBackwardMatchesScalar checks BCE.Backward against its doc's formula
// element by element, bit for bit, with the edge values in every lane of a
// group of four (the SIMD build computes groups of four at once).
func TestBCEBackwardMatchesScalar(t *testing.T) {
	var ys, ps []float64
	for _, y := range bceEdgeValues {
		for _, p := range bceEdgeValues {
			for lane := range 4 {
				yy, pp := []float64{0, 1, 0.3, 0}, []float64{0.2, 0.9, 0.6, 1e-5}
				yy[lane], pp[lane] = y, p
				ys, ps = append(ys, yy...), append(ps, pp...)
			}
		}
	}
	r := rand.New(rand.NewPCG(11, 12))
	for range 1001 { // an odd total: a tail after the groups of four
		ys, ps = append(ys, float64(r.IntN(2))), append(ps, r.Float64())
	}
	l := NewBCE()
	yt, pt := tensor.FromSlice(ys, len(ys)), tensor.FromSlice(ps, len(ps))
	g := l.Backward(yt, pt)
	k := float64(len(ps))
	for i, p := range ps {
		want := (p - ys[i]) / max((1-p)*p, bceMinDenominator) / k
		if got := g.Data[i]; math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("gradient at y=%v, ŷ=%v: %v, formula %v", ys[i], p, got, want)
		}
	}
}

package optim

import (
	"math"
	"testing"
)

// TestFinite puts each special value at each position of slices of 0 to
// 17 elements (the unrolled loop and its tail), among finite values that
// are extreme too, and compares finite with the plain loop.
func TestFinite(t *testing.T) {
	fill := []float64{1, -0.0, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 0, -1e-300, 1e300, 3,
		math.MaxFloat64, 2, -3, math.MaxFloat64, 0.5, 1e308, -1e308, 7}
	for n := 0; n <= len(fill); n++ {
		x := append([]float64(nil), fill[:n]...)
		if got := finite(x); !got || !finitePlain(x) {
			t.Errorf("finite(%v) = %v, want true", x, got)
		}
		for i := range n {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				x[i] = bad
				if got := finite(x); got || finitePlain(x) {
					t.Errorf("finite(%v) = %v, want false", x, got)
				}
				x[i] = fill[i]
			}
		}
	}
	// Sums that overflow although every value is finite: the plain loop
	// must decide.
	for _, x := range [][]float64{
		{math.MaxFloat64, math.MaxFloat64},
		{0, 0, 0, 0, 0, 0, 0, 0, math.MaxFloat64, 0, 0, 0, 0, 0, 0, 0, math.MaxFloat64},
		{-math.MaxFloat64, 0, 0, 0, 0, 0, 0, 0, -math.MaxFloat64},
		{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64},
	} {
		if !finite(x) {
			t.Errorf("finite(%v) = false, want true", x)
		}
	}
}

// BenchmarkFinite compares finite with its plain loop on 41 802 values,
// the parameters of the reference MLP 256→128→64→10.
func BenchmarkFinite(b *testing.B) {
	x := make([]float64, 41802)
	for i := range x {
		x[i] = float64(i%97) - 48
	}
	for _, f := range []struct {
		name string
		f    func([]float64) bool
	}{{"fast", finite}, {"plain", finitePlain}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if !f.f(x) {
					b.Fatal("not finite")
				}
			}
		})
	}
}

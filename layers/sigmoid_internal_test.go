package layers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// TestSigmoidForwardMatchesScalar checks that Sigmoid.Forward gives, bit for
// bit, the scalar sigmoid of each element, in every build: the SIMD build
// computes groups of four at once (sigmoidVector). The values are the
// special ones in every lane of a group and 100 000 random activations.
func TestSigmoidForwardMatchesScalar(t *testing.T) {
	special := []float64{
		0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1, -1, 36.7, 37, -37,
		708, -708, 709, -709, 745, -745, -746, 5e-324, -5e-324, 1e-300, -1e-300, 1e300, -1e300,
	}
	var inputs [][]float64
	for _, v := range special {
		for lane := range 4 {
			x := []float64{0.5, -2, 3, -0.25, 1.5}
			x[lane] = v
			inputs = append(inputs, x)
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	big := make([]float64, 100_000)
	for i := range big {
		big[i] = r.NormFloat64() * 10
	}
	inputs = append(inputs, big)
	for n := range 14 {
		inputs = append(inputs, big[:n])
	}
	s := NewSigmoid()
	for _, x := range inputs {
		y := s.Forward(tensor.FromSlice(append([]float64(nil), x...), len(x)))
		for i, v := range x {
			want := sigmoid(v)
			if got := y.Data[i]; math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("Sigmoid(%v) = %v [%#x], scalar sigmoid %v [%#x] (n=%d, i=%d)",
					v, got, math.Float64bits(got), want, math.Float64bits(want), len(x), i)
			}
		}
	}
}

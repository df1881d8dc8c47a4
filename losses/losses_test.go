package losses_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// meanTol bounds the rounding difference between Forward and the mean of
// PerExample, which sum the same terms in another order.
const meanTol = 1e-14

func allLosses() map[string]losses.PerExampleLoss {
	return map[string]losses.PerExampleLoss{
		"MSE": losses.NewMSE(), "BCE": losses.NewBCE(), "CrossEntropy": losses.NewCrossEntropy(),
		"NLL": losses.NewNLL(), "SoftmaxCrossEntropy": losses.NewSoftmaxCrossEntropy(),
	}
}

// TestShapePanics checks that a mismatch of target and prediction panics in
// every method of every loss, with a message naming the loss and both
// shapes.
func TestShapePanics(t *testing.T) {
	for name, l := range allLosses() {
		calls := map[string]func(y, yhat *tensor.Tensor){
			"Forward":    func(y, yhat *tensor.Tensor) { l.Forward(y, yhat) },
			"Backward":   func(y, yhat *tensor.Tensor) { l.Backward(y, yhat) },
			"PerExample": func(y, yhat *tensor.Tensor) { l.PerExample(nil, y, yhat) },
		}
		for method, call := range calls {
			t.Run(name+"."+method, func(t *testing.T) {
				msg := mustPanic(t, func() { call(tensor.New(3, 2), tensor.New(3, 4)) })
				for _, w := range []string{"losses." + name + "." + method, "[3 2]", "[3 4]"} {
					if !strings.Contains(msg, w) {
						t.Errorf("panic message %q does not contain %q", msg, w)
					}
				}
			})
		}
	}
	for _, name := range []string{"CrossEntropy", "NLL", "SoftmaxCrossEntropy"} {
		t.Run(name+"/notMatrix", func(t *testing.T) {
			msg := mustPanic(t, func() { allLosses()[name].Forward(tensor.New(2, 2, 2), tensor.New(2, 2, 2)) })
			if !strings.Contains(msg, "[2 2 2]") {
				t.Errorf("panic message %q does not name the shape", msg)
			}
		})
	}
	t.Run("PerExample/dst", func(t *testing.T) {
		msg := mustPanic(t, func() { losses.NewMSE().PerExample(make([]float64, 2), tensor.New(3, 2), tensor.New(3, 2)) })
		if !strings.Contains(msg, "length 2") || !strings.Contains(msg, "[3 2]") {
			t.Errorf("panic message %q", msg)
		}
	})
}

func mustPanic(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("did not panic")
		}
		msg, _ = r.(string)
	}()
	f()
	return ""
}

// TestPerExampleMean checks that Forward is the mean of PerExample.
func TestPerExampleMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, c = 7, 5
	for name, l := range allLosses() {
		t.Run(name, func(t *testing.T) {
			y, yhat := probabilities(rng, n, c), probabilities(rng, n, c)
			if name == "NLL" {
				tensor.Apply(yhat, yhat, math.Log)
			}
			per := l.PerExample(nil, y, yhat)
			mean := 0.0
			for _, v := range per {
				mean += v / n
			}
			if got := l.Forward(y, yhat); math.Abs(got-mean) > meanTol*math.Abs(mean) {
				t.Errorf("Forward %v, mean of PerExample %v", got, mean)
			}
			// dst is used when given.
			dst := make([]float64, n)
			if got := l.PerExample(dst, y, yhat); &got[0] != &dst[0] || got[n-1] != per[n-1] {
				t.Error("PerExample did not fill dst")
			}
		})
	}
}

// TestSpecialCases checks the special cases the doc comments list, each on
// one example so that the loss and gradient are the example's own (BCE's
// cases with a non-zero gradient have one element for the same reason).
func TestSpecialCases(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	// bceGrad is BCE's clamped gradient 1/ε at ŷ(1−ŷ) = 0.
	bceGrad := 1 / float64(float32(1e-12))
	tests := []struct {
		name    string
		l       losses.Loss
		y, yhat []float64
		value   float64
		grad    []float64
	}{
		{"BCE/exact", losses.NewBCE(), []float64{0, 1}, []float64{0, 1}, 0, []float64{0, 0}},
		{"BCE/wrong0", losses.NewBCE(), []float64{1}, []float64{0}, 100, []float64{-bceGrad}},
		{"BCE/wrong1", losses.NewBCE(), []float64{0}, []float64{1}, 100, []float64{bceGrad}},
		{"BCE/outside", losses.NewBCE(), []float64{0}, []float64{1.5}, nan, nil},
		{"BCE/NaN", losses.NewBCE(), []float64{0}, []float64{nan}, nan, nil},
		{"CrossEntropy/zeroProbability", losses.NewCrossEntropy(), []float64{1, 0}, []float64{0, 1}, 100, []float64{-bceGrad, 0}},
		{"CrossEntropy/skipZeroTarget", losses.NewCrossEntropy(), []float64{0, 1}, []float64{nan, 1}, 0, []float64{0, -1}},
		{"NLL/skipZeroTarget", losses.NewNLL(), []float64{0, 1}, []float64{-inf, 0}, 0, []float64{0, -1}},
		{"SoftmaxCrossEntropy/negInfLogit", losses.NewSoftmaxCrossEntropy(), []float64{0, 1}, []float64{-inf, 0}, 0, []float64{0, 0}},
		{"SoftmaxCrossEntropy/large", losses.NewSoftmaxCrossEntropy(), []float64{1, 0}, []float64{-1000, 1000}, 2000, []float64{-1, 1}},
		{"SoftmaxCrossEntropy/infLogit", losses.NewSoftmaxCrossEntropy(), []float64{1, 0}, []float64{inf, 0}, nan, nil},
		{"SoftmaxCrossEntropy/infOtherLogit", losses.NewSoftmaxCrossEntropy(), []float64{0, 1}, []float64{inf, 0}, nan, []float64{nan, nan}},
		{"SoftmaxCrossEntropy/allNegInf", losses.NewSoftmaxCrossEntropy(), []float64{0, 1}, []float64{-inf, -inf}, nan, []float64{nan, nan}},
	}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := tensor.FromSlice(tt.y, 1, len(tt.y))
			yhat := tensor.FromSlice(tt.yhat, 1, len(tt.yhat))
			if got := tt.l.Forward(y, yhat); !same(got, tt.value) {
				t.Errorf("loss %v, want %v", got, tt.value)
			}
			if tt.grad == nil {
				return
			}
			g := tt.l.Backward(y, yhat)
			for i, w := range tt.grad {
				if !same(g.Data[i], w) {
					t.Errorf("gradient %v, want %v", g.Data, tt.grad)
					break
				}
			}
		})
	}
}

// TestAllocs checks that Forward and Backward allocate nothing once the
// gradient buffer exists.
func TestAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	y, yhat := probabilities(rng, 32, 10), probabilities(rng, 32, 10)
	for name, l := range allLosses() {
		l.Backward(y, yhat)
		if n := testing.AllocsPerRun(10, func() { l.Forward(y, yhat); l.Backward(y, yhat) }); n != 0 {
			t.Errorf("%s: %v allocations, want 0", name, n)
		}
	}
}

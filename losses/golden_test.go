package losses_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// goldenTol is the largest relative error allowed against PyTorch: the
// largest |got − want| over a tensor's finite elements divided by the
// largest |want| among them. Non-finite values must match exactly.
const goldenTol = 1e-12

// goldenFloat is a JSON number, or one of the strings "inf", "-inf", "nan"
// that testdata/golden_common.py writes for values JSON cannot hold.
type goldenFloat float64

func (f *goldenFloat) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "inf":
			*f = goldenFloat(math.Inf(1))
		case "-inf":
			*f = goldenFloat(math.Inf(-1))
		case "nan":
			*f = goldenFloat(math.NaN())
		default:
			return fmt.Errorf("golden value %q is not a number", s)
		}
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}

type goldenTensor struct {
	Shape []int
	Data  []goldenFloat
}

func (g goldenTensor) tensor() *tensor.Tensor {
	data := make([]float64, len(g.Data))
	for i, v := range g.Data {
		data[i] = float64(v)
	}
	return tensor.FromSlice(data, g.Shape...)
}

// goldenErr returns the relative error of got against want as goldenTol
// defines it, or an error when shapes or non-finite values differ.
func goldenErr(got, want *tensor.Tensor) (float64, error) {
	if !tensor.SameShape(got, want) {
		return math.Inf(1), fmt.Errorf("shape %v, want %v", got.Shape, want.Shape)
	}
	diff, scale := 0.0, 0.0
	for i, w := range want.Data {
		g := got.Data[i]
		if math.IsInf(w, 0) || math.IsNaN(w) || math.IsInf(g, 0) || math.IsNaN(g) {
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				return math.Inf(1), fmt.Errorf("element %d is %v, want %v", i, g, w)
			}
			continue
		}
		diff = max(diff, math.Abs(g-w))
		scale = max(scale, math.Abs(w))
	}
	if scale == 0 {
		return diff, nil
	}
	return diff / scale, nil
}

func checkGolden(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	e, err := goldenErr(got, want)
	if err == nil && e > goldenTol {
		err = fmt.Errorf("relative error %.3g > %g", e, goldenTol)
	}
	if err != nil {
		t.Errorf("%s: %v\ngot  %v\nwant %v", what, err, got, want)
	}
}

var lossByName = map[string]func() losses.PerExampleLoss{
	"MSE":                 func() losses.PerExampleLoss { return losses.NewMSE() },
	"BCE":                 func() losses.PerExampleLoss { return losses.NewBCE() },
	"CrossEntropy":        func() losses.PerExampleLoss { return losses.NewCrossEntropy() },
	"NLL":                 func() losses.PerExampleLoss { return losses.NewNLL() },
	"SoftmaxCrossEntropy": func() losses.PerExampleLoss { return losses.NewSoftmaxCrossEntropy() },
}

// TestGolden checks every loss's value, per-example values and gradient
// against PyTorch (testdata/golden_layers.py).
func TestGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/golden_losses.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Losses []struct {
			Name, Loss               string
			Target, Prediction, Grad goldenTensor
			PerExample               goldenTensor `json:"per_example"`
			Value                    float64
		}
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Losses {
		t.Run(c.Name, func(t *testing.T) {
			l := lossByName[c.Loss]()
			y, yhat := c.Target.tensor(), c.Prediction.tensor()
			value := tensor.FromSlice([]float64{l.Forward(y, yhat)}, 1)
			checkGolden(t, "value", value, tensor.FromSlice([]float64{c.Value}, 1))
			per := l.PerExample(nil, y, yhat)
			checkGolden(t, "per-example values", tensor.FromSlice(per, len(per)), c.PerExample.tensor())
			checkGolden(t, "gradient", l.Backward(y, yhat), c.Grad.tensor())
		})
	}
}

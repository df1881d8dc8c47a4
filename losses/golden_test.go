package losses_test

import (
	"testing"

	"github.com/nndiy/nndiy/internal/golden"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

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
	var g struct {
		Losses []struct {
			Name, Loss               string
			Target, Prediction, Grad golden.Tensor
			PerExample               golden.Tensor `json:"per_example"`
			Value                    float64
		}
	}
	golden.Load(t, "testdata/golden_losses.json", &g)
	for _, c := range g.Losses {
		t.Run(c.Name, func(t *testing.T) {
			l := lossByName[c.Loss]()
			y, yhat := c.Target.Tensor(), c.Prediction.Tensor()
			value := tensor.FromSlice([]float64{l.Forward(y, yhat)}, 1)
			golden.Check(t, "value", value, tensor.FromSlice([]float64{c.Value}, 1))
			per := l.PerExample(nil, y, yhat)
			golden.Check(t, "per-example values", tensor.FromSlice(per, len(per)), c.PerExample.Tensor())
			golden.Check(t, "gradient", l.Backward(y, yhat), c.Grad.Tensor())
		})
	}
}

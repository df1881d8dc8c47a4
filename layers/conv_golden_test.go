package layers_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/nndiy/nndiy/internal/golden"
	"github.com/nndiy/nndiy/layers"
)

// convGolden is layers/testdata/golden_conv.json: PyTorch's results for
// convolutions and poolings, in nndiy's channels-last layout.
type convGolden struct {
	Conv []struct {
		Name            string
		Dims            int
		Kernel          []int // [kH, kW], kH = 1 in 1-D
		ChanIn          int   `json:"chan_in"`
		ChanOut         int   `json:"chan_out"`
		Stride, Padding int
		Bias            bool
		X, Weight, Y    golden.Tensor
		BiasValue       golden.Tensor `json:"bias_value"`
		Delta, Dx       golden.Tensor
		Dweight, Dbias  golden.Tensor
	}
	Pool []struct {
		Name        string
		Dims        int
		Kind        string
		Kernel      []int
		Stride      int
		X, Y, Delta golden.Tensor
		Dx          golden.Tensor
	}
}

func convLoadGolden(t *testing.T) *convGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/golden_conv.json")
	if err != nil {
		t.Fatal(err)
	}
	var g convGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Conv) == 0 || len(g.Pool) == 0 {
		t.Fatal("golden_conv.json holds no cases")
	}
	return &g
}

// TestConvPyTorch runs the layers on PyTorch's inputs and weights and
// compares the output and the three gradients with PyTorch's.
func TestConvPyTorch(t *testing.T) {
	g := convLoadGolden(t)
	for _, c := range g.Conv {
		t.Run(c.Name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(0, 0)) // the initial values are overwritten
			var opts []layers.ConvOption
			if c.Padding > 0 {
				opts = append(opts, layers.WithPadding(c.Padding))
			}
			if !c.Bias {
				opts = append(opts, layers.WithoutBias())
			}
			var m layers.Module
			var w, b *layers.Parameter
			if c.Dims == 1 {
				l := layers.NewConv1D(c.Kernel[1], c.ChanIn, c.ChanOut, c.Stride, rng, opts...)
				m, w, b = l, l.Weight, l.Bias
			} else {
				l := layers.NewConv2D(c.Kernel[0], c.Kernel[1], c.ChanIn, c.ChanOut, c.Stride, rng, opts...)
				m, w, b = l, l.Weight, l.Bias
			}
			w.Value.CopyFrom(c.Weight.Tensor())
			if (b != nil) != c.Bias {
				t.Fatalf("bias %v, want %v", b != nil, c.Bias)
			}
			if b != nil {
				b.Value.CopyFrom(c.BiasValue.Tensor())
			}
			x, delta := c.X.Tensor(), c.Delta.Tensor()
			convCheckClose(t, "y", m.Forward(x), c.Y.Tensor())
			m.ZeroGrad()
			m.BackwardUpdateGradient(x, delta)
			convCheckClose(t, "dweight", w.Grad, c.Dweight.Tensor())
			if b != nil {
				convCheckClose(t, "dbias", b.Grad, c.Dbias.Tensor())
			}
			convCheckClose(t, "dx", m.BackwardDelta(x, delta), c.Dx.Tensor())
		})
	}
}

// TestPoolPyTorch compares the poolings with PyTorch's, ties included.
func TestPoolPyTorch(t *testing.T) {
	g := convLoadGolden(t)
	for _, c := range g.Pool {
		t.Run(c.Name, func(t *testing.T) {
			kh, kw := c.Kernel[0], c.Kernel[1]
			var m layers.Module
			switch {
			case c.Dims == 1 && c.Kind == "max":
				m = layers.NewMaxPool1D(kw, c.Stride)
			case c.Dims == 1:
				m = layers.NewAvgPool1D(kw, c.Stride)
			case c.Kind == "max":
				m = layers.NewMaxPool2D(kh, kw, c.Stride)
			default:
				m = layers.NewAvgPool2D(kh, kw, c.Stride)
			}
			x := c.X.Tensor()
			convCheckClose(t, "y", m.Forward(x), c.Y.Tensor())
			convCheckClose(t, "dx", m.BackwardDelta(x, c.Delta.Tensor()), c.Dx.Tensor())
		})
	}
}

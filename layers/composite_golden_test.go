package layers_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nndiy/nndiy/internal/golden"
	"github.com/nndiy/nndiy/layers"
)

// compositeSpec describes a module as the composite section of
// testdata/golden_layers.py builds it: the modules of golden_layers.json
// and the convolutions, plus Concat, TransposeImage and TiedLinear.
type compositeSpec struct {
	Kind          string
	In, Out, K    int
	Stride        int
	Height, Width int
	Bias          *bool
	Tied          string // the path of the Linear whose weight a TiedLinear uses
	Modules       []compositeSpec
}

// build returns the module s describes, with arbitrary parameters.
// linears collects the Linear layers by path ("0", "1.0") for TiedLinear.
func (s compositeSpec) build(t *testing.T, path string, linears map[string]*layers.Linear) layers.Module {
	t.Helper()
	rng := rand.New(rand.NewPCG(0, 0))
	bias := s.Bias == nil || *s.Bias
	switch s.Kind {
	case "Linear":
		l := layers.NewLinearNoBias(s.In, s.Out, rng)
		if bias {
			l = layers.NewLinear(s.In, s.Out, rng)
		}
		linears[path] = l
		return l
	case "Conv1D":
		if !bias {
			return layers.NewConv1D(s.K, s.In, s.Out, 1, rng, layers.WithoutBias())
		}
		return layers.NewConv1D(s.K, s.In, s.Out, 1, rng)
	case "MaxPool1D":
		return layers.NewMaxPool1D(s.K, s.Stride)
	case "Flatten":
		return layers.NewFlatten()
	case "TransposeImage":
		return layers.NewTransposeImage(s.Height, s.Width)
	case "TiedLinear":
		e := linears[s.Tied]
		if e == nil {
			t.Fatalf("TiedLinear: no Linear at path %q", s.Tied)
		}
		return layers.NewTiedLinear(e, rng)
	case "Sequential", "Concat":
		var ms []layers.Module
		for i, m := range s.Modules {
			p := strconv.Itoa(i)
			if path != "" {
				p = path + "." + p
			}
			ms = append(ms, m.build(t, p, linears))
		}
		if s.Kind == "Concat" {
			return layers.NewConcat(ms...)
		}
		return layers.NewSequential(ms...)
	}
	return goldenSpec{Kind: s.Kind}.build(t)
}

// TestGoldenComposite checks Concat, TransposeImage and TiedLinear, alone
// and inside networks, against PyTorch: the output, the input gradient and
// every parameter gradient, a tied weight's being the sum of both uses.
func TestGoldenComposite(t *testing.T) {
	var g struct {
		Modules []struct {
			Name                 string
			Spec                 compositeSpec
			Input, Output, Delta golden.Tensor
			GradInput            golden.Tensor `json:"grad_input"`
			Params               map[string]golden.Tensor
			GradParams           map[string]golden.Tensor `json:"grad_params"`
		}
	}
	golden.Load(t, "testdata/golden_composite.json", &g)
	if len(g.Modules) == 0 {
		t.Fatal("golden_composite.json holds no case")
	}
	for _, c := range g.Modules {
		t.Run(c.Name, func(t *testing.T) {
			m := c.Spec.build(t, "", map[string]*layers.Linear{})
			setParameters(t, m, c.Params)
			x, delta := c.Input.Tensor(), c.Delta.Tensor()
			golden.Check(t, "output", m.Forward(x), c.Output.Tensor())
			m.ZeroGrad()
			m.BackwardUpdateGradient(x, delta)
			golden.Check(t, "input gradient", m.BackwardDelta(x, delta), c.GradInput.Tensor())
			checkGradParams(t, m, c.GradParams)
		})
	}
}

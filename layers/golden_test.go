package layers_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/internal/golden"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// goldenSpec describes a module as testdata/golden_layers.py builds it.
type goldenSpec struct {
	Kind    string
	In, Out int
	Bias    *bool
	Modules []goldenSpec
}

// build returns the module spec describes, with arbitrary parameters.
func (s goldenSpec) build(t *testing.T) layers.Module {
	rng := rand.New(rand.NewPCG(0, 0))
	switch s.Kind {
	case "Linear":
		if s.Bias != nil && !*s.Bias {
			return layers.NewLinearNoBias(s.In, s.Out, rng)
		}
		return layers.NewLinear(s.In, s.Out, rng)
	case "Sequential":
		seq := layers.NewSequential()
		for _, m := range s.Modules {
			seq.Add(m.build(t))
		}
		return seq
	case "Tanh":
		return layers.NewTanh()
	case "Sigmoid":
		return layers.NewSigmoid()
	case "ReLU":
		return layers.NewReLU()
	case "Softmax":
		return layers.NewSoftmax()
	case "LogSoftmax":
		return layers.NewLogSoftmax()
	}
	t.Fatalf("unknown module kind %q", s.Kind)
	return nil
}

type goldenLayers struct {
	Modules []struct {
		Name                 string
		Spec                 goldenSpec
		Input, Output, Delta golden.Tensor
		GradInput            golden.Tensor `json:"grad_input"`
		Params               map[string]golden.Tensor
		GradParams           map[string]golden.Tensor `json:"grad_params"`
	}
	Sequentials []struct {
		Name                  string
		Spec                  goldenSpec
		Loss                  string
		Input, Target, Output golden.Tensor
		LossValue             float64       `json:"loss_value"`
		GradInput             golden.Tensor `json:"grad_input"`
		Params                map[string]golden.Tensor
		GradParams            map[string]golden.Tensor `json:"grad_params"`
	}
}

func loadGoldenLayers(t *testing.T) *goldenLayers {
	t.Helper()
	var g goldenLayers
	golden.Load(t, "testdata/golden_layers.json", &g)
	return &g
}

// setParameters copies the golden parameters into m, by name.
func setParameters(t *testing.T, m layers.Module, params map[string]golden.Tensor) {
	t.Helper()
	ps := m.Parameters()
	if len(ps) != len(params) {
		t.Fatalf("module has %d parameters, golden data %d", len(ps), len(params))
	}
	for _, p := range ps {
		g, ok := params[p.Name]
		if !ok {
			t.Fatalf("no golden parameter named %q", p.Name)
		}
		p.Value.CopyFrom(g.Tensor())
	}
}

func checkGradParams(t *testing.T, m layers.Module, grads map[string]golden.Tensor) {
	t.Helper()
	for _, p := range m.Parameters() {
		golden.Check(t, "gradient of "+p.Name, p.Grad, grads[p.Name].Tensor())
	}
}

// TestGoldenModules checks every module's forward and backward pass against
// PyTorch (testdata/golden_layers.py).
func TestGoldenModules(t *testing.T) {
	g := loadGoldenLayers(t)
	for _, c := range g.Modules {
		t.Run(c.Name, func(t *testing.T) {
			m := c.Spec.build(t)
			setParameters(t, m, c.Params)
			x := c.Input.Tensor()
			golden.Check(t, "output", m.Forward(x), c.Output.Tensor())
			m.ZeroGrad()
			delta := c.Delta.Tensor()
			m.BackwardUpdateGradient(x, delta)
			golden.Check(t, "input gradient", m.BackwardDelta(x, delta), c.GradInput.Tensor())
			checkGradParams(t, m, c.GradParams)
		})
	}
}

// goldenLoss returns the value and gradient of the named loss, written out
// here so that the layers tests do not depend on package losses (which
// checks its own losses against PyTorch).
func goldenLoss(t *testing.T, name string, y, yhat *tensor.Tensor) (float64, *tensor.Tensor) {
	n, k := float64(yhat.Rows()), float64(yhat.Len())
	grad := tensor.New(yhat.Shape...)
	value := 0.0
	for i := range yhat.Rows() {
		p, q, g := yhat.Row(i), y.Row(i), grad.Row(i)
		switch name {
		case "MSE":
			for j := range p {
				value += (p[j] - q[j]) * (p[j] - q[j]) / k
				g[j] = 2 * (p[j] - q[j]) / k
			}
		case "BCE":
			for j := range p {
				value -= (q[j]*math.Log(p[j]) + (1-q[j])*math.Log(1-p[j])) / k
				g[j] = (p[j] - q[j]) / (p[j] * (1 - p[j])) / k
			}
		case "NLL":
			for j := range p {
				value -= q[j] * p[j] / n
				g[j] = -q[j] / n
			}
		case "SoftmaxCrossEntropy":
			lse := tensor.LogSumExp(p)
			for j := range p {
				value -= q[j] * (p[j] - lse) / n
				g[j] = (math.Exp(p[j]-lse) - q[j]) / n
			}
		default:
			t.Fatalf("unknown loss %q", name)
		}
	}
	return value, grad
}

// TestGoldenSequentials checks whole networks, nested Sequentials included,
// against PyTorch: output, loss, and the gradients of the input and of every
// parameter (which the golden data names by path, as PyTorch does).
func TestGoldenSequentials(t *testing.T) {
	g := loadGoldenLayers(t)
	for _, c := range g.Sequentials {
		t.Run(c.Name, func(t *testing.T) {
			s := c.Spec.build(t).(*layers.Sequential)
			setParameters(t, s, c.Params)
			x, y := c.Input.Tensor(), c.Target.Tensor()
			out := s.Forward(x)
			golden.Check(t, "output", out, c.Output.Tensor())
			value, delta := goldenLoss(t, c.Loss, y, out)
			if e := math.Abs(value-c.LossValue) / math.Abs(c.LossValue); e > golden.Tol {
				t.Errorf("loss %v, want %v (relative error %.3g)", value, c.LossValue, e)
			}
			s.ZeroGrad()
			golden.Check(t, "input gradient", s.Backward(x, delta), c.GradInput.Tensor())
			checkGradParams(t, s, c.GradParams)
		})
	}
}

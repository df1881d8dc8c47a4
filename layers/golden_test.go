package layers_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/nndiy/nndiy/layers"
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
		Input, Output, Delta goldenTensor
		GradInput            goldenTensor `json:"grad_input"`
		Params               map[string]goldenTensor
		GradParams           map[string]goldenTensor `json:"grad_params"`
	}
	Sequentials []struct {
		Name                  string
		Spec                  goldenSpec
		Loss                  string
		Input, Target, Output goldenTensor
		LossValue             float64      `json:"loss_value"`
		GradInput             goldenTensor `json:"grad_input"`
		Params                map[string]goldenTensor
		GradParams            map[string]goldenTensor `json:"grad_params"`
	}
}

func loadGoldenLayers(t *testing.T) *goldenLayers {
	t.Helper()
	b, err := os.ReadFile("testdata/golden_layers.json")
	if err != nil {
		t.Fatal(err)
	}
	var g goldenLayers
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
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
		finite := !math.IsInf(w, 0) && !math.IsNaN(w)
		if !finite {
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				return math.Inf(1), fmt.Errorf("element %d is %v, want %v", i, g, w)
			}
			continue
		}
		diff = max(diff, math.Abs(g-w))
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return math.Inf(1), fmt.Errorf("element %d is %v, want %v", i, g, w)
		}
		scale = max(scale, math.Abs(w))
	}
	if scale == 0 {
		return diff, nil
	}
	return diff / scale, nil
}

// checkGolden reports an error on t when got is not within goldenTol of want.
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

// setParameters copies the golden parameters into m, by name.
func setParameters(t *testing.T, m layers.Module, params map[string]goldenTensor) {
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
		p.Value.CopyFrom(g.tensor())
	}
}

func checkGradParams(t *testing.T, m layers.Module, grads map[string]goldenTensor) {
	t.Helper()
	for _, p := range m.Parameters() {
		checkGolden(t, "gradient of "+p.Name, p.Grad, grads[p.Name].tensor())
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
			x := c.Input.tensor()
			checkGolden(t, "output", m.Forward(x), c.Output.tensor())
			m.ZeroGrad()
			delta := c.Delta.tensor()
			m.BackwardUpdateGradient(x, delta)
			checkGolden(t, "input gradient", m.BackwardDelta(x, delta), c.GradInput.tensor())
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
			x, y := c.Input.tensor(), c.Target.tensor()
			out := s.Forward(x)
			checkGolden(t, "output", out, c.Output.tensor())
			value, delta := goldenLoss(t, c.Loss, y, out)
			if e := math.Abs(value-c.LossValue) / math.Abs(c.LossValue); e > goldenTol {
				t.Errorf("loss %v, want %v (relative error %.3g)", value, c.LossValue, e)
			}
			s.ZeroGrad()
			checkGolden(t, "input gradient", s.Backward(x, delta), c.GradInput.tensor())
			checkGradParams(t, s, c.GradParams)
		})
	}
}

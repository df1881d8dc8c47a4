package optim_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// scheduleTol bounds the drift of the recursive schedules from their closed
// forms, relative to the base learning rate.
const scheduleTol = 1e-12

// param returns a parameter holding value with gradient grad.
func param(name string, value, grad []float64) *layers.Parameter {
	p := layers.NewParameter(name, len(value))
	copy(p.Value.Data, value)
	copy(p.Grad.Data, grad)
	return p
}

// TestSGDFirstMomentumStep checks PyTorch's first momentum step by hand:
// the buffer starts at the gradient itself, without dampening.
func TestSGDFirstMomentumStep(t *testing.T) {
	sgd := optim.NewSGD(0.5)
	sgd.Momentum, sgd.Dampening = 0.9, 0.5
	p := param("w", []float64{1}, []float64{2})
	sgd.Step([]*layers.Parameter{p}) // b = 2, θ = 1 − 0.5·2 = 0
	if p.Value.Data[0] != 0 {
		t.Errorf("after step 1, θ = %v, want 0", p.Value.Data[0])
	}
	sgd.Step([]*layers.Parameter{p}) // b = 0.9·2 + 0.5·2 = 2.8, θ = 0 − 0.5·2.8 = −1.4
	if got := p.Value.Data[0]; got != -1.4 {
		t.Errorf("after step 2, θ = %v, want −1.4", got)
	}
	if p.Grad.Data[0] != 2 {
		t.Errorf("Step changed the gradient to %v", p.Grad.Data[0])
	}
}

// TestStatePerParameter checks that an optimizer keeps one state per
// parameter: a parameter first seen after some steps starts its own
// count, as a fresh optimizer would.
func TestStatePerParameter(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  func() optim.Optimizer
	}{
		{"SGD", func() optim.Optimizer { s := optim.NewSGD(0.1); s.Momentum = 0.9; return s }},
		{"Adam", func() optim.Optimizer { return optim.NewAdam(0.1) }},
		{"AdamW", func() optim.Optimizer { return optim.NewAdamW(0.1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := param("a", []float64{1, 2}, []float64{0.3, -0.2})
			opt := tc.opt()
			for range 3 {
				opt.Step([]*layers.Parameter{a})
			}
			b := param("b", []float64{1, 2}, []float64{0.3, -0.2})
			opt.Step([]*layers.Parameter{a, b})
			fresh := param("b", []float64{1, 2}, []float64{0.3, -0.2})
			tc.opt().Step([]*layers.Parameter{fresh})
			if !sameBits(b.Value.Data, fresh.Value.Data) {
				t.Errorf("new parameter after 3 steps: %v, fresh optimizer gives %v", b.Value.Data, fresh.Value.Data)
			}
		})
	}
}

// TestOptimizerPanics checks the settings torch.optim rejects.
func TestOptimizerPanics(t *testing.T) {
	p := []*layers.Parameter{param("w", []float64{1}, []float64{1})}
	tests := []struct {
		name, msg string
		f         func()
	}{
		{"negative lr", "invalid learning rate", func() { optim.NewSGD(-1) }},
		{"NaN lr", "invalid learning rate", func() { optim.NewAdam(math.NaN()) }},
		{"SetLR negative", "invalid learning rate", func() { optim.NewAdamW(1).SetLR(-0.1) }},
		{"negative momentum", "invalid momentum", func() { s := optim.NewSGD(1); s.Momentum = -1; s.Step(p) }},
		{"Nesterov without momentum", "Nesterov", func() { s := optim.NewSGD(1); s.Nesterov = true; s.Step(p) }},
		{"Nesterov with dampening", "Nesterov", func() {
			s := optim.NewSGD(1)
			s.Momentum, s.Dampening, s.Nesterov = 0.9, 0.1, true
			s.Step(p)
		}},
		{"beta1 = 1", "beta1", func() { a := optim.NewAdam(1); a.Beta1 = 1; a.Step(p) }},
		{"negative beta2", "beta2", func() { a := optim.NewAdamW(1); a.Beta2 = -0.1; a.Step(p) }},
		{"negative eps", "epsilon", func() { a := optim.NewAdam(1); a.Eps = -1; a.Step(p) }},
		{"negative weight decay", "weight decay", func() { a := optim.NewAdamW(1); a.WeightDecay = -1; a.Step(p) }},
		{"StepLR step 0", "step size", func() { optim.NewStepLR(optim.NewSGD(1), 0, 0.1) }},
		{"cosine T 0", "T_max", func() { optim.NewCosineAnnealingLR(optim.NewSGD(1), 0, 0) }},
		// Issue 14: zero values panicked with "assignment to entry in nil
		// map". They must be built with their constructors, and say so.
		{"zero SGD with momentum", "optim.SGD.Step: build it with NewSGD: a zero SGD panics", func() { (&optim.SGD{Momentum: .9}).Step(p) }},
		{"zero SGD with a learning rate", "build it with NewSGD", func() { s := &optim.SGD{}; s.SetLR(0.1); s.Step(p) }},
		{"zero Adam", "optim.Adam.Step: build it with NewAdam: a zero Adam panics", func() { (&optim.Adam{}).Step(p) }},
		{"zero Adam with PyTorch's betas", "build it with NewAdam", func() { (&optim.Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}).Step(p) }},
		{"zero AdamW", "optim.AdamW.Step: build it with NewAdamW: a zero AdamW panics", func() { (&optim.AdamW{}).Step(p) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				s, _ := recover().(string)
				if !strings.HasPrefix(s, "optim.") || !strings.Contains(s, tc.msg) {
					t.Errorf("panic %q, want one from optim saying %q", s, tc.msg)
				}
			}()
			tc.f()
		})
	}
	if p[0].Value.Data[0] != 1 {
		t.Errorf("a step that panicked changed the parameter to %v", p[0].Value.Data[0])
	}
}

// TestZeroValueAfterLoadState checks that loading a state does not make a
// zero optimizer usable: it still has no learning rate or betas.
func TestZeroValueAfterLoadState(t *testing.T) {
	net := layers.NewSequential(layers.NewLinear(2, 1, rand.New(rand.NewPCG(1, 1))))
	var buf bytes.Buffer
	if err := optim.SaveState(&buf, optim.NewAdam(0.1), net); err != nil {
		t.Fatal(err)
	}
	a := &optim.Adam{}
	if err := optim.LoadState(bytes.NewReader(buf.Bytes()), a, net); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if s, _ := recover().(string); !strings.Contains(s, "build it with NewAdam") {
			t.Errorf("panic %q, want one saying to build it with NewAdam", s)
		}
	}()
	a.Step(net.Parameters())
}

// TestSchedulesClosedForm runs the schedules, computed recursively as
// PyTorch does, over several periods and compares with their closed forms.
func TestSchedulesClosedForm(t *testing.T) {
	const base, etaMin, tMax, stepSize, gamma = 0.3, 0.01, 7, 4, 0.7
	sgd, adam := optim.NewSGD(base), optim.NewAdam(base)
	step := optim.NewStepLR(sgd, stepSize, gamma)
	cos := optim.NewCosineAnnealingLR(adam, tMax, etaMin)
	worst := 0.0
	for e := range 50 {
		wantStep := base * math.Pow(gamma, float64(e/stepSize))
		wantCos := etaMin + (base-etaMin)*(1+math.Cos(math.Pi*float64(e)/tMax))/2
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"StepLR", sgd.LR(), wantStep}, {"CosineAnnealingLR", adam.LR(), wantCos}} {
			d := math.Abs(c.got-c.want) / base
			worst = math.Max(worst, d)
			if d > scheduleTol {
				t.Errorf("%s epoch %d: lr %v, closed form %v", c.name, e, c.got, c.want)
			}
		}
		if step.Epoch() != e || cos.Epoch() != e {
			t.Fatalf("epoch %d: schedules report epochs %d and %d", e, step.Epoch(), cos.Epoch())
		}
		step.Step()
		cos.Step()
	}
	t.Logf("largest drift from the closed form: %.3g of the base rate", worst)
}

// TestOptimLR checks that an Optim's learning rate is its optimizer's when
// one is plugged in, and Eps otherwise.
func TestOptimLR(t *testing.T) {
	o := optim.New(xorNet(2, 1), losses.NewMSE(), 0.1)
	o.SetLR(0.2)
	if o.Eps != 0.2 || o.LR() != 0.2 {
		t.Errorf("default update: Eps %v, LR %v, want 0.2", o.Eps, o.LR())
	}
	adam := optim.NewAdam(0.01)
	o.WithOptimizer(adam).SetLR(0.05)
	if adam.LR() != 0.05 || o.LR() != 0.05 || o.Eps != 0.2 {
		t.Errorf("with Adam: Adam's LR %v, Optim's %v, Eps %v; want 0.05, 0.05, 0.2", adam.LR(), o.LR(), o.Eps)
	}
}

// TestZeroGrad checks the optimizers' ZeroGrad.
func TestZeroGrad(t *testing.T) {
	for _, opt := range []optim.Optimizer{optim.NewSGD(1), optim.NewAdam(1), optim.NewAdamW(1)} {
		p := param("w", []float64{1, 2}, []float64{3, 4})
		opt.ZeroGrad([]*layers.Parameter{p})
		if p.Grad.Data[0] != 0 || p.Grad.Data[1] != 0 || p.Value.Data[1] != 2 {
			t.Errorf("%T.ZeroGrad: value %v, gradient %v", opt, p.Value.Data, p.Grad.Data)
		}
	}
}

// TestAccuracy covers the conventions of Accuracy and ThresholdAccuracy.
func TestAccuracy(t *testing.T) {
	nan := math.NaN()
	m := func(rows, cols int, v ...float64) *tensor.Tensor { return tensor.FromSlice(v, rows, cols) }
	tests := []struct {
		name    string
		acc     optim.AccuracyFunc
		y, yhat *tensor.Tensor
		want    float64
	}{
		{"one-hot", optim.Accuracy, m(3, 3, 1, 0, 0, 0, 1, 0, 0, 0, 1), m(3, 3, 5, 1, 2, 0, 1, 3, -1, -2, -0.5), 2.0 / 3},
		{"tie goes to the first", optim.Accuracy, m(2, 2, 1, 0, 0, 1), m(2, 2, 1, 1, 2, 2), 0.5},
		{"NaN row is wrong", optim.Accuracy, m(2, 2, 1, 0, 1, 0), m(2, 2, nan, 0, 3, 1), 0.5},
		{"class indices", optim.Accuracy, m(3, 1, 2, 0, 1), m(3, 3, 0, 0, 1, 1, 0, 0, 1, 0, 0), 2.0 / 3},
		{"probability targets", optim.Accuracy, m(1, 2, 0.3, 0.7), m(1, 2, -1, 1), 1},
		{"0/1 threshold 0.5", optim.Accuracy, m(4, 1, 0, 1, 1, 0), m(4, 1, 0.2, 0.7, 0.5, 0.51), 0.5},
		{"±1 threshold 0", optim.ThresholdAccuracy(0), m(4, 1, -1, 1, 1, -1), m(4, 1, -0.2, 0.1, -0.3, nan), 0.5},
		{"threshold on many columns is argmax", optim.ThresholdAccuracy(0), m(1, 2, 0, 1), m(1, 2, 3, 4), 1},
		{"no rows", optim.Accuracy, m(0, 2), m(0, 2), nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.acc(tc.y, tc.yhat)
			if got != tc.want && !(math.IsNaN(got) && math.IsNaN(tc.want)) {
				t.Errorf("accuracy %v, want %v", got, tc.want)
			}
		})
	}
	defer func() {
		if s, _ := recover().(string); !strings.HasPrefix(s, "optim.Accuracy:") {
			t.Errorf("shape mismatch: panic %q, want one from optim.Accuracy", s)
		}
	}()
	optim.Accuracy(m(2, 2, 0, 0, 0, 0), m(2, 3, 0, 0, 0, 0, 0, 0))
}

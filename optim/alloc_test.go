package optim_test

import (
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// uspsMLP returns the reference network, Linear(256,128), Tanh,
// Linear(128,64), Tanh, Linear(64,10), with a random batch of 32 one-hot
// targets.
func uspsMLP(seed uint64) (net *layers.Sequential, x, y *tensor.Tensor) {
	rng := rand.New(rand.NewPCG(seed, 1))
	net = layers.NewSequential(
		layers.NewLinear(256, 128, rng), layers.NewTanh(),
		layers.NewLinear(128, 64, rng), layers.NewTanh(),
		layers.NewLinear(64, 10, rng))
	x = tensor.New(32, 256).FillUniform(rng, 0, 2)
	y = tensor.New(32, 10)
	for i := range 32 {
		y.Set(i, rng.IntN(10), 1)
	}
	return net, x, y
}

// stepOptimizers are the update rules whose steady-state Step must not
// allocate; nil is the course's default update.
var stepOptimizers = []struct {
	name string
	opt  func() optim.Optimizer
}{
	{"default", nil},
	{"SGD", func() optim.Optimizer { return optim.NewSGD(0.01) }},
	{"SGDNesterov", func() optim.Optimizer {
		o := optim.NewSGD(0.01)
		o.Momentum, o.Nesterov, o.WeightDecay = 0.9, true, 1e-4
		return o
	}},
	{"Adam", func() optim.Optimizer { return optim.NewAdam(1e-3) }},
	{"AdamAMSGrad", func() optim.Optimizer {
		o := optim.NewAdam(1e-3)
		o.AMSGrad, o.WeightDecay = true, 1e-4
		return o
	}},
	{"AdamW", func() optim.Optimizer { return optim.NewAdamW(1e-3) }},
}

// TestStepDoesNotAllocate checks that after a warm-up step, a training step
// of the reference MLP allocates nothing, with each update rule.
func TestStepDoesNotAllocate(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation may allocate")
	}
	for _, tc := range stepOptimizers {
		t.Run(tc.name, func(t *testing.T) {
			net, x, y := uspsMLP(1)
			o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0.01)
			if tc.opt != nil {
				o.Optimizer = tc.opt()
			}
			o.Step(x, y) // warm-up: buffers and optimizer state
			if a := testing.AllocsPerRun(5, func() { o.Step(x, y) }); a != 0 {
				t.Errorf("Step allocates %v times per call, want 0", a)
			}
		})
	}
}

// TestFitDoesNotAllocatePerBatch checks that Fit's allocations do not grow
// with the number of batches: after the first epoch has warmed every
// buffer, more epochs cost only the history's growth, which Fit reserves.
func TestFitDoesNotAllocatePerBatch(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation may allocate")
	}
	rng := rand.New(rand.NewPCG(3, 3))
	net := layers.NewSequential(layers.NewLinear(8, 6, rng), layers.NewTanh(), layers.NewLinear(6, 4, rng))
	x := tensor.New(100, 8).FillUniform(rng, -1, 1) // 3 full batches and one of 4
	y := tensor.New(100, 4)
	for i := range 100 {
		y.Set(i, i%4, 1)
	}
	o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0.01).WithOptimizer(optim.NewAdam(1e-3))
	fit := func(epochs int) func() {
		return func() {
			cfg := optim.Config{BatchSize: 32, Epochs: epochs, ValX: x, ValY: y, Accuracy: optim.Accuracy}
			if _, err := optim.Fit(o, x, y, cfg); err != nil {
				t.Fatal(err)
			}
		}
	}
	fit(1)() // warm-up
	one := testing.AllocsPerRun(3, fit(1))
	ten := testing.AllocsPerRun(3, fit(10))
	if ten != one {
		t.Errorf("Fit allocates %v times for 1 epoch and %v for 10 epochs of 4 batches, want the same", one, ten)
	}
}

// BenchmarkStep measures one training step of the reference MLP on a batch
// of 32, reporting examples per second.
func BenchmarkStep(b *testing.B) {
	for _, tc := range stepOptimizers {
		b.Run(tc.name, func(b *testing.B) {
			net, x, y := uspsMLP(1)
			o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0.01)
			if tc.opt != nil {
				o.Optimizer = tc.opt()
			}
			o.Step(x, y)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				o.Step(x, y)
			}
			b.ReportMetric(float64(b.N*x.Shape[0])/b.Elapsed().Seconds(), "examples/s")
		})
	}
}

// BenchmarkFitStep measures Fit's cost per step on the reference MLP: one
// epoch of 32 batches of 32 random images, with Adam and with the course's
// plain step, reporting ns/step. Compare it with BenchmarkStep for what Fit
// adds to Step (the batch copies and its checks).
func BenchmarkFitStep(b *testing.B) {
	for _, tc := range []struct {
		name string
		opt  func() optim.Optimizer
	}{{"default", nil}, {"Adam", func() optim.Optimizer { return optim.NewAdam(1e-3) }}} {
		b.Run(tc.name, func(b *testing.B) {
			net, _, _ := uspsMLP(1)
			rng := rand.New(rand.NewPCG(2, 2))
			const n = 32 * 32
			x := tensor.New(n, 256).FillUniform(rng, 0, 2)
			y := tensor.New(n, 10)
			for i := range n {
				y.Set(i, rng.IntN(10), 1)
			}
			o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0.01)
			if tc.opt != nil {
				o.Optimizer = tc.opt()
			}
			cfg := optim.Config{BatchSize: 32, Epochs: 1}
			if _, err := optim.Fit(o, x, y, cfg); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := optim.Fit(o, x, y, cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*n/32), "ns/step")
		})
	}
}

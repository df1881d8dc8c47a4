package optim_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/internal/golden"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
)

// Tolerances of the comparisons with PyTorch, relative.
const (
	torchTol   = 1e-10 // weights and losses after K steps
	torchLRTol = 1e-12 // learning rates of a schedule
)

// optimGolden is optim/testdata/golden_optim.json, written by
// testdata/golden_optim.py.
type optimGolden struct {
	Init    []golden.Tensor `json:"init"`
	Batches []struct {
		X golden.Tensor `json:"x"`
		Y golden.Tensor `json:"y"`
	} `json:"batches"`
	Configs map[string]struct {
		LR    []float64   `json:"lr"`
		Loss  []float64   `json:"loss"`
		Final [][]float64 `json:"final"`
	} `json:"configs"`
}

func readGolden(t *testing.T) *optimGolden {
	t.Helper()
	g := new(optimGolden)
	golden.Load(t, "testdata/golden_optim.json", g)
	return g
}

// goldenNet returns the script's network, Linear(4,5), Tanh, Linear(5,3),
// holding its initial weights.
func goldenNet(t *testing.T, g *optimGolden) *layers.Sequential {
	t.Helper()
	rng := rand.New(rand.NewPCG(0, 0))
	net := layers.NewSequential(layers.NewLinear(4, 5, rng), layers.NewTanh(), layers.NewLinear(5, 3, rng))
	params := net.Parameters()
	names := []string{"0.weight", "0.bias", "2.weight", "2.bias"}
	if len(params) != len(g.Init) {
		t.Fatalf("network has %d parameters, golden file %d", len(params), len(g.Init))
	}
	for i, p := range params {
		if p.Name != names[i] {
			t.Fatalf("parameter %d is %q, want %q", i, p.Name, names[i])
		}
		p.Value.CopyFrom(g.Init[i].Tensor())
	}
	return net
}

// relErr returns |got − want| / |want|, or |got − want| when want is 0.
func relErr(got, want float64) float64 {
	d := math.Abs(got - want)
	if want == 0 || math.IsNaN(d) {
		return d
	}
	return d / math.Abs(want)
}

// TestTorchParity trains the golden network with each optimizer
// configuration of testdata/golden_optim.py and compares every learning
// rate, every loss and the final weights with PyTorch's.
func TestTorchParity(t *testing.T) {
	g := readGolden(t)
	tests := []struct {
		name  string
		opt   func() optim.Optimizer // nil: the course's default update
		lr    float64                // learning rate for the default update
		sched func(optim.LRSetter) optim.Scheduler
	}{
		{name: "sgd", lr: 0.1},
		{name: "sgd", opt: func() optim.Optimizer { return optim.NewSGD(0.1) }},
		{name: "sgd_momentum", opt: func() optim.Optimizer {
			o := optim.NewSGD(0.1)
			o.Momentum = 0.9
			return o
		}},
		{name: "sgd_momentum_dampening", opt: func() optim.Optimizer {
			o := optim.NewSGD(0.1)
			o.Momentum, o.Dampening = 0.9, 0.3
			return o
		}},
		{name: "sgd_nesterov", opt: func() optim.Optimizer {
			o := optim.NewSGD(0.1)
			o.Momentum, o.Nesterov = 0.9, true
			return o
		}},
		{name: "sgd_weight_decay", opt: func() optim.Optimizer {
			o := optim.NewSGD(0.1)
			o.WeightDecay = 0.05
			return o
		}},
		{name: "sgd_momentum_weight_decay", opt: func() optim.Optimizer {
			o := optim.NewSGD(0.1)
			o.Momentum, o.WeightDecay = 0.5, 0.05
			return o
		}},
		{name: "adam", opt: func() optim.Optimizer { return optim.NewAdam(0.01) }},
		{name: "adam_betas_eps", opt: func() optim.Optimizer {
			o := optim.NewAdam(0.02)
			o.Beta1, o.Beta2, o.Eps = 0.8, 0.95, 1e-3
			return o
		}},
		{name: "adam_weight_decay", opt: func() optim.Optimizer {
			o := optim.NewAdam(0.01)
			o.WeightDecay = 0.1
			return o
		}},
		{name: "adam_amsgrad", opt: func() optim.Optimizer {
			o := optim.NewAdam(0.01)
			o.AMSGrad = true
			return o
		}},
		{name: "adamw", opt: func() optim.Optimizer { return optim.NewAdamW(0.01) }},
		{name: "adamw_weight_decay_amsgrad", opt: func() optim.Optimizer {
			o := optim.NewAdamW(0.01)
			o.WeightDecay, o.AMSGrad = 0.3, true
			return o
		}},
		{name: "sgd_momentum_steplr",
			opt: func() optim.Optimizer {
				o := optim.NewSGD(0.1)
				o.Momentum = 0.9
				return o
			},
			sched: func(o optim.LRSetter) optim.Scheduler { return optim.NewStepLR(o, 3, 0.5) }},
		{name: "adam_cosine",
			opt:   func() optim.Optimizer { return optim.NewAdam(0.05) },
			sched: func(o optim.LRSetter) optim.Scheduler { return optim.NewCosineAnnealingLR(o, 4, 0.001) }},
		{name: "sgd_cosine",
			opt: func() optim.Optimizer {
				o := optim.NewSGD(0.1)
				o.Momentum, o.Nesterov = 0.9, true
				return o
			},
			sched: func(o optim.LRSetter) optim.Scheduler { return optim.NewCosineAnnealingLR(o, 5, 0) }},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		name := tc.name
		if tc.opt == nil {
			name += "/default"
		}
		t.Run(name, func(t *testing.T) {
			want, ok := g.Configs[tc.name]
			if !ok {
				t.Fatalf("no configuration %q in the golden file", tc.name)
			}
			covered[tc.name] = true
			net := goldenNet(t, g)
			o := optim.New(net, losses.NewMSE(), tc.lr)
			if tc.opt != nil {
				o.WithOptimizer(tc.opt())
			}
			var sched optim.Scheduler
			if tc.sched != nil {
				sched = tc.sched(o)
			}
			for k, b := range g.Batches {
				if e := relErr(o.LR(), want.LR[k]); e > torchLRTol {
					t.Errorf("step %d: learning rate %v, PyTorch %v (relative error %.3g)", k, o.LR(), want.LR[k], e)
				}
				loss := o.Step(b.X.Tensor(), b.Y.Tensor())
				if e := relErr(loss, want.Loss[k]); e > torchTol {
					t.Errorf("step %d: loss %v, PyTorch %v (relative error %.3g)", k, loss, want.Loss[k], e)
				}
				if sched != nil {
					sched.Step()
				}
			}
			worst := 0.0
			for i, p := range net.Parameters() {
				for j, v := range p.Value.Data {
					worst = math.Max(worst, relErr(v, want.Final[i][j]))
					if e := relErr(v, want.Final[i][j]); e > torchTol {
						t.Errorf("%s[%d] after %d steps: %v, PyTorch %v (relative error %.3g)", p.Name, j, len(g.Batches), v, want.Final[i][j], e)
					}
				}
			}
			t.Logf("largest relative error of a weight: %.3g", worst)
		})
	}
	for name := range g.Configs {
		if !covered[name] {
			t.Errorf("golden configuration %q is not tested", name)
		}
	}
}

package optim_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// xorData returns n points of [−1, 1]² away from the axes (|xᵢ| ≥ 0.1),
// labelled +1 when x₁·x₂ > 0 and −1 otherwise: XOR of the two signs.
func xorData(n int, seed uint64) (x, y *tensor.Tensor) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x, y = tensor.New(n, 2), tensor.New(n, 1)
	coord := func() float64 {
		v := 0.1 + 0.9*rng.Float64()
		if rng.IntN(2) == 0 {
			return -v
		}
		return v
	}
	for i := range n {
		a, b := coord(), coord()
		x.Set(i, 0, a)
		x.Set(i, 1, b)
		y.Set(i, 0, math.Copysign(1, a*b))
	}
	return x, y
}

// xorNet is the course's 2-layer network for XOR: Linear(2,h), Tanh,
// Linear(h,1), Tanh.
func xorNet(hidden int, seed uint64) *layers.Sequential {
	rng := rand.New(rand.NewPCG(seed, 8))
	return layers.NewSequential(layers.NewLinear(2, hidden, rng), layers.NewTanh(), layers.NewLinear(hidden, 1, rng), layers.NewTanh())
}

// TestFitLearnsXOR trains the course's network with the course's plain
// gradient step until it classifies every training point right, and
// checks that it gets there within a bounded number of epochs.
func TestFitLearnsXOR(t *testing.T) {
	const maxEpochs = 50
	x, y := xorData(200, 1)
	run := func() (*optim.History, *layers.Sequential) {
		net := xorNet(8, 2)
		o := optim.New(net, losses.NewMSE(), 0.5)
		h, err := optim.Fit(o, x, y, optim.Config{
			BatchSize: 16, Epochs: maxEpochs, Seed: 3,
			ValX: x, ValY: y, // the training set, scored at the end of each epoch
			Accuracy: optim.ThresholdAccuracy(0),
			OnEpoch: func(epoch int, h *optim.History) error {
				if h.ValAccuracy[epoch-1] == 1 {
					return optim.StopTraining
				}
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return h, net
	}
	h, net := run()
	epochs := len(h.TrainLoss)
	if last := h.ValAccuracy[epochs-1]; last != 1 {
		t.Fatalf("training accuracy %v after %d epochs, want 1", last, epochs)
	}
	if _, acc := optim.Evaluate(net, losses.NewMSE(), x, y, 200, optim.ThresholdAccuracy(0)); acc != 1 {
		t.Errorf("Evaluate gives training accuracy %v, want 1", acc)
	}
	t.Logf("100%% training accuracy after %d epochs, loss %.4g", epochs, h.TrainLoss[epochs-1])

	h2, net2 := run()
	if len(h2.TrainLoss) != epochs || !sameParams(net, net2) {
		t.Errorf("a second run took %d epochs (first %d) or ended with other weights", len(h2.TrainLoss), epochs)
	}
}

// sameParams reports whether a and b have bit-for-bit the same parameters.
func sameParams(a, b layers.Module) bool {
	pa, pb := a.Parameters(), b.Parameters()
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if !sameBits(pa[i].Value.Data, pb[i].Value.Data) {
			return false
		}
	}
	return true
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestFitMatchesManualLoop replays Fit by hand, the documented shuffle
// (rand.New(rand.NewPCG(Seed, 0)).Shuffle on the identity, each epoch),
// batches with a short last one, and o.Step, and checks the history and the
// weights bit for bit.
func TestFitMatchesManualLoop(t *testing.T) {
	const n, bs, epochs, seed = 23, 5, 3, 11 // batches of 5, 5, 5, 5, 3
	x, y := xorData(n, 4)
	vx, vy := xorData(7, 5)
	acc := optim.ThresholdAccuracy(0)

	fitNet := xorNet(4, 6)
	h, err := optim.Fit(optim.New(fitNet, losses.NewMSE(), 0.3), x, y, optim.Config{
		BatchSize: bs, Epochs: epochs, Seed: seed, ValX: vx, ValY: vy, Accuracy: acc,
	})
	if err != nil {
		t.Fatal(err)
	}

	net := xorNet(4, 6)
	o := optim.New(net, losses.NewMSE(), 0.3)
	rng := rand.New(rand.NewPCG(seed, 0))
	perm := make([]int, n)
	for e := range epochs {
		for i := range perm {
			perm[i] = i
		}
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var sumLoss, sumAcc float64
		for lo := 0; lo < n; lo += bs {
			idx := perm[lo:min(lo+bs, n)]
			bx, by := tensor.New(len(idx), 2), tensor.New(len(idx), 1)
			for k, i := range idx {
				copy(bx.Row(k), x.Row(i))
				copy(by.Row(k), y.Row(i))
			}
			sumAcc += float64(len(idx)) * acc(by, net.Forward(bx))
			sumLoss += float64(len(idx)) * o.Step(bx, by)
		}
		var valLoss, valAcc float64
		for lo := 0; lo < vx.Shape[0]; lo += bs {
			hi := min(lo+bs, vx.Shape[0])
			bx := tensor.FromSlice(vx.Data[2*lo:2*hi], hi-lo, 2)
			by := tensor.FromSlice(vy.Data[lo:hi], hi-lo, 1)
			yhat := net.Forward(bx)
			valLoss += float64(hi-lo) * losses.NewMSE().Forward(by, yhat)
			valAcc += float64(hi-lo) * acc(by, yhat)
		}
		valLoss /= float64(vx.Shape[0])
		valAcc /= float64(vx.Shape[0])
		checks := []struct {
			name      string
			got, want float64
		}{
			{"TrainLoss", h.TrainLoss[e], sumLoss / n},
			{"TrainAccuracy", h.TrainAccuracy[e], sumAcc / n},
			{"ValLoss", h.ValLoss[e], valLoss},
			{"ValAccuracy", h.ValAccuracy[e], valAcc},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("epoch %d: %s = %v, replayed loop gives %v", e+1, c.name, c.got, c.want)
			}
		}
	}
	if !sameParams(fitNet, net) {
		t.Error("Fit's weights differ from the replayed loop's")
	}
	if len(h.EpochTime) != epochs || h.Time() <= 0 {
		t.Errorf("EpochTime %v, want %d positive durations", h.EpochTime, epochs)
	}
}

// TestFitDeterministicAcrossGOMAXPROCS trains the reference MLP with Adam,
// and with SGD and Nesterov momentum (whose update of the 256×128 weight
// runs in chunks on all the cores), under GOMAXPROCS 1, 2 and 4, and checks
// that the histories and the weights are the same bit for bit.
func TestFitDeterministicAcrossGOMAXPROCS(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	x := tensor.New(100, 256).FillUniform(rng, 0, 2)
	y := tensor.New(100, 10)
	for i := range 100 {
		y.Set(i, rng.IntN(10), 1)
	}
	optimizers := []struct {
		name string
		make func() optim.Optimizer
	}{
		{"Adam", func() optim.Optimizer { return optim.NewAdam(1e-3) }},
		{"SGD Nesterov", func() optim.Optimizer {
			s := optim.NewSGD(0.05)
			s.Momentum, s.Nesterov = 0.9, true
			return s
		}},
	}
	for _, opt := range optimizers {
		t.Run(opt.name, func(t *testing.T) {
			run := func(procs int) (*optim.History, layers.Module) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				net, _, _ := uspsMLP(4)
				o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0).WithOptimizer(opt.make())
				h, err := optim.Fit(o, x, y, optim.Config{BatchSize: 32, Epochs: 2, Seed: 1, ValX: x, ValY: y, Accuracy: optim.Accuracy})
				if err != nil {
					t.Fatal(err)
				}
				return h, net
			}
			h1, net1 := run(1)
			for _, procs := range []int{2, 4} {
				h2, net2 := run(procs)
				for _, c := range []struct {
					name string
					a, b []float64
				}{
					{"TrainLoss", h1.TrainLoss, h2.TrainLoss},
					{"TrainAccuracy", h1.TrainAccuracy, h2.TrainAccuracy},
					{"ValLoss", h1.ValLoss, h2.ValLoss},
					{"ValAccuracy", h1.ValAccuracy, h2.ValAccuracy},
				} {
					if !sameBits(c.a, c.b) {
						t.Errorf("%s differs: GOMAXPROCS=1 %v, GOMAXPROCS=%d %v", c.name, c.a, procs, c.b)
					}
				}
				if !sameParams(net1, net2) {
					t.Errorf("weights differ between GOMAXPROCS=1 and GOMAXPROCS=%d", procs)
				}
			}
		})
	}
}

// TestFitStopsOnNonFiniteLoss puts an infinite target in the data and checks
// that Fit stops at the batch holding it, with a LossError naming that
// epoch and batch, before the update that would have spread NaN into the
// weights.
func TestFitStopsOnNonFiniteLoss(t *testing.T) {
	const n, bs, bad, seed = 20, 6, 13, 5
	x, y := xorData(n, 6)
	y.Set(bad, 0, math.Inf(1))

	// The batch of example `bad` in epoch 1, from the documented shuffle.
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	rand.New(rand.NewPCG(seed, 0)).Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	wantBatch := 0
	for pos, i := range perm {
		if i == bad {
			wantBatch = pos/bs + 1
		}
	}

	net := xorNet(4, 7)
	h, err := optim.Fit(optim.New(net, losses.NewMSE(), 0.1), x, y, optim.Config{BatchSize: bs, Epochs: 3, Seed: seed})
	var le *optim.LossError
	if !errors.As(err, &le) {
		t.Fatalf("Fit returned %v, want a *LossError", err)
	}
	if le.Epoch != 1 || le.Batch != wantBatch || !math.IsInf(le.Loss, 1) {
		t.Errorf("LossError{Epoch: %d, Batch: %d, Loss: %v}, want epoch 1, batch %d, loss +Inf", le.Epoch, le.Batch, le.Loss, wantBatch)
	}
	t.Log(err)
	if len(h.TrainLoss) != 0 {
		t.Errorf("history has %d epochs, want 0", len(h.TrainLoss))
	}
	for _, p := range net.Parameters() {
		for _, v := range p.Value.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("parameter %s holds %v: the bad batch's update was applied", p.Name, v)
			}
		}
	}
}

// TestFitStopsOnNonFiniteGradient is issue 14's case: Linear(1,1) with
// w = 1, b = 0, ReLU, Linear(1,1), inputs 1, 2, −Inf, 3 in one batch of 4,
// one epoch. The −Inf input gives −Inf before the ReLU and 0 after it, so
// the loss is finite; but the first weight's gradient holds 0·(−Inf) = NaN.
// Fit must stop at that batch, name the parameter, and leave the weights as
// they were.
func TestFitStopsOnNonFiniteGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	net := layers.NewSequential(layers.NewLinear(1, 1, rng), layers.NewReLU(), layers.NewLinear(1, 1, rng))
	params := net.Parameters()
	for i, v := range []float64{1, 0, 0.5, 0.25} { // w₁, b₁, w₂, b₂
		params[i].Value.Data[0] = v
	}
	before := make([]float64, len(params))
	for i, p := range params {
		before[i] = p.Value.Data[0]
	}
	x := tensor.FromSlice([]float64{1, 2, math.Inf(-1), 3}, 4, 1)
	y := tensor.FromSlice([]float64{1, 2, 3, 4}, 4, 1)
	o := optim.New(net, losses.NewMSE(), 0.1)
	h, err := optim.Fit(o, x, y, optim.Config{BatchSize: 4, Epochs: 1, Seed: 1})
	var ne *optim.NonFiniteError
	if !errors.As(err, &ne) {
		t.Fatalf("Fit returned %v, want a *NonFiniteError", err)
	}
	if ne.Epoch != 1 || ne.Batch != 1 || ne.Param != params[0].Name || !ne.Gradient || ne.Index != 0 || !math.IsNaN(ne.Value) {
		t.Errorf("%+v, want epoch 1, batch 1, the gradient of %q, element 0, NaN", *ne, params[0].Name)
	}
	for _, want := range []string{`gradient of parameter "0.weight" is NaN`, "epoch 1, batch 1", "finite loss", "before that batch's update"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(h.TrainLoss) != 0 {
		t.Errorf("history has %d epochs, want 0", len(h.TrainLoss))
	}
	for i, p := range params {
		if p.Value.Data[0] != before[i] {
			t.Errorf("parameter %s is %v, was %v: the bad batch's update was made", p.Name, p.Value.Data[0], before[i])
		}
	}
}

// TestFitStopsOnNonFiniteParameter makes an update overflow from a finite
// loss and gradients, in the only batch of an epoch, so that no later loss
// can reveal it: Linear(1,1) with w = b = 0, x = 10, y = 1000, MSE, so
// ∂L/∂w = 2·(0 − 1000)·10 = −2·10⁴, and a learning rate of 10³⁰⁵ makes
// w = 2·10³⁰⁹ = +Inf. Fit must report the parameter at the end of the epoch.
func TestFitStopsOnNonFiniteParameter(t *testing.T) {
	net := layers.NewSequential(layers.NewLinear(1, 1, rand.New(rand.NewPCG(1, 1))))
	for _, p := range net.Parameters() {
		p.Value.Data[0] = 0
	}
	x := tensor.FromSlice([]float64{10}, 1, 1)
	y := tensor.FromSlice([]float64{1000}, 1, 1)
	h, err := optim.Fit(optim.New(net, losses.NewMSE(), 1e305), x, y, optim.Config{BatchSize: 1, Epochs: 3, Seed: 1})
	var ne *optim.NonFiniteError
	if !errors.As(err, &ne) {
		t.Fatalf("Fit returned %v, want a *NonFiniteError", err)
	}
	if ne.Epoch != 1 || ne.Batch != 1 || ne.Param != "0.weight" || ne.Gradient || ne.Index != 0 || !math.IsInf(ne.Value, 1) {
		t.Errorf("%+v, want epoch 1, batch 1, the value of 0.weight, element 0, +Inf", *ne)
	}
	if want := `parameter "0.weight" is +Inf (element 0) at the end of epoch 1, after batch 1`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if len(h.TrainLoss) != 0 {
		t.Errorf("history has %d epochs, want 0", len(h.TrainLoss))
	}
}

// TestFitCallbackAndSchedule checks that OnEpoch sees each epoch, that
// StopTraining ends Fit without error and another error is returned, and
// that the schedule is stepped once per epoch.
func TestFitCallbackAndSchedule(t *testing.T) {
	x, y := xorData(10, 8)
	errBoom := errors.New("boom")
	tests := []struct {
		name       string
		stopAt     int
		stopErr    error
		wantEpochs int
		wantErr    error
	}{
		{"all epochs", 0, nil, 5, nil},
		{"StopTraining", 2, optim.StopTraining, 2, nil},
		{"error", 3, errBoom, 3, errBoom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := optim.New(xorNet(3, 1), losses.NewMSE(), 0.8)
			var seen []int
			h, err := optim.Fit(o, x, y, optim.Config{
				BatchSize: 4, Epochs: 5,
				Schedule: optim.NewStepLR(o, 1, 0.5),
				OnEpoch: func(epoch int, h *optim.History) error {
					seen = append(seen, epoch)
					if len(h.TrainLoss) != epoch {
						t.Errorf("epoch %d: history holds %d epochs", epoch, len(h.TrainLoss))
					}
					if epoch == tc.stopAt {
						return tc.stopErr
					}
					return nil
				},
			})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Errorf("Fit returned error %v, want %v", err, tc.wantErr)
			}
			if len(h.TrainLoss) != tc.wantEpochs || len(seen) != tc.wantEpochs || seen[len(seen)-1] != tc.wantEpochs {
				t.Errorf("%d epochs recorded, callback saw %v; want %d", len(h.TrainLoss), seen, tc.wantEpochs)
			}
			if want := 0.8 * math.Pow(0.5, float64(tc.wantEpochs)); o.LR() != want {
				t.Errorf("learning rate %v after %d epochs, want %v", o.LR(), tc.wantEpochs, want)
			}
			if h.ValLoss != nil || h.TrainAccuracy != nil || h.ValAccuracy != nil {
				t.Error("history records validation or accuracy that was not asked for")
			}
		})
	}
}

// TestFitBatchLargerThanData checks that a batch size above the number of
// examples trains on one batch of all of them per epoch, the same as a
// batch size equal to it.
func TestFitBatchLargerThanData(t *testing.T) {
	x, y := xorData(9, 10)
	hist := make([][]float64, 0, 2)
	for _, bs := range []int{9, 100} {
		h, err := optim.Fit(optim.New(xorNet(3, 2), losses.NewMSE(), 0.1), x, y, optim.Config{BatchSize: bs, Epochs: 3})
		if err != nil {
			t.Fatal(err)
		}
		hist = append(hist, h.TrainLoss)
	}
	if !sameBits(hist[0], hist[1]) {
		t.Errorf("batch size 100 gives %v, batch size 9 gives %v", hist[1], hist[0])
	}
}

// TestFitPanicsOnBadConfig checks that programmer errors panic with a
// message naming Fit.
func TestFitPanicsOnBadConfig(t *testing.T) {
	x, y := xorData(4, 1)
	tests := []struct {
		name string
		x, y *tensor.Tensor
		cfg  optim.Config
	}{
		{"zero batch size", x, y, optim.Config{Epochs: 1}},
		{"negative epochs", x, y, optim.Config{BatchSize: 2, Epochs: -1}},
		{"rows differ", x, tensor.New(3, 1), optim.Config{BatchSize: 2, Epochs: 1}},
		{"no examples", tensor.New(0, 2), tensor.New(0, 1), optim.Config{BatchSize: 2, Epochs: 1}},
		{"validation without targets", x, y, optim.Config{BatchSize: 2, Epochs: 1, ValX: x}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || len(s) < 10 || s[:10] != "optim.Fit:" && s[:10] != "optim.Fit " {
					t.Errorf("panic %v, want a message from optim.Fit", r)
				}
			}()
			optim.Fit(optim.New(xorNet(2, 1), losses.NewMSE(), 0.1), tc.x, tc.y, tc.cfg)
		})
	}
}

package optim_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// stateConfigs are the optimizers whose state SaveState writes, each with
// settings that make the state matter.
var stateConfigs = []struct {
	name string
	opt  func() optim.Optimizer
}{
	{"SGD momentum dampening", func() optim.Optimizer {
		s := optim.NewSGD(0.05)
		s.Momentum, s.Dampening, s.WeightDecay = 0.9, 0.1, 1e-3
		return s
	}},
	{"SGD Nesterov", func() optim.Optimizer { s := optim.NewSGD(0.05); s.Momentum, s.Nesterov = 0.9, true; return s }},
	{"Adam", func() optim.Optimizer { return optim.NewAdam(0.01) }},
	{"Adam AMSGrad", func() optim.Optimizer { a := optim.NewAdam(0.01); a.AMSGrad, a.WeightDecay = true, 1e-2; return a }},
	{"AdamW", func() optim.Optimizer { return optim.NewAdamW(0.01) }},
}

// stateNet returns a small nested network, initialised from seed.
func stateNet(seed uint64) *layers.Sequential {
	r := rand.New(rand.NewPCG(seed, 1))
	return layers.NewSequential(
		layers.NewLinear(3, 5, r), layers.NewTanh(),
		layers.NewSequential(layers.NewLinear(5, 2, r)),
	)
}

// stateData returns a fixed regression problem.
func stateData() (x, y *tensor.Tensor) {
	r := rand.New(rand.NewPCG(7, 7))
	x, y = tensor.New(16, 3), tensor.New(16, 2)
	x.FillUniform(r, -1, 1)
	y.FillUniform(r, -1, 1)
	return x, y
}

func weights(m layers.Module) []float64 {
	var w []float64
	for _, p := range m.Parameters() {
		w = append(w, p.Value.Data...)
	}
	return w
}

// TestStateResumeIsExact trains 10 steps in one go and, with another
// network, 4 steps, a save of the parameters and the optimizer's state, a
// load into a fresh network and optimizer, and 6 more steps: the weights
// must be the same, bit for bit. Without LoadState they must not be (the
// test can fail).
func TestStateResumeIsExact(t *testing.T) {
	x, y := stateData()
	for _, c := range stateConfigs {
		t.Run(c.name, func(t *testing.T) {
			whole := stateNet(1)
			o := optim.New(whole, losses.NewMSE(), 0).WithOptimizer(c.opt())
			for range 10 {
				o.Step(x, y)
			}

			first := stateNet(1)
			opt := c.opt()
			o = optim.New(first, losses.NewMSE(), 0).WithOptimizer(opt)
			for range 4 {
				o.Step(x, y)
			}
			var model, state bytes.Buffer
			if err := optim.Save(&model, first); err != nil {
				t.Fatal(err)
			}
			if err := optim.SaveState(&state, opt, first); err != nil {
				t.Fatal(err)
			}
			stateBytes := bytes.Clone(state.Bytes())

			for _, restore := range []bool{true, false} {
				resumed := stateNet(2) // other initial weights, overwritten by Load
				opt2 := c.opt()
				if err := optim.Load(bytes.NewReader(model.Bytes()), resumed); err != nil {
					t.Fatal(err)
				}
				if restore {
					if err := optim.LoadState(bytes.NewReader(stateBytes), opt2, resumed); err != nil {
						t.Fatal(err)
					}
				}
				o := optim.New(resumed, losses.NewMSE(), 0).WithOptimizer(opt2)
				for range 6 {
					o.Step(x, y)
				}
				got, want := weights(resumed), weights(whole)
				same := true
				for i := range got {
					same = same && math.Float64bits(got[i]) == math.Float64bits(want[i])
				}
				if restore && !same {
					t.Errorf("resumed training differs from the uninterrupted one: %v, want %v", got[:4], want[:4])
				}
				if !restore && same {
					t.Errorf("resuming without the optimizer's state gave the same weights: the state did not matter")
				}
			}
		})
	}
}

// stateNames returns the entry names of a state checkpoint, by loading it
// as the parameters of a module that has exactly those names.
func stateNames(t *testing.T, opt optim.Optimizer, m layers.Module) []string {
	t.Helper()
	var b bytes.Buffer
	if err := optim.SaveState(&b, opt, m); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	n := int(data[12])
	var names []string
	off := 16
	for range n {
		l := int(data[off])
		names = append(names, string(data[off+4:off+4+l]))
		rank := int(data[off+4+l])
		off += 4 + l + 4 + 8*rank
	}
	return names
}

// TestStateEntries checks the entries' names (PyTorch's keys after the
// parameter's name): none before the first step, then one set per
// parameter.
func TestStateEntries(t *testing.T) {
	x, y := stateData()
	cases := []struct {
		config int
		want   string
	}{
		{0, "0.weight.momentum_buffer 0.bias.momentum_buffer 2.0.weight.momentum_buffer 2.0.bias.momentum_buffer"},
		{2, "0.weight.step 0.weight.exp_avg 0.weight.exp_avg_sq 0.bias.step 0.bias.exp_avg 0.bias.exp_avg_sq " +
			"2.0.weight.step 2.0.weight.exp_avg 2.0.weight.exp_avg_sq 2.0.bias.step 2.0.bias.exp_avg 2.0.bias.exp_avg_sq"},
		{3, "0.weight.step 0.weight.exp_avg 0.weight.exp_avg_sq 0.weight.max_exp_avg_sq 0.bias.step 0.bias.exp_avg " +
			"0.bias.exp_avg_sq 0.bias.max_exp_avg_sq 2.0.weight.step 2.0.weight.exp_avg 2.0.weight.exp_avg_sq " +
			"2.0.weight.max_exp_avg_sq 2.0.bias.step 2.0.bias.exp_avg 2.0.bias.exp_avg_sq 2.0.bias.max_exp_avg_sq"},
	}
	for _, c := range cases {
		net, opt := stateNet(1), stateConfigs[c.config].opt()
		if got := stateNames(t, opt, net); len(got) != 0 {
			t.Errorf("%s before any step: entries %v, want none", stateConfigs[c.config].name, got)
		}
		optim.New(net, losses.NewMSE(), 0).WithOptimizer(opt).Step(x, y)
		if got := strings.Join(stateNames(t, opt, net), " "); got != c.want {
			t.Errorf("%s: entries\n%s\nwant\n%s", stateConfigs[c.config].name, got, c.want)
		}
	}
	// SGD without momentum keeps nothing.
	net, opt := stateNet(1), optim.NewSGD(0.1)
	optim.New(net, losses.NewMSE(), 0).WithOptimizer(opt).Step(x, y)
	if got := stateNames(t, opt, net); len(got) != 0 {
		t.Errorf("plain SGD: entries %v, want none", got)
	}
}

// craftState builds a state checkpoint for a module holding one parameter
// "w" of shape 2, from entries, with Save on a module of those names.
func craftState(t *testing.T, entries map[string][]float64) []byte {
	t.Helper()
	m := &paramModule{}
	for _, name := range []string{"w.step", "w.exp_avg", "w.exp_avg_sq", "w.max_exp_avg_sq", "w.momentum_buffer", "v.exp_avg", "w.beta", "w"} {
		if v, ok := entries[name]; ok {
			p := layers.NewParameter(name, len(v))
			if name == "w.step" || name == "w.beta" {
				p = layers.NewParameter(name) // a scalar, rank 0
			}
			copy(p.Value.Data, v)
			m.params = append(m.params, p)
		}
	}
	var b bytes.Buffer
	if err := optim.Save(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLoadStateErrors feeds LoadState states that do not fit, and checks
// the error and that the optimizer's state is left as it was.
func TestLoadStateErrors(t *testing.T) {
	w := layers.NewParameter("w", 2)
	m := &paramModule{params: []*layers.Parameter{w}}
	good := map[string][]float64{"w.step": {3}, "w.exp_avg": {0.1, 0.2}, "w.exp_avg_sq": {0.01, 0.04}}
	with := func(name string, v []float64) map[string][]float64 {
		e := map[string][]float64{}
		for k, x := range good {
			e[k] = x
		}
		if v == nil {
			delete(e, name)
		} else {
			e[name] = v
		}
		return e
	}
	cases := []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"not a checkpoint", []byte("hello, world"), optim.ErrBadCheckpoint, "not an nndiy checkpoint"},
		{"a model's checkpoint", craftState(t, map[string][]float64{"w": {1, 2}}), optim.ErrCheckpointMismatch, `entry "w" that is not <parameter>.<key>`},
		{"unknown parameter", craftState(t, with("v.exp_avg", []float64{1, 2})), optim.ErrCheckpointMismatch, `"v.exp_avg" that is not`},
		{"unknown key", craftState(t, with("w.beta", []float64{0.9})), optim.ErrCheckpointMismatch, `keeps no "beta"`},
		{"SGD's key", craftState(t, with("w.momentum_buffer", []float64{1, 2})), optim.ErrCheckpointMismatch, `keeps no "momentum_buffer"`},
		{"missing moment", craftState(t, with("w.exp_avg_sq", nil)), optim.ErrCheckpointMismatch, `"w" has no "exp_avg_sq"`},
		{"missing step", craftState(t, with("w.step", nil)), optim.ErrCheckpointMismatch, `"w" has no "step"`},
		{"fractional step", craftState(t, with("w.step", []float64{2.5})), optim.ErrBadCheckpoint, "step 2.5"},
		{"negative step", craftState(t, with("w.step", []float64{-1})), optim.ErrBadCheckpoint, "step -1"},
		{"NaN step", craftState(t, with("w.step", []float64{math.NaN()})), optim.ErrBadCheckpoint, "step NaN"},
		{"truncated", craftState(t, good)[:40], optim.ErrBadCheckpoint, "truncated"},
	}
	// The optimizer's state before each load: one step from zero.
	opt := optim.NewAdam(0.1)
	w.Grad.Data[0], w.Grad.Data[1] = 1, -1
	opt.Step(m.Parameters())
	var before bytes.Buffer
	if err := optim.SaveState(&before, opt, m); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		err := optim.LoadState(bytes.NewReader(c.data), opt, m)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %v, want %v containing %q", c.name, err, c.want, c.msg)
		}
		var after bytes.Buffer
		if err := optim.SaveState(&after, opt, m); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before.Bytes(), after.Bytes()) {
			t.Errorf("%s: the failed load changed the optimizer's state", c.name)
		}
	}
	// The good state loads, and replaces the one there was.
	if err := optim.LoadState(bytes.NewReader(craftState(t, good)), opt, m); err != nil {
		t.Fatalf("good state: %v", err)
	}
	var after bytes.Buffer
	if err := optim.SaveState(&after, opt, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after.Bytes(), craftState(t, good)) {
		t.Errorf("SaveState after LoadState does not give back the loaded checkpoint")
	}
}

// customOptimizer is an Optimizer from outside the package.
type customOptimizer struct{}

func (customOptimizer) Step(params []*layers.Parameter)     {}
func (customOptimizer) ZeroGrad(params []*layers.Parameter) {}
func (customOptimizer) LR() float64                         { return 0.1 }
func (customOptimizer) SetLR(lr float64)                    {}

func TestStateOfOtherOptimizers(t *testing.T) {
	m := stateNet(1)
	if err := optim.SaveState(&bytes.Buffer{}, customOptimizer{}, m); err == nil || !strings.Contains(err.Error(), "customOptimizer") {
		t.Errorf("SaveState of a custom optimizer: error %v", err)
	}
	if err := optim.LoadState(bytes.NewReader(nil), customOptimizer{}, m); err == nil || !strings.Contains(err.Error(), "customOptimizer") {
		t.Errorf("LoadState into a custom optimizer: error %v", err)
	}
}

// TestStateFiles round-trips through SaveStateFile and LoadStateFile, and
// checks that LoadStateFile rejects trailing bytes.
func TestStateFiles(t *testing.T) {
	x, y := stateData()
	net, opt := stateNet(1), optim.NewAdamW(0.01)
	optim.New(net, losses.NewMSE(), 0).WithOptimizer(opt).Step(x, y)
	path := filepath.Join(t.TempDir(), "opt.ckpt")
	if err := optim.SaveStateFile(path, opt, net); err != nil {
		t.Fatal(err)
	}
	opt2 := optim.NewAdamW(0.01)
	if err := optim.LoadStateFile(path, opt2, net); err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	optim.SaveState(&a, opt, net)
	optim.SaveState(&b, opt2, net)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the state read back differs from the state written")
	}
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(data, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := optim.LoadStateFile(path, opt2, net); !errors.Is(err, optim.ErrBadCheckpoint) {
		t.Errorf("trailing byte: error %v", err)
	}
}

// FuzzLoadState feeds arbitrary bytes to LoadState for Adam with AMSGrad:
// it must return an error or a state that SaveState writes back to the
// same bytes, and never panic.
func FuzzLoadState(f *testing.F) {
	x, y := stateData()
	net := stateNet(1)
	opt := stateConfigs[3].opt()
	optim.New(net, losses.NewMSE(), 0).WithOptimizer(opt).Step(x, y)
	var seed bytes.Buffer
	if err := optim.SaveState(&seed, opt, net); err != nil {
		f.Fatal(err)
	}
	f.Add(seed.Bytes())
	f.Add([]byte(optim.CheckpointMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := stateConfigs[3].opt()
		if err := optim.LoadState(bytes.NewReader(data), opt, net); err != nil {
			return
		}
		var back bytes.Buffer
		if err := optim.SaveState(&back, opt, net); err != nil {
			t.Fatal(err)
		}
		// The entries may come back in another order; the same size and
		// a second round trip to the same bytes are what must hold.
		opt2 := stateConfigs[3].opt()
		if err := optim.LoadState(bytes.NewReader(back.Bytes()), opt2, net); err != nil {
			t.Fatalf("the state written back does not load: %v", err)
		}
		var again bytes.Buffer
		optim.SaveState(&again, opt2, net)
		if !bytes.Equal(back.Bytes(), again.Bytes()) || back.Len() > len(data) {
			t.Errorf("round trip: %d bytes read, %d written, %d written again", len(data), back.Len(), again.Len())
		}
	})
}

// TestFitResumeIsExact runs Fit for 6 epochs (Adam, a cosine schedule,
// validation), and again as 3 epochs, a save of the parameters and of
// Adam's state, and a resumed Fit with StartEpoch 3 on a fresh network,
// optimizer and schedule: the last 3 epochs' history and the final weights
// must be the same, bit for bit. Restarting without StartEpoch must not
// give them (the test can fail).
func TestFitResumeIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	x, y := tensor.New(40, 3), tensor.New(40, 2)
	x.FillUniform(r, -1, 1)
	y.FillUniform(r, -1, 1)
	vx, vy := x.Clone(), y.Clone()
	vx.FillUniform(r, -1, 1)
	config := func(o *optim.Optim, epochs, start int) optim.Config {
		return optim.Config{BatchSize: 7, Epochs: epochs, Seed: 11, ValX: vx, ValY: vy, StartEpoch: start,
			Schedule: optim.NewCosineAnnealingLR(o, 6, 0.001)}
	}
	newRun := func(seed uint64) (*layers.Sequential, *optim.Adam, *optim.Optim) {
		net, adam := stateNet(seed), optim.NewAdam(0.02)
		return net, adam, optim.New(net, losses.NewMSE(), 0).WithOptimizer(adam)
	}

	whole, _, o := newRun(1)
	hWhole, err := optim.Fit(o, x, y, config(o, 6, 0))
	if err != nil {
		t.Fatal(err)
	}

	first, adam, o := newRun(1)
	if _, err := optim.Fit(o, x, y, config(o, 3, 0)); err != nil {
		t.Fatal(err)
	}
	var model, state bytes.Buffer
	if err := optim.Save(&model, first); err != nil {
		t.Fatal(err)
	}
	if err := optim.SaveState(&state, adam, first); err != nil {
		t.Fatal(err)
	}

	for _, start := range []int{3, 0} {
		resumed, adam2, o2 := newRun(2)
		if err := optim.Load(bytes.NewReader(model.Bytes()), resumed); err != nil {
			t.Fatal(err)
		}
		if err := optim.LoadState(bytes.NewReader(state.Bytes()), adam2, resumed); err != nil {
			t.Fatal(err)
		}
		epochs := 6
		if start == 0 {
			epochs = 3 // a restart: 3 more epochs from a fresh shuffle and schedule
		}
		var seen []int
		c := config(o2, epochs, start)
		c.OnEpoch = func(epoch int, h *optim.History) error { seen = append(seen, epoch); return nil }
		h, err := optim.Fit(o2, x, y, c)
		if err != nil {
			t.Fatal(err)
		}
		same := len(h.TrainLoss) == 3
		for i := range h.TrainLoss {
			same = same && h.TrainLoss[i] == hWhole.TrainLoss[3+i] && h.ValLoss[i] == hWhole.ValLoss[3+i]
		}
		w, ww := weights(resumed), weights(whole)
		for i := range w {
			same = same && math.Float64bits(w[i]) == math.Float64bits(ww[i])
		}
		switch {
		case start == 3 && !same:
			t.Errorf("resumed Fit: losses %v, want %v; or weights differ", h.TrainLoss, hWhole.TrainLoss[3:])
		case start == 3 && (len(seen) != 3 || seen[0] != 4 || seen[2] != 6):
			t.Errorf("resumed Fit called OnEpoch with epochs %v, want 4 5 6", seen)
		case start == 0 && same:
			t.Errorf("a restart without StartEpoch gave the same run: the test cannot fail")
		}
	}
}

func TestFitStartEpochPanics(t *testing.T) {
	x, y := stateData()
	o := optim.New(stateNet(1), losses.NewMSE(), 0.1)
	for _, start := range []int{-1, 4} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "start epoch") {
					t.Errorf("StartEpoch %d of 3: recovered %v", start, r)
				}
			}()
			optim.Fit(o, x, y, optim.Config{BatchSize: 4, Epochs: 3, StartEpoch: start})
		}()
	}
}

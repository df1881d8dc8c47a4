package layers_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// exactTol is the tolerance of results that must agree to the last few
// bits: the same arithmetic done in two ways.
const exactTol = 1e-15

// mustPanic runs f and returns the message it panicked with, failing t if
// it did not panic.
func mustPanic(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("did not panic")
		}
		msg, _ = r.(string)
	}()
	f()
	return ""
}

// TestShapePanics checks that every shape mismatch panics with a message
// naming the module and both shapes.
func TestShapePanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	lin := layers.NewLinear(4, 3, rng)
	x := tensor.New(5, 4)
	lin.Forward(x)
	seq := layers.NewSequential(layers.NewLinear(4, 3, rng), layers.NewTanh())
	seq.Forward(x)
	elementwise := map[string]layers.Module{
		"Tanh": layers.NewTanh(), "Sigmoid": layers.NewSigmoid(), "ReLU": layers.NewReLU(),
		"Softmax": layers.NewSoftmax(), "LogSoftmax": layers.NewLogSoftmax(),
	}
	tests := []struct {
		name string
		f    func()
		want []string // substrings of the message
	}{
		{"Linear.Forward", func() { lin.Forward(tensor.New(5, 3)) },
			[]string{"layers.Linear.Forward", "[5 3]", "[4 3]"}},
		{"Linear.Forward1D", func() { lin.Forward(tensor.New(4)) },
			[]string{"layers.Linear.Forward", "[4]", "[4 3]"}},
		{"Linear.BackwardDelta/delta", func() { lin.BackwardDelta(x, tensor.New(5, 2)) },
			[]string{"layers.Linear.BackwardDelta", "delta shape [5 2]", "output shape [5 3]"}},
		{"Linear.BackwardDelta/batch", func() { lin.BackwardDelta(x, tensor.New(4, 3)) },
			[]string{"layers.Linear.BackwardDelta", "[4 3]", "[5 3]"}},
		{"Linear.BackwardUpdateGradient/delta", func() { lin.BackwardUpdateGradient(x, tensor.New(5, 4)) },
			[]string{"layers.Linear.BackwardUpdateGradient", "[5 4]", "[5 3]"}},
		{"Linear.BackwardUpdateGradient/input", func() { lin.BackwardUpdateGradient(tensor.New(5, 2), tensor.New(5, 3)) },
			[]string{"layers.Linear.BackwardUpdateGradient", "[5 2]", "[4 3]"}},
		{"NewLinear", func() { layers.NewLinear(0, 3, rng) },
			[]string{"layers.NewLinear:", "in=0 out=3"}},
		{"NewLinearNoBias", func() { layers.NewLinearNoBias(4, -1, rng) },
			[]string{"layers.NewLinearNoBias:", "in=4 out=-1"}},
		{"Softmax.Forward1D", func() { layers.NewSoftmax().Forward(tensor.New(4)) },
			[]string{"layers.Softmax.Forward", "[4]"}},
		{"LogSoftmax.Forward3D", func() { layers.NewLogSoftmax().Forward(tensor.New(2, 2, 2)) },
			[]string{"layers.LogSoftmax.Forward", "[2 2 2]"}},
		{"Sequential.Backward/input", func() { seq.Backward(tensor.New(4, 4), tensor.New(4, 3)) },
			[]string{"layers.Sequential.Backward", "[4 4]", "[5 4]"}},
		{"Sequential.Backward/delta", func() { seq.Backward(x, tensor.New(5, 2)) },
			[]string{"layers.Tanh.BackwardDelta", "[5 2]", "[5 3]"}},
		{"Sequential.BackwardDelta/beforeForward", func() {
			layers.NewSequential(layers.NewTanh()).BackwardDelta(x, x)
		}, []string{"layers.Sequential.BackwardDelta", "Forward"}},
	}
	for name, m := range elementwise {
		tests = append(tests, struct {
			name string
			f    func()
			want []string
		}{name + ".BackwardDelta", func() {
			x := tensor.New(3, 4)
			m.Forward(x)
			m.BackwardDelta(x, tensor.New(4, 3))
		}, []string{"layers." + name + ".BackwardDelta", "[4 3]", "[3 4]"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := mustPanic(t, tt.f)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic message %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestLinearInit checks PyTorch's default initialisation: weights and
// biases uniform in [−1/√in, 1/√in).
func TestLinearInit(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const in, out = 64, 200
	l := layers.NewLinear(in, out, rng)
	bound := 1 / math.Sqrt(in)
	for _, p := range l.Parameters() {
		lo, hi, sum, sq := math.Inf(1), math.Inf(-1), 0.0, 0.0
		for _, v := range p.Value.Data {
			lo, hi = min(lo, v), max(hi, v)
			sum += v
			sq += v * v
		}
		n := float64(p.Value.Len())
		if lo < -bound || hi >= bound {
			t.Errorf("%s: values in [%g, %g], want within ±%g", p.Name, lo, hi, bound)
		}
		// Uniform on [−b, b): the extremes are close to ±b, the mean is
		// 0 ± b/√(3n) and the variance b²/3 (standard errors of the sample).
		if lo > -0.9*bound || hi < 0.9*bound {
			t.Errorf("%s: values in [%g, %g] do not fill ±%g", p.Name, lo, hi, bound)
		}
		if mean := sum / n; math.Abs(mean) > 4*bound/math.Sqrt(3*n) {
			t.Errorf("%s: mean %g too far from 0", p.Name, mean)
		}
		if v := sq / n; math.Abs(v-bound*bound/3) > 4*bound*bound/math.Sqrt(5*n) {
			t.Errorf("%s: mean square %g, want about %g", p.Name, v, bound*bound/3)
		}
	}
	if got := [...]string{l.Parameters()[0].Name, l.Parameters()[1].Name}; got != [...]string{"weight", "bias"} {
		t.Errorf("parameter names %v", got)
	}
	if s := l.Weight.Value.Shape; s[0] != in || s[1] != out {
		t.Errorf("weight shape %v, want [%d %d]", s, in, out)
	}
	if s := l.Bias.Value.Shape; s[0] != 1 || s[1] != out {
		t.Errorf("bias shape %v, want [1 %d]", s, out)
	}
	nb := layers.NewLinearNoBias(3, 2, rng)
	if nb.Bias != nil || len(nb.Parameters()) != 1 || nb.Parameters()[0].Name != "weight" {
		t.Errorf("NewLinearNoBias: bias %v, parameters %v", nb.Bias, nb.Parameters())
	}
	// The same seed gives the same layer.
	a := layers.NewLinear(5, 4, rand.New(rand.NewPCG(1, 2)))
	b := layers.NewLinear(5, 4, rand.New(rand.NewPCG(1, 2)))
	if !tensor.AllClose(a.Weight.Value, b.Weight.Value, 0, 0) || !tensor.AllClose(a.Bias.Value, b.Bias.Value, 0, 0) {
		t.Error("same seed, different layers")
	}
}

// TestLinearForward checks Y = X·W + b on numbers worked out by hand.
func TestLinearForward(t *testing.T) {
	l := layers.NewLinear(2, 3, rand.New(rand.NewPCG(0, 0)))
	copy(l.Weight.Value.Data, []float64{1, 2, 3, 4, 5, 6})
	copy(l.Bias.Value.Data, []float64{0.5, -1, 0})
	x := tensor.FromSlice([]float64{1, 0, 0, 1, 1, -1}, 3, 2)
	want := tensor.FromSlice([]float64{1.5, 1, 3, 4.5, 4, 6, -2.5, -4, -3}, 3, 3)
	if got := l.Forward(x); !tensor.AllClose(got, want, 0, 0) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestSpecialCases checks the special cases the doc comments list.
func TestSpecialCases(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name    string
		m       layers.Module
		x, want []float64
		shape   []int
	}{
		{"Sigmoid", layers.NewSigmoid(),
			[]float64{inf, -inf, nan, 1000, -1000, 37, 0},
			[]float64{1, 0, nan, 1, 0, 1, 0.5}, nil},
		{"Tanh", layers.NewTanh(),
			[]float64{inf, -inf, nan, 1000, -1000, 0},
			[]float64{1, -1, nan, 1, -1, 0}, nil},
		{"ReLU", layers.NewReLU(),
			[]float64{inf, -inf, nan, 3, -3, 0},
			[]float64{inf, 0, nan, 3, 0, 0}, nil},
		{"SoftmaxNegInf", layers.NewSoftmax(),
			[]float64{-inf, 0, 0, -inf, -inf, -inf, inf, 0, 0},
			[]float64{0, 0.5, 0.5, nan, nan, nan, nan, nan, nan}, []int{3, 3}},
		{"LogSoftmaxNegInf", layers.NewLogSoftmax(),
			[]float64{-inf, 0, 0, -inf, -inf, -inf, inf, 0, 0},
			[]float64{-inf, -math.Ln2, -math.Ln2, nan, nan, nan, nan, nan, nan}, []int{3, 3}},
		{"LogSoftmaxLarge", layers.NewLogSoftmax(),
			[]float64{1000, -1000, 0},
			[]float64{0, -2000, -1000}, []int{1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shape := tt.shape
			if shape == nil {
				shape = []int{len(tt.x)}
			}
			y := tt.m.Forward(tensor.FromSlice(tt.x, shape...))
			for i, w := range tt.want {
				if g := y.Data[i]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
					t.Errorf("%s(%v) = %v, want %v", tt.name, tt.x[i], g, w)
				}
			}
		})
	}
}

// TestSigmoidSaturation checks where σ rounds to exactly 1 and 0, and that
// its derivative there is 0 and never NaN.
//
// Near 0, σ(x) = exp(x)/(1 + exp(x)) is exp(x), and every build of math.Exp
// guarantees exp(−744) > 0 and exp(−746) = 0. Between them lies the last
// subnormal, 2⁻¹⁰⁷⁴ ≈ 4.9e−324, where the builds differ: amd64's rounds
// exp(x) to it down to x = −745.13 (correctly: e⁻⁷⁴⁵ ≈ 0.57·2⁻¹⁰⁷⁴), arm64's
// assembly flushes to 0 below x = −744.73. So σ(−745) is not tested.
func TestSigmoidSaturation(t *testing.T) {
	s := layers.NewSigmoid()
	x := tensor.FromSlice([]float64{36.7, 37, 1000, -744, -746, -1000}, 1, 6)
	y := s.Forward(x).Clone()
	if !(y.Data[0] < 1) || y.Data[1] != 1 || y.Data[2] != 1 {
		t.Errorf("σ(36.7), σ(37), σ(1000) = %v, want < 1, 1, 1", y.Data[:3])
	}
	if !(y.Data[3] > 0) || y.Data[4] != 0 || y.Data[5] != 0 {
		t.Errorf("σ(−744), σ(−746), σ(−1000) = %v, want > 0, 0, 0", y.Data[3:])
	}
	dx := s.BackwardDelta(x, tensor.New(1, 6).Fill(1))
	for i, d := range dx.Data {
		if math.IsNaN(d) || d < 0 || (i != 0 && i != 3 && d != 0) {
			t.Errorf("σ′(%v) = %v", x.Data[i], d)
		}
	}
}

// TestBackwardWithOtherInput checks that modules saving their output give
// the right gradient when BackwardDelta receives another tensor than the
// latest Forward, and the same gradient as for the saved one.
func TestBackwardWithOtherInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, m := range []layers.Module{layers.NewTanh(), layers.NewSigmoid(), layers.NewSoftmax(), layers.NewLogSoftmax(), layers.NewReLU()} {
		x := tensor.New(3, 4).FillNormal(rng, 0, 1)
		delta := tensor.New(3, 4).FillNormal(rng, 0, 1)
		m.Forward(x)
		want := m.BackwardDelta(x, delta).Clone()
		m.Forward(tensor.New(3, 4).FillNormal(rng, 0, 1))
		if got := m.BackwardDelta(x.Clone(), delta); !tensor.AllClose(got, want, 0, 0) {
			t.Errorf("%T: got %v, want %v", m, got, want)
		}
	}
}

// TestBufferReuse checks that Forward reuses its buffer, across batch sizes
// too, and still computes the right values.
func TestBufferReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	l := layers.NewLinear(4, 3, rng)
	big := tensor.New(8, 4).FillNormal(rng, 0, 1)
	small := tensor.FromSlice(append([]float64(nil), big.Data[:3*4]...), 3, 4)
	y8 := l.Forward(big).Clone()
	out := l.Forward(small)
	if out.Rows() != 3 || !tensor.AllClose(out, tensor.FromSlice(y8.Data[:9], 3, 3), 0, 0) {
		t.Errorf("small batch: got %v, want the first rows of %v", out, y8)
	}
	if again := l.Forward(big); again != out || !tensor.AllClose(again, y8, 0, 0) {
		t.Errorf("buffer not reused or wrong values after growing back: %v", again)
	}
}

// TestSequentialParameters checks the path names and that the views share
// the modules' tensors.
func TestSequentialParameters(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	inner := layers.NewSequential(layers.NewLinear(3, 3, rng), layers.NewTanh(), layers.NewLinearNoBias(3, 2, rng))
	first := layers.NewLinear(2, 3, rng)
	s := layers.NewSequential(first, inner)
	var names []string
	for _, p := range s.Parameters() {
		names = append(names, p.Name)
	}
	if got, want := strings.Join(names, " "), "0.weight 0.bias 1.0.weight 1.0.bias 1.2.weight"; got != want {
		t.Errorf("names %q, want %q", got, want)
	}
	p := s.Parameters()[0]
	if p.Value != first.Weight.Value || p.Grad != first.Weight.Grad {
		t.Error("0.weight does not share the Linear's tensors")
	}
	if s.Parameters()[0] != p {
		t.Error("Parameters returns new views on each call")
	}
	s.Add(layers.NewLinear(2, 1, rng))
	if ps := s.Parameters(); len(ps) != 7 || ps[0] != p || ps[6].Name != "2.bias" {
		t.Errorf("after Add: %d parameters, last %q", len(ps), ps[len(ps)-1].Name)
	}
	if layers.NewSequential(layers.NewTanh()).Parameters() != nil {
		t.Error("a Sequential without parameters should return nil")
	}
}

// TestSequentialBackward checks that Backward is BackwardUpdateGradient
// followed by BackwardDelta, that gradients accumulate until ZeroGrad, and
// that UpdateParameters steps against the gradient.
func TestSequentialBackward(t *testing.T) {
	newNet := func() *layers.Sequential {
		rng := rand.New(rand.NewPCG(5, 5))
		return layers.NewSequential(
			layers.NewSequential(layers.NewLinear(4, 5, rng), layers.NewTanh()),
			layers.NewLinear(5, 3, rng))
	}
	rng := rand.New(rand.NewPCG(6, 6))
	x := tensor.New(6, 4).FillNormal(rng, 0, 1)
	delta := tensor.New(6, 3).FillNormal(rng, 0, 1)

	a, b := newNet(), newNet()
	a.Forward(x)
	dxA := a.Backward(x, delta).Clone()
	b.Forward(x)
	b.BackwardUpdateGradient(x, delta)
	dxB := b.BackwardDelta(x, delta)
	if !tensor.AllClose(dxA, dxB, 0, 0) {
		t.Errorf("dx: Backward %v, BackwardDelta %v", dxA, dxB)
	}
	pa, pb := a.Parameters(), b.Parameters()
	for i := range pa {
		if !tensor.AllClose(pa[i].Grad, pb[i].Grad, 0, 0) {
			t.Errorf("%s: gradients differ", pa[i].Name)
		}
	}

	// A second backward pass doubles the gradients; BackwardDelta alone
	// leaves them alone.
	once := pa[0].Grad.Clone()
	a.Backward(x, delta)
	a.BackwardDelta(x, delta)
	if !tensor.AllClose(pa[0].Grad, tensor.Scale(nil, once, 2), exactTol, 0) {
		t.Error("gradients do not accumulate")
	}

	before := pa[0].Value.Clone()
	a.UpdateParameters(0.1)
	want := tensor.AddScaled(nil, before, -0.1, pa[0].Grad)
	if !tensor.AllClose(pa[0].Value, want, 0, 0) {
		t.Error("UpdateParameters did not take θ −= lr·grad")
	}
	a.ZeroGrad()
	for _, p := range pa {
		if tensor.MaxAbsDiff(p.Grad, tensor.New(p.Grad.Shape...)) != 0 {
			t.Errorf("%s: ZeroGrad left a non-zero gradient", p.Name)
		}
	}
}

// TestTrainingStepAllocs checks that a whole training step, forward,
// loss, backward and update, allocates nothing once the buffers exist.
func TestTrainingStepAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	net := layers.NewSequential(
		layers.NewLinear(16, 12, rng), layers.NewTanh(),
		layers.NewSequential(layers.NewLinear(12, 8, rng), layers.NewReLU(), layers.NewLinear(8, 8, rng), layers.NewSigmoid()),
		layers.NewLinear(8, 4, rng), layers.NewSoftmax(), layers.NewLogSoftmax())
	loss := losses.NewMSE()
	x := tensor.New(32, 16).FillNormal(rng, 0, 1)
	y := tensor.New(32, 4).FillUniform(rng, 0, 1)
	step := func() {
		net.ZeroGrad()
		yhat := net.Forward(x)
		loss.Forward(y, yhat)
		net.Backward(x, loss.Backward(y, yhat))
		net.UpdateParameters(0.01)
	}
	step()
	if n := testing.AllocsPerRun(20, step); n != 0 {
		t.Errorf("a training step allocates %v times, want 0", n)
	}
}

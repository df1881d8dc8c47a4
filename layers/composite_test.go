package layers_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/layers/gradcheck"
	"github.com/nndiy/nndiy/tensor"
)

// This file tests Concat, TransposeImage and TiedLinear: values worked out
// by hand, finite differences, parameter names and sharing, panics.
// composite_golden_test.go checks them against PyTorch.

// TestCompositeGradients runs the three modules, alone and in networks,
// through the finite-difference checker.
func TestCompositeGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 1))
	enc := layers.NewLinear(6, 3, rng)
	tests := []struct {
		name string
		m    layers.Module
		in   []int
	}{
		{"ConcatFeatures", layers.NewConcat(
			layers.NewSequential(layers.NewLinear(4, 3, rng), layers.NewTanh()),
			layers.NewLinear(4, 2, rng), layers.NewSigmoid()), []int{5, 4}},
		{"ConcatChannels", layers.NewConcat(
			layers.NewConv1D(3, 2, 3, 1, rng),
			layers.NewSequential(layers.NewConv1D(3, 2, 2, 1, rng), layers.NewTanh())), []int{2, 8, 2}},
		{"TwoBranchConv1D", layers.NewSequential(
			layers.NewConcat(
				layers.NewSequential(layers.NewConv1D(3, 1, 2, 1, rng), layers.NewAvgPool1D(2, 2), layers.NewFlatten()),
				layers.NewSequential(layers.NewTransposeImage(4, 3), layers.NewConv1D(3, 1, 2, 1, rng), layers.NewAvgPool1D(2, 2), layers.NewFlatten())),
			layers.NewLinear(20, 4, rng), layers.NewTanh(), layers.NewLinear(4, 2, rng)), []int{3, 12, 1}},
		{"TransposeImageFlat", layers.NewTransposeImage(4, 3), []int{2, 12}},
		{"TransposeImageChannels", layers.NewTransposeImage(3, 4), []int{2, 12, 2}},
		{"TransposeImageAxes", layers.NewTransposeImage(4, 3), []int{2, 4, 3, 2}},
		{"TiedLinearBias", layers.NewTiedLinear(layers.NewLinear(5, 3, rng), rng), []int{4, 3}},
		{"TiedLinearWeight", tiedWithWeight{layers.NewTiedLinear(layers.NewLinear(5, 3, rng), rng)}, []int{4, 3}},
		// W is used twice: its finite difference moves both uses, and its
		// gradient must be the sum of both.
		{"TiedAutoEncoder", layers.NewSequential(enc, layers.NewTanh(), layers.NewTiedLinear(enc, rng), layers.NewSigmoid()), []int{5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := tensor.New(tt.in...).FillNormal(rng, 0, 1)
			maxErr, err := gradcheck.Module(tt.m, x, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("max relative error %.2g", maxErr)
		})
	}
}

// tiedWithWeight exposes the tied weight as a parameter of the TiedLinear
// alone, so that gradcheck checks the gradient of that one use, δᵀ·X.
type tiedWithWeight struct{ *layers.TiedLinear }

func (m tiedWithWeight) Parameters() []*layers.Parameter {
	return []*layers.Parameter{m.Tied.Weight, m.Bias}
}

func (m tiedWithWeight) ZeroGrad() {
	m.Tied.Weight.Grad.Fill(0)
	m.Bias.Grad.Fill(0)
}

func TestConcatForward(t *testing.T) {
	// Branch 0 doubles the input through a Linear, branch 1 is ReLU: the
	// output's rows are [2x | relu(x)].
	rng := rand.New(rand.NewPCG(1, 1))
	double := layers.NewLinearNoBias(2, 2, rng)
	copy(double.Weight.Value.Data, []float64{2, 0, 0, 2})
	c := layers.NewConcat(double, layers.NewReLU())
	x := tensor.FromSlice([]float64{1, -2, -3, 4}, 2, 2)
	y := c.Forward(x)
	want := tensor.FromSlice([]float64{2, -4, 1, 0, -6, 8, 0, 4}, 2, 4)
	if !tensor.SameShape(y, want) || tensor.MaxAbsDiff(y, want) != 0 {
		t.Fatalf("Forward = %v, want %v", y, want)
	}

	// δ = [a | b]: dx = a·Wᵀ + b⊙[x > 0] = 2a + b⊙[x > 0].
	delta := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6, 7, 8}, 2, 4)
	c.ZeroGrad()
	c.BackwardUpdateGradient(x, delta)
	dx := c.BackwardDelta(x, delta)
	wantDx := tensor.FromSlice([]float64{2 + 3, 4 + 0, 10 + 0, 12 + 8}, 2, 2)
	if tensor.MaxAbsDiff(dx, wantDx) != 0 {
		t.Errorf("BackwardDelta = %v, want %v", dx, wantDx)
	}
	// dW = xᵀ·a with a = [[1 2] [5 6]].
	wantDW := tensor.FromSlice([]float64{1*1 - 3*5, 1*2 - 3*6, -2*1 + 4*5, -2*2 + 4*6}, 2, 2)
	if tensor.MaxAbsDiff(double.Weight.Grad, wantDW) != 0 {
		t.Errorf("weight gradient = %v, want %v", double.Weight.Grad, wantDW)
	}
}

// TestConcatChannelsLast concatenates (batch, length, chans) outputs on the
// channel axis: position t of the output holds branch 0's channels at t,
// then branch 1's.
func TestConcatChannelsLast(t *testing.T) {
	c := layers.NewConcat(layers.NewReLU(), layers.NewSequential(layers.NewReLU(), layers.NewMaxPool1D(1, 1)), layers.NewTanh())
	x := tensor.FromSlice([]float64{1, -1, 2, 0}, 1, 2, 2) // 2 positions, 2 channels
	y := c.Forward(x)
	if !slices.Equal(y.Shape, []int{1, 2, 6}) {
		t.Fatalf("shape %v, want [1 2 6]", y.Shape)
	}
	// ReLU(x) twice, then tanh(x), at each position.
	wantRow := func(p int) []float64 {
		a, b := x.Data[2*p], x.Data[2*p+1]
		r := func(v float64) float64 { return max(v, 0) }
		return []float64{r(a), r(b), r(a), r(b), math.Tanh(a), math.Tanh(b)}
	}
	for p := range 2 {
		if got := y.Data[6*p : 6*p+6]; !slices.Equal(got, wantRow(p)) {
			t.Errorf("position %d: %v, want %v", p, got, wantRow(p))
		}
	}
}

func TestConcatParameters(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	c := layers.NewConcat(
		layers.NewSequential(layers.NewConv1D(3, 1, 2, 1, rng), layers.NewReLU(), layers.NewFlatten()),
		layers.NewReLU(),
		layers.NewLinear(3, 2, rng))
	net := layers.NewSequential(c, layers.NewLinear(4, 1, rng))
	var names []string
	for _, p := range net.Parameters() {
		names = append(names, p.Name)
	}
	want := []string{"0.0.0.weight", "0.0.0.bias", "0.2.weight", "0.2.bias", "1.weight", "1.bias"}
	if !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	if p, q := c.Parameters(), c.Parameters(); &p[0] != &q[0] || p[0] != q[0] {
		t.Error("Parameters returns new views on every call")
	}
	if layers.NewConcat(layers.NewReLU()).Parameters() != nil {
		t.Error("Parameters of a Concat without parameters is not nil")
	}
}

// TestConcatStep checks that ZeroGrad and UpdateParameters reach every branch.
func TestConcatStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	a, b := layers.NewLinear(3, 2, rng), layers.NewLinear(3, 1, rng)
	c := layers.NewConcat(a, layers.NewSequential(b))
	x := tensor.New(4, 3).FillNormal(rng, 0, 1)
	c.Forward(x)
	c.BackwardUpdateGradient(x, tensor.New(4, 3).Fill(1))
	before := []*tensor.Tensor{a.Weight.Value.Clone(), b.Weight.Value.Clone()}
	grads := []*tensor.Tensor{a.Weight.Grad.Clone(), b.Weight.Grad.Clone()}
	c.UpdateParameters(0.5)
	for i, w := range []*tensor.Tensor{a.Weight.Value, b.Weight.Value} {
		want := tensor.AddScaled(nil, before[i], -0.5, grads[i])
		if tensor.MaxAbsDiff(w, want) != 0 || tensor.Sum(grads[i]) == 0 {
			t.Errorf("branch %d: weight %v after the step, want %v", i, w, want)
		}
	}
	c.ZeroGrad()
	for _, p := range c.Parameters() {
		if tensor.MaxAbsDiff(p.Grad, tensor.New(p.Grad.Shape...)) != 0 {
			t.Errorf("%s: gradient not zeroed", p.Name)
		}
	}
}

func TestTransposeImage(t *testing.T) {
	// A 2×3 image with 2 channels: pixel (i, j) holds (10i+j, −(10i+j)).
	x := tensor.New(1, 12)
	for i := range 2 {
		for j := range 3 {
			x.Data[(i*3+j)*2], x.Data[(i*3+j)*2+1] = float64(10*i+j), -float64(10*i+j)
		}
	}
	m := layers.NewTransposeImage(2, 3)
	y := m.Forward(x)
	// Read in storage order, the 3×2 output walks down x's columns.
	want := []float64{0, 0, 10, -10, 1, -1, 11, -11, 2, -2, 12, -12}
	if !slices.Equal(y.Data, want) || !slices.Equal(y.Shape, []int{1, 12}) {
		t.Fatalf("Forward = %v %v, want [1 12] %v", y.Shape, y.Data, want)
	}
	// The backward is the transpose back: BackwardDelta(y) = x.
	if dx := m.BackwardDelta(x, y); !slices.Equal(dx.Data, x.Data) {
		t.Errorf("BackwardDelta(Forward(x)) = %v, want x = %v", dx.Data, x.Data)
	}
	// (batch, H, W, C) becomes (batch, W, H, C).
	y4 := m.Forward(x.Reshape(1, 2, 3, 2))
	if !slices.Equal(y4.Shape, []int{1, 3, 2, 2}) || !slices.Equal(y4.Data, want) {
		t.Errorf("Forward of (1, 2, 3, 2) = %v %v, want [1 3 2 2] %v", y4.Shape, y4.Data, want)
	}
	// Transposing twice is the identity on square images.
	sq := layers.NewTransposeImage(16, 16)
	rng := rand.New(rand.NewPCG(4, 4))
	d := tensor.New(3, 256).FillNormal(rng, 0, 1)
	if twice := layers.NewTransposeImage(16, 16).Forward(sq.Forward(d)); tensor.MaxAbsDiff(twice, d) != 0 {
		t.Error("transposing a 16×16 image twice is not the identity")
	}
}

func TestTiedLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	e := layers.NewLinear(3, 2, rng)
	copy(e.Weight.Value.Data, []float64{1, 2, 3, 4, 5, 6}) // 3×2
	d := layers.NewTiedLinear(e, rng)
	copy(d.Bias.Value.Data, []float64{0.5, 0, -0.5})
	if d.In() != 2 || d.Out() != 3 || d.String() != "TiedLinear(2→3, weight of Linear(3→2))" {
		t.Errorf("In %d Out %d String %q", d.In(), d.Out(), d)
	}
	// Y = X·Wᵀ + c with Wᵀ = [[1 3 5] [2 4 6]].
	x := tensor.FromSlice([]float64{1, 0, 1, 1}, 2, 2)
	y := d.Forward(x)
	want := tensor.FromSlice([]float64{1.5, 3, 4.5, 3.5, 7, 10.5}, 2, 3)
	if tensor.MaxAbsDiff(y, want) != 0 {
		t.Fatalf("Forward = %v, want %v", y, want)
	}
	// dW += δᵀ·X, accumulated: twice the same backward doubles it.
	delta := tensor.FromSlice([]float64{1, 0, 0, 0, 1, 1}, 2, 3)
	e.ZeroGrad()
	d.ZeroGrad()
	d.BackwardUpdateGradient(x, delta)
	d.BackwardUpdateGradient(x, delta)
	wantDW := tensor.FromSlice([]float64{2, 0, 2, 2, 2, 2}, 3, 2)
	if tensor.MaxAbsDiff(e.Weight.Grad, wantDW) != 0 {
		t.Errorf("weight gradient after two backwards = %v, want %v", e.Weight.Grad, wantDW)
	}
	if got := d.Bias.Grad.Data; !slices.Equal(got, []float64{2, 2, 2}) {
		t.Errorf("bias gradient %v, want [2 2 2]", got)
	}
	// dX = δ·W.
	if dx := d.BackwardDelta(x, delta); !slices.Equal(dx.Data, []float64{1, 2, 8, 10}) {
		t.Errorf("BackwardDelta = %v, want [1 2 8 10]", dx.Data)
	}
}

// TestTiedAutoEncoderSharing checks the rules for the shared weight: it is
// listed once, under the encoder's name, zeroed once and stepped once with
// the sum of both uses' gradients.
func TestTiedAutoEncoderSharing(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	e := layers.NewLinear(6, 3, rng)
	d := layers.NewTiedLinear(e, rng)
	net := layers.NewSequential(layers.NewSequential(e, layers.NewTanh()), layers.NewSequential(d, layers.NewSigmoid()))
	var names []string
	for _, p := range net.Parameters() {
		names = append(names, p.Name)
	}
	if want := []string{"0.0.weight", "0.0.bias", "1.0.bias"}; !slices.Equal(names, want) {
		t.Errorf("parameters %v, want %v", names, want)
	}

	x := tensor.New(4, 6).FillUniform(rng, 0, 1)
	net.ZeroGrad()
	net.Forward(x)
	net.Backward(x, tensor.New(4, 6).Fill(1))
	total := e.Weight.Grad.Clone()
	w := e.Weight.Value.Clone()
	net.UpdateParameters(0.1)
	if want := tensor.AddScaled(nil, w, -0.1, total); tensor.MaxAbsDiff(e.Weight.Value, want) != 0 {
		t.Errorf("W after one step of 0.1 = %v, want W − 0.1·(sum of both uses) = %v", e.Weight.Value, want)
	}
	net.ZeroGrad()
	if tensor.Sum(tensor.Mul(nil, e.Weight.Grad, e.Weight.Grad)) != 0 {
		t.Error("ZeroGrad left the shared gradient non-zero")
	}
}

func TestCompositePanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	tests := []struct {
		name string
		f    func()
		want []string
	}{
		{"concat no branch", func() { layers.NewConcat() }, []string{"layers.NewConcat"}},
		{"concat leading axes", func() {
			layers.NewConcat(layers.NewReLU(), layers.NewMaxPool1D(2, 2)).Forward(tensor.New(2, 4, 1))
		}, []string{"layers.Concat.Forward", "[2 2 1]", "[2 4 1]"}},
		{"concat before forward", func() {
			layers.NewConcat(layers.NewReLU()).BackwardDelta(tensor.New(2, 3), tensor.New(2, 3))
		}, []string{"layers.Concat.BackwardDelta", "before Forward"}},
		{"concat delta", func() {
			c := layers.NewConcat(layers.NewReLU(), layers.NewTanh())
			c.Forward(tensor.New(2, 3))
			c.BackwardUpdateGradient(tensor.New(2, 3), tensor.New(2, 5))
		}, []string{"layers.Concat.BackwardUpdateGradient", "[2 5]", "[2 6]"}},
		{"transpose size", func() { layers.NewTransposeImage(16, 16).Forward(tensor.New(2, 255)) }, []string{"layers.TransposeImage.Forward", "[2 255]", "16×16"}},
		{"transpose delta", func() {
			layers.NewTransposeImage(2, 3).BackwardDelta(tensor.New(1, 2, 3), tensor.New(1, 2, 3))
		}, []string{"layers.TransposeImage.BackwardDelta", "[1 2 3]", "[1 3 2]"}},
		{"transpose sizes", func() { layers.NewTransposeImage(0, 3) }, []string{"layers.NewTransposeImage", "0×3"}},
		{"tied input", func() {
			layers.NewTiedLinear(layers.NewLinear(5, 3, rng), rng).Forward(tensor.New(2, 5))
		}, []string{"layers.TiedLinear.Forward", "[2 5]", "[3 5]"}},
		{"tied nil", func() { layers.NewTiedLinear(nil, rng) }, []string{"layers.NewTiedLinear"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := convPanicMessage(tt.f)
			if msg == "" {
				t.Fatal("no panic")
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic message %q does not contain %q", msg, w)
				}
			}
		})
	}
}

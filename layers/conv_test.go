package layers_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/layers/gradcheck"
	"github.com/nndiy/nndiy/tensor"
)

// convRelTol is the agreement asked of the convolution and pooling layers
// against their definitions (the plain loops of conv1d.go, conv2d.go and
// poolRef below) where the order of summation differs, and against
// PyTorch: max|got − want| / max|want| over a tensor. Reordering a sum of a
// few hundred order-one terms moves it by a few ulps. Where the order is
// the same, the tests ask for the same float64s (convCheckSame).
const convRelTol = 1e-12

// convRelErr returns max|got − want| / max|want|, or +Inf if the shapes
// differ.
func convRelErr(got, want *tensor.Tensor) float64 {
	if !tensor.SameShape(got, want) {
		return math.Inf(1)
	}
	scale := 0.0
	for _, v := range want.Data {
		scale = math.Max(scale, math.Abs(v))
	}
	if scale == 0 {
		scale = 1
	}
	return tensor.MaxAbsDiff(got, want) / scale
}

// convCheckClose fails t unless got agrees with want within convRelTol,
// and logs the relative error.
func convCheckClose(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	e := convRelErr(got, want)
	if !(e <= convRelTol) {
		t.Errorf("%s: relative error %.3g > %g\ngot  %v %v\nwant %v %v", what, e, convRelTol, got.Shape, got.Data, want.Shape, want.Data)
	}
	t.Logf("%s: relative error %.2g", what, e)
}

// convCheckSame fails t unless got and want hold the same float64s, when
// exact is true; otherwise it asks for agreement within convRelTol, as
// convCheckClose.
func convCheckSame(t *testing.T, what string, exact bool, got, want *tensor.Tensor) {
	t.Helper()
	if !exact {
		convCheckClose(t, what, got, want)
		return
	}
	if !tensor.SameShape(got, want) {
		t.Errorf("%s: shape %v, want %v", what, got.Shape, want.Shape)
		return
	}
	for i, v := range want.Data {
		if got.Data[i] != v && !(math.IsNaN(v) && math.IsNaN(got.Data[i])) {
			t.Errorf("%s: element %d is %v, want the definition's %v exactly (difference %.3g)", what, i, got.Data[i], v, got.Data[i]-v)
			return
		}
	}
}

// gemmFuses reports whether tensor.Gemm fuses each product into its sum
// (the SIMD build on a CPU with FMA), so that it rounds differently from
// the definitions' loops: with x = 1 + 2⁻²⁷, the sum −1 + x·x is 2⁻²⁶ when
// x·x is rounded first and 2⁻²⁶ + 2⁻⁵⁴ when it is fused.
func gemmFuses() bool {
	x := 1 + math.Ldexp(1, -27)
	c := tensor.New(1, 1)
	tensor.Gemm(false, false, 1, tensor.FromSlice([]float64{1, x}, 1, 2), tensor.FromSlice([]float64{-1, x}, 2, 1), 0, c)
	return c.Data[0] != math.Ldexp(1, -26)
}

// convCase is a convolution as the tests spell it out. A 1-D case has
// h = kh = 1 and pads only along w.
type convCase struct {
	name                                 string
	dims                                 int // 1 or 2
	batch, h, w, cin, cout, kh, kw, step int
	pad                                  int
	bias                                 bool
}

func (c convCase) padH() int {
	if c.dims == 1 {
		return 0
	}
	return c.pad
}

func (c convCase) outH() int { return (c.h+2*c.padH()-c.kh)/c.step + 1 }
func (c convCase) outW() int { return (c.w+2*c.pad-c.kw)/c.step + 1 }

func (c convCase) inShape() []int {
	if c.dims == 1 {
		return []int{c.batch, c.w, c.cin}
	}
	return []int{c.batch, c.h, c.w, c.cin}
}

func (c convCase) outShape() []int {
	if c.dims == 1 {
		return []int{c.batch, c.outW(), c.cout}
	}
	return []int{c.batch, c.outH(), c.outW(), c.cout}
}

// layer builds the layer and returns it with its weight and bias (nil
// without bias).
func (c convCase) layer(rng *rand.Rand) (m layers.Module, w, b *layers.Parameter) {
	var opts []layers.ConvOption
	if c.pad > 0 {
		opts = append(opts, layers.WithPadding(c.pad))
	}
	if !c.bias {
		opts = append(opts, layers.WithoutBias())
	}
	if c.dims == 1 {
		l := layers.NewConv1D(c.kw, c.cin, c.cout, c.step, rng, opts...)
		return l, l.Weight, l.Bias
	}
	l := layers.NewConv2D(c.kh, c.kw, c.cin, c.cout, c.step, rng, opts...)
	return l, l.Weight, l.Bias
}

var convCases = []convCase{
	{name: "1d course k3 1→8", dims: 1, batch: 2, h: 1, w: 20, cin: 1, cout: 8, kh: 1, kw: 3, step: 1, bias: true},
	{name: "1d stride 2, length not divided", dims: 1, batch: 2, h: 1, w: 12, cin: 3, cout: 4, kh: 1, kw: 3, step: 2, bias: true},
	{name: "1d stride 3 padding 2, no bias", dims: 1, batch: 3, h: 1, w: 11, cin: 2, cout: 3, kh: 1, kw: 4, step: 3, pad: 2},
	{name: "1d stride beyond kernel", dims: 1, batch: 2, h: 1, w: 10, cin: 2, cout: 2, kh: 1, kw: 2, step: 3, bias: true},
	{name: "1d kernel as long as input", dims: 1, batch: 2, h: 1, w: 5, cin: 3, cout: 2, kh: 1, kw: 5, step: 1, bias: true},
	{name: "2d 3x3", dims: 2, batch: 2, h: 5, w: 5, cin: 2, cout: 3, kh: 3, kw: 3, step: 1, bias: true},
	{name: "2d 3x2 stride 2 padding 1", dims: 2, batch: 2, h: 7, w: 6, cin: 2, cout: 3, kh: 3, kw: 2, step: 2, pad: 1, bias: true},
	{name: "2d 5x5 padding 2, no bias", dims: 2, batch: 1, h: 6, w: 6, cin: 1, cout: 2, kh: 5, kw: 5, step: 1, pad: 2},
	{name: "2d 2x3 stride 3, sizes not divided", dims: 2, batch: 2, h: 8, w: 7, cin: 3, cout: 2, kh: 2, kw: 3, step: 3, bias: true},
	{name: "2d padding wider than needed", dims: 2, batch: 1, h: 4, w: 3, cin: 2, cout: 2, kh: 3, kw: 3, step: 2, pad: 2, bias: true},
}

// TestConvMatchesDefinition compares each layer with its definition, the
// plain loops of conv1d.go and conv2d.go, forward and backward. y and dx
// sum in the definition's order and are the same float64s (unless Gemm
// fuses its products, in the SIMD build); dW and db are the sums of the
// batch's parts (see convCore), added in another order, and agree within
// convRelTol.
func TestConvMatchesDefinition(t *testing.T) {
	exact := !gemmFuses()
	for _, c := range convCases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, 1))
			m, w, b := c.layer(rng)
			x := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
			delta := tensor.New(c.outShape()...).FillNormal(rng, 0, 1)
			y, dx, dw, db := layers.ConvDefinition(m, x, delta)

			convCheckSame(t, "y", exact, m.Forward(x), y)
			m.ZeroGrad()
			m.BackwardUpdateGradient(x, delta)
			convCheckClose(t, "dW", w.Grad, dw)
			if b != nil {
				convCheckClose(t, "db", b.Grad, db)
			}
			convCheckSame(t, "dx", exact, m.BackwardDelta(x, delta), dx)
		})
	}
}

// TestConvGradients runs every case through the shared finite-difference
// checker: input, weight and bias gradients.
func TestConvGradients(t *testing.T) {
	for _, c := range convCases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, 2))
			m, _, _ := c.layer(rng)
			x := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
			maxErr, err := gradcheck.Module(m, x, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("max relative error %.2g", maxErr)
		})
	}
}

// TestConvChunks convolves a batch whose patch matrix exceeds one chunk, so
// that Forward and both backward passes run chunk by chunk and the patches
// are rebuilt in BackwardUpdateGradient.
func TestConvChunks(t *testing.T) {
	// 16×16 images, 5×5 kernels with padding 2, 16 output channels: 256·25·16
	// multiply-adds per image, so a chunk under convChunkMACs = 128³ holds 20
	// images and each of the 4 parts of 200 images takes 3 chunks.
	c := convCase{name: "chunks", dims: 2, batch: 200, h: 16, w: 16, cin: 1, cout: 16, kh: 5, kw: 5, step: 1, pad: 2, bias: true}
	rng := rand.New(rand.NewPCG(8, 3))
	m, w, b := c.layer(rng)
	x := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
	delta := tensor.New(c.outShape()...).FillNormal(rng, 0, 1)
	y, dx, dw, db := layers.ConvDefinition(m, x, delta)
	exact := !gemmFuses()
	convCheckSame(t, "y", exact, m.Forward(x), y)
	m.ZeroGrad()
	m.BackwardUpdateGradient(x, delta)
	convCheckClose(t, "dW", w.Grad, dw)
	convCheckClose(t, "db", b.Grad, db)
	convCheckSame(t, "dx", exact, m.BackwardDelta(x, delta), dx)
}

// TestConvBackwardUsesItsInput checks that the patches kept from Forward
// are not used for another input: BackwardUpdateGradient(x2, δ) after
// Forward(x1) is the gradient at x2, and a gradient at x1 after that one is
// the gradient at x1. It also checks that gradients accumulate across
// calls.
func TestConvBackwardUsesItsInput(t *testing.T) {
	c := convCases[1]
	rng := rand.New(rand.NewPCG(8, 4))
	m, w, b := c.layer(rng)
	x1 := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
	x2 := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
	delta := tensor.New(c.outShape()...).FillNormal(rng, 0, 1)
	_, _, dw, db := layers.ConvDefinition(m, x2, delta)

	m.Forward(x1)
	m.ZeroGrad()
	m.BackwardUpdateGradient(x2, delta)
	convCheckClose(t, "dW at x2", w.Grad, dw)

	m.Forward(x2)
	m.BackwardUpdateGradient(x2, delta)
	convCheckClose(t, "dW accumulated twice", w.Grad, tensor.Scale(nil, dw, 2))
	convCheckClose(t, "db accumulated twice", b.Grad, tensor.Scale(nil, db, 2))

	// A gradient at x2 rebuilds the kept patches for x2: a later gradient
	// at x1, Forward's input, must not take them for x1's.
	_, _, dw1, _ := layers.ConvDefinition(m, x1, delta)
	m.Forward(x1)
	m.BackwardUpdateGradient(x2, delta)
	m.ZeroGrad()
	m.BackwardUpdateGradient(x1, delta)
	convCheckClose(t, "dW at x1 after a gradient at x2", w.Grad, dw1)
}

// TestConvInit checks PyTorch's default initialisation: weight and bias
// uniform in ±1/√(chanIn·kernel size), and the parameters' names and shapes.
func TestConvInit(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 5))
	tests := []struct {
		name      string
		m         layers.Module
		weight    []int
		bias      bool
		fanIn     int
		wantNames string
	}{
		{"Conv1D", layers.NewConv1D(3, 4, 64, 1, rng), []int{3, 4, 64}, true, 12, "weight bias"},
		{"Conv1D without bias", layers.NewConv1D(3, 1, 32, 1, rng, layers.WithoutBias()), []int{3, 1, 32}, false, 3, "weight"},
		{"Conv2D", layers.NewConv2D(5, 3, 2, 40, 1, rng, layers.WithPadding(1)), []int{5, 3, 2, 40}, true, 30, "weight bias"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var names []string
			for _, p := range tt.m.Parameters() {
				names = append(names, p.Name)
			}
			if got := strings.Join(names, " "); got != tt.wantNames {
				t.Fatalf("parameters %q, want %q", got, tt.wantNames)
			}
			bound := 1 / math.Sqrt(float64(tt.fanIn))
			for _, p := range tt.m.Parameters() {
				want := tt.weight
				if p.Name == "bias" {
					want = tt.weight[len(tt.weight)-1:]
				}
				if !tensor.SameShape(p.Value, tensor.New(want...)) || !tensor.SameShape(p.Grad, p.Value) {
					t.Errorf("%s: value %v, grad %v, want shape %v", p.Name, p.Value.Shape, p.Grad.Shape, want)
				}
				// Every value inside the bound, and the largest near it: with
				// n ≥ 40 uniform draws, max|v| < 0.9·bound has probability 0.9ⁿ.
				largest := 0.0
				for _, v := range p.Value.Data {
					largest = math.Max(largest, math.Abs(v))
				}
				if largest >= bound || largest < 0.9*bound {
					t.Errorf("%s: max|v| = %.4g, want in [0.9, 1)·%.4g", p.Name, largest, bound)
				}
			}
		})
	}
}

// TestConvPanics checks that programmer errors panic with a message that
// names the layer and the shapes.
func TestConvPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 6))
	c1 := layers.NewConv1D(3, 1, 4, 1, rng)
	c2 := layers.NewConv2D(3, 3, 2, 4, 2, rng, layers.WithPadding(1))
	x1 := tensor.New(2, 10, 1)
	tests := []struct {
		name string
		f    func()
		want []string // substrings of the panic message
	}{
		{"Conv1D channels", func() { c1.Forward(tensor.New(2, 10, 2)) }, []string{"layers.Conv1D.Forward", "[2 10 2]", "(batch, length, 1)"}},
		{"Conv1D rank", func() { c1.Forward(tensor.New(2, 10)) }, []string{"layers.Conv1D.Forward", "[2 10]"}},
		{"Conv1D too short", func() { c1.Forward(tensor.New(2, 2, 1)) }, []string{"layers.Conv1D.Forward", "[2 2 1]", "window 3"}},
		{"Conv1D delta", func() { c1.BackwardDelta(x1, tensor.New(2, 9, 4)) }, []string{"layers.Conv1D.BackwardDelta", "[2 9 4]", "[2 8 4]"}},
		{"Conv1D delta in gradient", func() { c1.BackwardUpdateGradient(x1, tensor.New(2, 8, 3)) }, []string{"layers.Conv1D.BackwardUpdateGradient", "[2 8 3]", "[2 8 4]"}},
		{"Conv2D channels", func() { c2.Forward(tensor.New(1, 5, 5, 3)) }, []string{"layers.Conv2D.Forward", "[1 5 5 3]", "(batch, height, width, 2)"}},
		{"Conv2D delta", func() { c2.BackwardDelta(tensor.New(1, 5, 6, 2), tensor.New(1, 3, 4, 4)) }, []string{"layers.Conv2D.BackwardDelta", "[1 3 4 4]", "[1 3 3 4]"}},
		{"NewConv1D stride 0", func() { layers.NewConv1D(3, 1, 4, 0, rng) }, []string{"layers.NewConv1D", "stride 0"}},
		{"NewConv2D negative padding", func() { layers.NewConv2D(3, 3, 1, 4, 1, rng, layers.WithPadding(-1)) }, []string{"layers.NewConv2D", "padding -1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := convPanicMessage(tt.f)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic message %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// convPanicMessage runs f and returns the message it panics with, or "" if
// it returns.
func convPanicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}

// TestConvNoAllocs checks that a training step of each layer allocates
// nothing once its buffers exist, Parameters included (an optimizer may
// call it every step).
func TestConvNoAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	rng := rand.New(rand.NewPCG(8, 7))
	tests := []struct {
		name string
		m    layers.Module
		in   []int
	}{
		{"Conv1D", layers.NewConv1D(3, 1, 32, 1, rng), []int{8, 256, 1}},
		{"Conv1D padding stride", layers.NewConv1D(4, 2, 3, 3, rng, layers.WithPadding(2)), []int{4, 11, 2}},
		{"Conv2D", layers.NewConv2D(5, 5, 1, 6, 1, rng, layers.WithPadding(2)), []int{4, 16, 16, 1}},
		{"MaxPool1D", layers.NewMaxPool1D(2, 2), []int{8, 254, 32}},
		{"AvgPool1D", layers.NewAvgPool1D(3, 2), []int{8, 20, 3}},
		{"MaxPool2D", layers.NewMaxPool2D(2, 2, 2), []int{4, 16, 16, 6}},
		{"AvgPool2D", layers.NewAvgPool2D(2, 2, 2), []int{4, 16, 16, 6}},
		{"Flatten", layers.NewFlatten(), []int{8, 127, 32}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := tensor.New(tt.in...).FillNormal(rng, 0, 1)
			delta := tt.m.Forward(x).Clone().FillNormal(rng, 0, 1)
			step := func() {
				tt.m.ZeroGrad()
				tt.m.Forward(x)
				tt.m.BackwardUpdateGradient(x, delta)
				tt.m.BackwardDelta(x, delta)
				tt.m.UpdateParameters(1e-3)
				_ = tt.m.Parameters()
			}
			step()
			if n := testing.AllocsPerRun(10, step); n != 0 {
				t.Errorf("%v allocations per step, want 0", n)
			}
		})
	}
}

// TestCourseNetwork builds the course's suggested network for USPS on
// sequences of 256 pixels with one channel and follows the shapes:
// Conv1D(3,1,32) gives (batch, 254, 32), MaxPool1D(2,2) (batch, 127, 32),
// Flatten (batch, 4064) with 4064 = 127·32, then Linear(4064,100) → ReLU →
// Linear(100,10) the ten scores.
func TestCourseNetwork(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	const batch = 3
	net := layers.NewSequential(
		layers.NewConv1D(3, 1, 32, 1, rng),
		layers.NewMaxPool1D(2, 2),
		layers.NewFlatten(),
		layers.NewLinear(4064, 100, rng),
		layers.NewReLU(),
		layers.NewLinear(100, 10, rng),
	)
	want := [][]int{{batch, 254, 32}, {batch, 127, 32}, {batch, 4064}, {batch, 100}, {batch, 100}, {batch, 10}}
	x := tensor.New(batch, 256, 1).FillNormal(rng, 0, 1)
	h := x
	for i, m := range net.Modules() {
		h = m.Forward(h)
		if !tensor.SameShape(h, tensor.New(want[i]...)) {
			t.Errorf("after module %d (%T): shape %v, want %v", i, m, h.Shape, want[i])
		}
	}
	y := net.Forward(x)
	dx := net.Backward(x, y.Clone().FillNormal(rng, 0, 1))
	if !tensor.SameShape(dx, x) {
		t.Errorf("dL/dx shape %v, want %v", dx.Shape, x.Shape)
	}
}

// TestConvNetworkGradients checks a small network of the course's kind end
// to end, so that the layers chain: conv, pool, flatten, linear.
func TestConvNetworkGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	tests := []struct {
		name string
		net  layers.Module
		in   []int
	}{
		{"1-D", layers.NewSequential(
			layers.NewConv1D(3, 1, 4, 1, rng),
			layers.NewMaxPool1D(2, 2),
			layers.NewFlatten(),
			layers.NewLinear(7*4, 5, rng),
		), []int{2, 16, 1}},
		{"2-D", layers.NewSequential(
			layers.NewConv2D(3, 3, 1, 3, 1, rng, layers.WithPadding(1)),
			layers.NewMaxPool2D(2, 2, 2),
			layers.NewConv2D(2, 2, 3, 4, 1, rng),
			layers.NewAvgPool2D(2, 2, 1),
			layers.NewFlatten(),
			layers.NewLinear(2*2*4, 3, rng),
		), []int{2, 8, 8, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := tensor.New(tt.in...).FillNormal(rng, 0, 1)
			maxErr, err := gradcheck.Module(tt.net, x, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("max relative error %.2g", maxErr)
		})
	}
}

// BenchmarkConvStep times one training step of a convolution (Forward,
// BackwardUpdateGradient, BackwardDelta) on a batch of 32, as the layer does
// it and, for comparison, as the definition's plain loops (ConvDefinition).
func BenchmarkConvStep(b *testing.B) {
	cases := []convCase{
		{name: "course_Conv1D_k3_1to32_len256", dims: 1, batch: 32, h: 1, w: 256, cin: 1, cout: 32, kh: 1, kw: 3, step: 1, bias: true},
		{name: "Conv2D_5x5_1to6_16x16_pad2", dims: 2, batch: 32, h: 16, w: 16, cin: 1, cout: 6, kh: 5, kw: 5, step: 1, pad: 2, bias: true},
		{name: "Conv2D_5x5_6to16_8x8", dims: 2, batch: 32, h: 8, w: 8, cin: 6, cout: 16, kh: 5, kw: 5, step: 1, bias: true},
	}
	for _, c := range cases {
		rng := rand.New(rand.NewPCG(8, 14))
		m, _, _ := c.layer(rng)
		x := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
		delta := tensor.New(c.outShape()...).FillNormal(rng, 0, 1)
		flops := 2 * 3 * float64(c.batch*c.outH()*c.outW()*c.kh*c.kw*c.cin*c.cout)
		b.Run(c.name+"/layer", func(b *testing.B) {
			for b.Loop() {
				m.Forward(x)
				m.BackwardUpdateGradient(x, delta)
				m.BackwardDelta(x, delta)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
		b.Run(c.name+"/direct_loops", func(b *testing.B) {
			for b.Loop() {
				layers.ConvDefinition(m, x, delta)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}

// TestConvSameOnAnyCores trains one step of small 1-D and 2-D networks at
// several GOMAXPROCS and asks for the same float64s: the layers cut a batch
// into a fixed number of parts, whatever the number of cores, and ReLU (on
// 37·12·12·6 values, two chunks) computes each element alone.
func TestConvSameOnAnyCores(t *testing.T) {
	nets := []struct {
		name  string
		build func(rng *rand.Rand) layers.Module
		in    []int
	}{
		{"1-D", func(rng *rand.Rand) layers.Module {
			return layers.NewSequential(layers.NewConv1D(3, 1, 8, 1, rng), layers.NewMaxPool1D(2, 2),
				layers.NewConv1D(5, 8, 4, 2, rng, layers.WithPadding(2)), layers.NewFlatten())
		}, []int{37, 40, 1}},
		{"2-D", func(rng *rand.Rand) layers.Module {
			return layers.NewSequential(layers.NewConv2D(5, 5, 1, 6, 1, rng, layers.WithPadding(2)), layers.NewReLU(), layers.NewMaxPool2D(2, 2, 2),
				layers.NewConv2D(3, 3, 6, 8, 1, rng), layers.NewAvgPool2D(2, 2, 2), layers.NewFlatten())
		}, []int{37, 12, 12, 1}},
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, n := range nets {
		t.Run(n.name, func(t *testing.T) {
			var first []*tensor.Tensor
			for _, procs := range []int{1, 2, 3, 4} {
				runtime.GOMAXPROCS(procs)
				rng := rand.New(rand.NewPCG(8, 11))
				m := n.build(rng)
				x := tensor.New(n.in...).FillNormal(rng, 0, 1)
				y := m.Forward(x)
				delta := y.Clone().FillNormal(rng, 0, 1)
				m.ZeroGrad()
				m.BackwardUpdateGradient(x, delta)
				got := []*tensor.Tensor{y.Clone(), m.BackwardDelta(x, delta).Clone()}
				for _, p := range m.Parameters() {
					got = append(got, p.Grad.Clone())
				}
				if first == nil {
					first = got
					continue
				}
				for i := range got {
					convCheckSame(t, fmt.Sprintf("GOMAXPROCS %d, tensor %d", procs, i), true, got[i], first[i])
				}
			}
		})
	}
}

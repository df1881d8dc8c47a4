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

// poolCase is a pooling as the tests spell it out. A 1-D case has
// h = kh = 1.
type poolCase struct {
	name                          string
	dims                          int // 1 or 2
	max                           bool
	batch, h, w, ch, kh, kw, step int
}

func (c poolCase) outH() int { return (c.h-c.kh)/c.step + 1 }
func (c poolCase) outW() int { return (c.w-c.kw)/c.step + 1 }

func (c poolCase) inShape() []int {
	if c.dims == 1 {
		return []int{c.batch, c.w, c.ch}
	}
	return []int{c.batch, c.h, c.w, c.ch}
}

func (c poolCase) outShape() []int {
	if c.dims == 1 {
		return []int{c.batch, c.outW(), c.ch}
	}
	return []int{c.batch, c.outH(), c.outW(), c.ch}
}

func (c poolCase) layer() layers.Module {
	switch {
	case c.dims == 1 && c.max:
		return layers.NewMaxPool1D(c.kw, c.step)
	case c.dims == 1:
		return layers.NewAvgPool1D(c.kw, c.step)
	case c.max:
		return layers.NewMaxPool2D(c.kh, c.kw, c.step)
	default:
		return layers.NewAvgPool2D(c.kh, c.kw, c.step)
	}
}

// poolRef is the pooling by its definition, one output value at a time,
// and its backward pass: max-pooling sends δ to the first position of the
// window holding the maximum (or the last NaN), average-pooling δ/(kh·kw)
// to every position.
func poolRef(c poolCase, x, delta []float64) (y, dx []float64) {
	oh, ow := c.outH(), c.outW()
	y = make([]float64, c.batch*oh*ow*c.ch)
	dx = make([]float64, len(x))
	n := float64(c.kh * c.kw)
	for b := range c.batch {
		for i := range oh {
			for j := range ow {
				for ch := range c.ch {
					yi := ((b*oh+i)*ow+j)*c.ch + ch
					at := func(di, dj int) int { return ((b*c.h+i*c.step+di)*c.w+j*c.step+dj)*c.ch + ch }
					if c.max {
						arg := at(0, 0)
						for di := range c.kh {
							for dj := range c.kw {
								if v := x[at(di, dj)]; v > x[arg] || math.IsNaN(v) {
									arg = at(di, dj)
								}
							}
						}
						y[yi] = x[arg]
						dx[arg] += delta[yi]
						continue
					}
					s := 0.0
					for di := range c.kh {
						for dj := range c.kw {
							s += x[at(di, dj)]
							dx[at(di, dj)] += delta[yi] / n
						}
					}
					y[yi] = s / n
				}
			}
		}
	}
	return y, dx
}

var poolCases = []poolCase{
	{name: "max 1d course 2/2", dims: 1, max: true, batch: 2, h: 1, w: 10, ch: 3, kh: 1, kw: 2, step: 2},
	{name: "max 1d odd length", dims: 1, max: true, batch: 2, h: 1, w: 9, ch: 2, kh: 1, kw: 2, step: 2},
	{name: "max 1d overlapping 3/2", dims: 1, max: true, batch: 2, h: 1, w: 10, ch: 2, kh: 1, kw: 3, step: 2},
	{name: "max 1d gaps 2/3", dims: 1, max: true, batch: 1, h: 1, w: 11, ch: 2, kh: 1, kw: 2, step: 3},
	{name: "avg 1d 3/2", dims: 1, batch: 2, h: 1, w: 10, ch: 2, kh: 1, kw: 3, step: 2},
	{name: "avg 1d 2/3 tail", dims: 1, batch: 2, h: 1, w: 10, ch: 3, kh: 1, kw: 2, step: 3},
	{name: "max 2d 2x2/2 odd sizes", dims: 2, max: true, batch: 2, h: 5, w: 5, ch: 3, kh: 2, kw: 2, step: 2},
	{name: "max 2d 3x2/1", dims: 2, max: true, batch: 1, h: 4, w: 5, ch: 2, kh: 3, kw: 2, step: 1},
	{name: "avg 2d 2x2/2", dims: 2, batch: 2, h: 5, w: 4, ch: 2, kh: 2, kw: 2, step: 2},
	{name: "avg 2d 3x3/2", dims: 2, batch: 1, h: 7, w: 6, ch: 2, kh: 3, kw: 3, step: 2},
}

// TestPoolMatchesDefinition compares the layers with poolRef on inputs
// without ties.
func TestPoolMatchesDefinition(t *testing.T) {
	for _, c := range poolCases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, 10))
			m := c.layer()
			x := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
			delta := tensor.New(c.outShape()...).FillNormal(rng, 0, 1)
			y, dx := poolRef(c, x.Data, delta.Data)
			convCheckClose(t, "y", m.Forward(x), tensor.FromSlice(y, c.outShape()...))
			convCheckClose(t, "dx", m.BackwardDelta(x, delta), tensor.FromSlice(dx, c.inShape()...))
		})
	}
}

// TestPoolGradients runs the shared finite-difference checker. The inputs
// are drawn from a normal law, so no window holds two maxima closer than
// the checker's step, where max-pooling is not differentiable; ties are
// tested in TestMaxPoolTies.
func TestPoolGradients(t *testing.T) {
	for _, c := range poolCases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, 11))
			x := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
			maxErr, err := gradcheck.Module(c.layer(), x, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("max relative error %.2g", maxErr)
		})
	}
}

// TestMaxPoolTies routes δ through windows with equal maxima and NaNs by
// hand: the first maximal position of each window takes δ, a NaN is the
// maximum (the last NaN when there are several), and a position that is the
// arg-max of two overlapping windows collects both. The expected values are
// what PyTorch 1.13 gives for the same inputs.
func TestMaxPoolTies(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name          string
		m             layers.Module
		x             *tensor.Tensor
		delta         []float64
		wantY, wantDx []float64
	}{
		{
			// Windows [1 3 3], [3 2 3], [3 3 0]: the maxima are at 1, 2 and 4.
			name:   "1d overlapping ties",
			m:      layers.NewMaxPool1D(3, 2),
			x:      tensor.FromSlice([]float64{1, 3, 3, 2, 3, 3, 0}, 1, 7, 1),
			delta:  []float64{1, 10, 100},
			wantY:  []float64{3, 3, 3},
			wantDx: []float64{0, 1, 10, 0, 100, 0, 0},
		},
		{
			// Channel 0 ties everywhere, channel 1 rises: each has its own arg-max.
			name:   "1d two channels",
			m:      layers.NewMaxPool1D(2, 2),
			x:      tensor.FromSlice([]float64{5, 1, 5, 2, 7, 4, 7, 3}, 1, 4, 2),
			delta:  []float64{1, 2, 3, 4},
			wantY:  []float64{5, 2, 7, 4},
			wantDx: []float64{1, 0, 0, 2, 3, 4, 0, 0},
		},
		{
			name:   "1d NaN",
			m:      layers.NewMaxPool1D(3, 2),
			x:      tensor.FromSlice([]float64{1, nan, 3, nan, 3, 3, 0}, 1, 7, 1),
			delta:  []float64{1, 10, 100},
			wantY:  []float64{nan, nan, 3},
			wantDx: []float64{0, 1, 0, 10, 100, 0, 0},
		},
		{
			// One 2×2 window [[1 2] [2 2]]: the first 2 in row-major order.
			name:   "2d ties",
			m:      layers.NewMaxPool2D(2, 2, 1),
			x:      tensor.FromSlice([]float64{1, 2, 2, 2}, 1, 2, 2, 1),
			delta:  []float64{1},
			wantY:  []float64{2},
			wantDx: []float64{0, 1, 0, 0},
		},
		{
			name:   "2d NaN",
			m:      layers.NewMaxPool2D(2, 2, 1),
			x:      tensor.FromSlice([]float64{1, nan, 2, nan}, 1, 2, 2, 1),
			delta:  []float64{1},
			wantY:  []float64{nan},
			wantDx: []float64{0, 0, 0, 1},
		},
	}
	same := func(a, b []float64) bool {
		for i := range a {
			if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
				return false
			}
		}
		return len(a) == len(b)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := tt.m.Forward(tt.x)
			if !same(y.Data, tt.wantY) {
				t.Errorf("y = %v, want %v", y.Data, tt.wantY)
			}
			delta := tensor.FromSlice(tt.delta, y.Shape...)
			if dx := tt.m.BackwardDelta(tt.x, delta); !same(dx.Data, tt.wantDx) {
				t.Errorf("dx = %v, want %v", dx.Data, tt.wantDx)
			}
		})
	}
}

// poolTiesInput returns n values drawn from a few levels, so that windows
// hold ties (+0 and −0 among them, which compare equal but differ in
// their bits), and NaNs of distinct payloads in about one value in nanEvery
// (none if nanEvery is 0), so that which NaN of a window wins shows in y.
func poolTiesInput(rng *rand.Rand, n, nanEvery int) []float64 {
	levels := []float64{-1, math.Copysign(0, -1), 0, 0.5, 1, 2}
	x := make([]float64, n)
	for i := range x {
		x[i] = levels[rng.IntN(len(levels))]
		if nanEvery > 0 && rng.IntN(nanEvery) == 0 {
			x[i] = math.Float64frombits(0x7ff8000000000000 | uint64(i+1))
		}
	}
	return x
}

// poolSameBits fails t unless got and want hold the same bits: the same
// zero signs and the same NaNs.
func poolSameBits(t *testing.T, what string, got, want []float64) {
	t.Helper()
	poolSame(t, what, got, want, false)
}

// poolSame is poolSameBits, except that with anyNaN a NaN matches any NaN.
// Which NaN a sum of two NaNs returns is not fixed (the compiler may put
// either operand first, and did so differently under -race), while which
// input max-pooling copies is: average-pooling is compared with anyNaN.
func poolSame(t *testing.T, what string, got, want []float64, anyNaN bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if anyNaN && math.IsNaN(got[i]) && math.IsNaN(want[i]) {
			continue
		}
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s: value %d is %v (%#x), want %v (%#x)", what, i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
		}
	}
}

// TestPoolSameAsDefinition asks the poolings for poolRef's float64s bit
// for bit, on inputs full of ties, signed zeros and NaNs, at GOMAXPROCS 1,
// 2 and 4: y and dx, max-pooling's fast path for windows of 2 columns
// moved by 2 (pairs) as well as its general loop, and average-pooling,
// which sums in poolRef's order from +0 (so that a window of −0s averages
// to +0, as in PyTorch), its NaNs compared as NaNs.
func TestPoolSameAsDefinition(t *testing.T) {
	cases := []struct {
		poolCase
		pairs bool // max-pooling takes the fast path
	}{
		{poolCase{name: "max 1d 2/2", dims: 1, max: true, batch: 5, h: 1, w: 12, ch: 3, kh: 1, kw: 2, step: 2}, true},
		{poolCase{name: "max 1d 2/2 odd length", dims: 1, max: true, batch: 3, h: 1, w: 9, ch: 1, kh: 1, kw: 2, step: 2}, true},
		{poolCase{name: "max 1d 2/1 overlapping", dims: 1, max: true, batch: 2, h: 1, w: 9, ch: 2, kh: 1, kw: 2, step: 1}, false},
		{poolCase{name: "max 1d 3/2 overlapping", dims: 1, max: true, batch: 6, h: 1, w: 11, ch: 2, kh: 1, kw: 3, step: 2}, false},
		{poolCase{name: "max 1d 2/3 gaps", dims: 1, max: true, batch: 2, h: 1, w: 11, ch: 3, kh: 1, kw: 2, step: 3}, false},
		{poolCase{name: "max 2d 2x2/2", dims: 2, max: true, batch: 7, h: 6, w: 8, ch: 4, kh: 2, kw: 2, step: 2}, true},
		{poolCase{name: "max 2d 2x2/2 odd sizes", dims: 2, max: true, batch: 3, h: 5, w: 7, ch: 3, kh: 2, kw: 2, step: 2}, true},
		{poolCase{name: "max 2d 1x2/2", dims: 2, max: true, batch: 2, h: 5, w: 6, ch: 2, kh: 1, kw: 2, step: 2}, true},
		{poolCase{name: "max 2d 2x2/1 overlapping", dims: 2, max: true, batch: 2, h: 4, w: 5, ch: 2, kh: 2, kw: 2, step: 1}, false},
		{poolCase{name: "max 2d 3x3/2", dims: 2, max: true, batch: 5, h: 7, w: 7, ch: 2, kh: 3, kw: 3, step: 2}, false},
		{poolCase{name: "max 2d 2x1/2", dims: 2, max: true, batch: 2, h: 6, w: 5, ch: 3, kh: 2, kw: 1, step: 2}, false},
		{poolCase{name: "avg 1d 2/2", dims: 1, batch: 5, h: 1, w: 12, ch: 3, kh: 1, kw: 2, step: 2}, false},
		{poolCase{name: "avg 2d 2x2/2", dims: 2, batch: 5, h: 6, w: 6, ch: 2, kh: 2, kw: 2, step: 2}, false},
		{poolCase{name: "avg 2d 3x3/2", dims: 2, batch: 3, h: 7, w: 6, ch: 2, kh: 3, kw: 3, step: 2}, false},
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.layer()
			if c.max {
				if got := layers.PoolPairs(m); got != c.pairs {
					t.Fatalf("fast path taken: %v, want %v", got, c.pairs)
				}
			}
			rng := rand.New(rand.NewPCG(8, 16))
			for _, nanEvery := range []int{0, 7} {
				x := tensor.FromSlice(poolTiesInput(rng, len(tensor.New(c.inShape()...).Data), nanEvery), c.inShape()...)
				delta := tensor.New(c.outShape()...).FillNormal(rng, 0, 1)
				y, dx := poolRef(c.poolCase, x.Data, delta.Data)
				for _, procs := range []int{1, 2, 4} {
					runtime.GOMAXPROCS(procs)
					what := fmt.Sprintf("NaNs 1/%d, GOMAXPROCS %d", nanEvery, procs)
					poolSame(t, what+": y", m.Forward(x).Data, y, !c.max)
					poolSame(t, what+": dx", m.BackwardDelta(x, delta).Data, dx, !c.max)
				}
			}
		})
	}
}

// TestMaxPoolStaleIndices checks that max-pooling's BackwardDelta uses the
// arg-maxes its Forward recorded only for the same x: after Forward on x1
// then on x2, BackwardDelta(x1, δ) routes δ as x1's maxima say, and does so
// without touching the y that Forward(x2) returned; the same data seen
// with another shape is another x. Routing through indices found again
// allocates nothing once the buffers exist.
func TestMaxPoolStaleIndices(t *testing.T) {
	cases := []poolCase{
		{name: "1d 2/2", dims: 1, max: true, batch: 5, h: 1, w: 8, ch: 4, kh: 1, kw: 2, step: 2},
		{name: "1d 3/2", dims: 1, max: true, batch: 5, h: 1, w: 8, ch: 4, kh: 1, kw: 3, step: 2},
		{name: "2d 2x2/2", dims: 2, max: true, batch: 5, h: 4, w: 8, ch: 2, kh: 2, kw: 2, step: 2},
		{name: "2d 3x3/1", dims: 2, max: true, batch: 5, h: 4, w: 8, ch: 2, kh: 3, kw: 3, step: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, 17))
			m := c.layer()
			x1 := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
			x2 := tensor.New(c.inShape()...).FillNormal(rng, 0, 1)
			delta := tensor.New(c.outShape()...).FillNormal(rng, 0, 1)
			y1, dx1 := poolRef(c, x1.Data, delta.Data)
			y2, dx2 := poolRef(c, x2.Data, delta.Data)

			m.Forward(x1)
			y := m.Forward(x2)
			poolSameBits(t, "BackwardDelta(x1) after Forward(x2)", m.BackwardDelta(x1, delta).Data, dx1)
			poolSameBits(t, "Forward(x2)'s y after BackwardDelta(x1)", y.Data, y2)
			poolSameBits(t, "BackwardDelta(x2) after BackwardDelta(x1)", m.BackwardDelta(x2, delta).Data, dx2)
			poolSameBits(t, "Forward(x1)", m.Forward(x1).Data, y1)
			poolSameBits(t, "BackwardDelta(x1) after Forward(x1)", m.BackwardDelta(x1, delta).Data, dx1)

			// x1's storage read as images of half the width and twice the
			// channels (or sequences of twice the channels).
			other := c
			other.w, other.ch = c.w/2, 2*c.ch
			view := tensor.FromSlice(x1.Data, other.inShape()...)
			dView := tensor.New(other.outShape()...).FillNormal(rng, 0, 1)
			_, want := poolRef(other, view.Data, dView.Data)
			m.Forward(x1)
			poolSameBits(t, "BackwardDelta(x1's data, another shape)", m.BackwardDelta(view, dView).Data, want)

			alternate := func() {
				m.Forward(x2)
				m.BackwardDelta(x1, delta)
			}
			alternate()
			if n := testing.AllocsPerRun(10, alternate); n != 0 {
				t.Errorf("%v allocations per Forward(x2), BackwardDelta(x1), want 0", n)
			}
		})
	}
}

func TestPoolPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want []string
	}{
		{"MaxPool1D rank", func() { layers.NewMaxPool1D(2, 2).Forward(tensor.New(2, 10)) }, []string{"layers.MaxPool1D.Forward", "[2 10]", "(batch, length, channels)"}},
		{"AvgPool1D too short", func() { layers.NewAvgPool1D(3, 1).Forward(tensor.New(2, 2, 4)) }, []string{"layers.AvgPool1D.Forward", "[2 2 4]", "window 3"}},
		{"MaxPool2D rank", func() { layers.NewMaxPool2D(2, 2, 2).Forward(tensor.New(2, 4, 4)) }, []string{"layers.MaxPool2D.Forward", "[2 4 4]", "(batch, height, width, channels)"}},
		{"MaxPool2D delta", func() { layers.NewMaxPool2D(2, 2, 2).BackwardDelta(tensor.New(1, 5, 4, 3), tensor.New(1, 2, 2, 2)) }, []string{"layers.MaxPool2D.BackwardDelta", "[1 2 2 2]", "[1 2 2 3]"}},
		{"AvgPool2D too small", func() { layers.NewAvgPool2D(3, 2, 1).Forward(tensor.New(1, 2, 4, 1)) }, []string{"layers.AvgPool2D.Forward", "[1 2 4 1]", "window 3×2"}},
		{"NewMaxPool1D window 0", func() { layers.NewMaxPool1D(0, 1) }, []string{"layers.NewMaxPool1D", "window 1×0"}},
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

// BenchmarkPoolStep times Forward then BackwardDelta of the max-poolings of
// the course networks on a batch of 32, on inputs that went through a ReLU
// (about half of them 0, so that windows hold ties, as in training).
func BenchmarkPoolStep(b *testing.B) {
	cases := []struct {
		name string
		m    layers.Module
		in   []int
	}{
		{"MaxPool1D_2_2_254x32", layers.NewMaxPool1D(2, 2), []int{32, 254, 32}},
		{"MaxPool2D_2x2_2_16x16x16", layers.NewMaxPool2D(2, 2, 2), []int{32, 16, 16, 16}},
		{"MaxPool2D_2x2_2_8x8x32", layers.NewMaxPool2D(2, 2, 2), []int{32, 8, 8, 32}},
		{"MaxPool2D_3x3_2_16x16x16", layers.NewMaxPool2D(3, 3, 2), []int{32, 16, 16, 16}},
	}
	for _, c := range cases {
		rng := rand.New(rand.NewPCG(8, 15))
		x := tensor.New(c.in...).FillNormal(rng, 0, 1)
		for i, v := range x.Data {
			x.Data[i] = max(v, 0)
		}
		delta := c.m.Forward(x).Clone().FillNormal(rng, 0, 1)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.m.Forward(x)
				c.m.BackwardDelta(x, delta)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x.Data)), "ns/input")
		})
	}
}

package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// exact is the tolerance for values that should come out of a formula with
// only a rounding or two of error.
const exact = 1e-14

// statTol is how many standard errors a sample statistic may stray from its
// expected value.
const statTol = 5

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// noNoise is DefaultArtiOptions without the final noise, so that tests can
// check the points against their formulas.
func noNoise() ArtiOptions {
	o := DefaultArtiOptions()
	o.Epsilon = 0
	return o
}

func TestArtiShapesLabelsAndShuffle(t *testing.T) {
	for kind := TwoGaussians; kind <= Spirals; kind++ {
		t.Run(kind.String(), func(t *testing.T) {
			const n = 400
			X, y := Arti(kind, n, DefaultArtiOptions(), newRNG(1))
			if X.Rows() != n || X.Cols() != 2 || y.Rows() != n || y.Cols() != 1 {
				t.Fatalf("shapes %v and %v, want [%d 2] and [%d 1]", X.Shape, y.Shape, n, n)
			}
			pos, posFirstHalf := 0, 0
			for i, v := range y.Data {
				if v != 1 && v != -1 {
					t.Fatalf("label %v at %d", v, i)
				}
				if v == 1 {
					pos++
					if i < n/2 {
						posFirstHalf++
					}
				}
			}
			if kind != Checkerboard && pos != n/2 {
				t.Errorf("%d labels +1, want %d", pos, n/2)
			}
			// The groups are generated one after the other; shuffled, the
			// first half holds about half of the +1 labels, not all or none.
			if posFirstHalf < pos/4 || posFirstHalf > 3*pos/4 {
				t.Errorf("%d of %d labels +1 in the first half: not shuffled", posFirstHalf, pos)
			}
			for _, v := range X.Data {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite coordinate %v", v)
				}
			}
		})
	}
}

func TestArtiSameSeedSameData(t *testing.T) {
	X1, y1 := Arti(FourGaussians, 100, DefaultArtiOptions(), newRNG(7))
	X2, y2 := Arti(FourGaussians, 100, DefaultArtiOptions(), newRNG(7))
	X3, _ := Arti(FourGaussians, 100, DefaultArtiOptions(), newRNG(8))
	if tensor.MaxAbsDiff(X1, X2) != 0 || tensor.MaxAbsDiff(y1, y2) != 0 {
		t.Error("the same seed gave different data")
	}
	if tensor.MaxAbsDiff(X1, X3) == 0 {
		t.Error("different seeds gave the same data")
	}
}

// moments returns the mean and the (biased) variance of the values.
func moments(v []float64) (mean, variance float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(v))
}

// TestArtiGaussians checks each Gaussian's size, centre and spread. The
// spread is the point: Sigma is a variance, so the coordinates' variance
// must be Sigma + Epsilon², not Sigma².
func TestArtiGaussians(t *testing.T) {
	const n = 8000
	opts := DefaultArtiOptions()
	opts.Center, opts.Sigma, opts.Epsilon = 1.5, 0.1, 0.05
	wantVar := opts.Sigma + opts.Epsilon*opts.Epsilon
	c := opts.Center
	tests := []struct {
		kind    Kind
		centres map[[2]float64]float64 // centre → label
	}{
		{TwoGaussians, map[[2]float64]float64{{c, c}: 1, {-c, -c}: -1}},
		{FourGaussians, map[[2]float64]float64{{c, c}: 1, {-c, -c}: 1, {-c, c}: -1, {c, -c}: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			X, y := Arti(tt.kind, n, opts, newRNG(2))
			// Assign each point to the centre of its quadrant: the centres
			// are 1.5/√0.1 ≈ 4.7 standard deviations from the axes.
			groups := map[[2]float64][2][]float64{}
			for i := 0; i < n; i++ {
				p := X.Row(i)
				k := [2]float64{math.Copysign(c, p[0]), math.Copysign(c, p[1])}
				label, ok := tt.centres[k]
				if !ok {
					t.Fatalf("point %v near no centre", p)
				}
				if y.Data[i] != label {
					t.Fatalf("point %v labelled %v, want %v", p, y.Data[i], label)
				}
				g := groups[k]
				g[0], g[1] = append(g[0], p[0]), append(g[1], p[1])
				groups[k] = g
			}
			m := n / len(tt.centres)
			for k, g := range groups {
				if len(g[0]) != m {
					t.Errorf("centre %v: %d points, want %d", k, len(g[0]), m)
				}
				for d := 0; d < 2; d++ {
					mean, v := moments(g[d])
					seMean, seVar := math.Sqrt(wantVar/float64(m)), wantVar*math.Sqrt(2/float64(m))
					if math.Abs(mean-k[d]) > statTol*seMean {
						t.Errorf("centre %v, coordinate %d: mean %.4f", k, d, mean)
					}
					if math.Abs(v-wantVar) > statTol*seVar {
						t.Errorf("centre %v, coordinate %d: variance %.4f, want %.4f (Sigma is a variance)", k, d, v, wantVar)
					}
				}
			}
		})
	}
}

// checkerParity is the course's rule written as NumPy computes it: the
// floored modulo, never negative.
func checkerParity(x1, x2 float64) float64 {
	s := math.Ceil(x1) + math.Ceil(x2)
	if s-2*math.Floor(s/2) == 1 {
		return 1
	}
	return -1
}

func TestCheckerLabel(t *testing.T) {
	tests := []struct {
		x1, x2, want float64
	}{
		{0.5, 0.5, -1},   // 1 + 1 = 2
		{0.5, -0.5, 1},   // 1 + 0 = 1
		{-0.5, -0.5, -1}, // 0 + 0 = 0
		{-2.5, -1.5, 1},  // −2 − 1 = −3: odd, though −3 % 2 = −1 in Go
		{-3.5, -0.5, 1},  // −3 + 0 = −3
		{-3.5, -2.5, 1},  // −3 − 2 = −5
		{-4, -4, -1},     // −4 − 4 = −8
		{3.5, -3.5, 1},   // 4 − 3 = 1
		{1, 1, -1},       // ⌈1⌉ = 1: 2
	}
	for _, tt := range tests {
		if got := checkerLabel(tt.x1, tt.x2); got != tt.want {
			t.Errorf("checkerLabel(%v, %v) = %v, want %v", tt.x1, tt.x2, got, tt.want)
		}
		if got := checkerParity(tt.x1, tt.x2); got != tt.want {
			t.Errorf("checkerParity(%v, %v) = %v, want %v", tt.x1, tt.x2, got, tt.want)
		}
	}
}

func TestArtiCheckerboard(t *testing.T) {
	const n = 6400
	X, y := Arti(Checkerboard, n, noNoise(), newRNG(3))
	var squares [8][8]int
	for i := 0; i < n; i++ {
		p := X.Row(i)
		if p[0] < -4 || p[0] >= 4 || p[1] < -4 || p[1] >= 4 {
			t.Fatalf("point %v outside [-4, 4)²", p)
		}
		if want := checkerParity(p[0], p[1]); y.Data[i] != want {
			t.Fatalf("point %v labelled %v, want %v", p, y.Data[i], want)
		}
		squares[int(p[0]+4)][int(p[1]+4)]++
	}
	// Uniform: each of the 64 squares gets n/64 = 100 points, ± a binomial
	// spread of √(100·63/64) ≈ 10.
	for i := range squares {
		for j, c := range squares[i] {
			if math.Abs(float64(c)-100) > statTol*10 {
				t.Errorf("square (%d, %d): %d points, want about 100", i-4, j-4, c)
			}
		}
	}
}

func TestArtiCurves(t *testing.T) {
	const n = 200
	opts := noNoise()
	opts.Factor, opts.Turns = 0.5, 2
	tests := []struct {
		kind Kind
		// dist is the distance from p to the curve of its label.
		dist func(p []float64, label float64) float64
	}{
		{Circles, func(p []float64, label float64) float64 {
			r := 1.0
			if label == 1 {
				r = opts.Factor
			}
			return math.Abs(math.Hypot(p[0], p[1]) - r)
		}},
		{Moons, func(p []float64, label float64) float64 {
			// The +1 moon is the −1 moon turned by π about (1/2, 1/4).
			x, y := p[0], p[1]
			if label == 1 {
				x, y = 1-x, 0.5-y
			}
			if y < -exact {
				return math.Inf(1) // on the wrong half of the circle
			}
			return math.Abs(math.Hypot(x, y) - 1)
		}},
		{Spirals, func(p []float64, label float64) float64 {
			r := math.Hypot(p[0], p[1])
			theta := 2 * math.Pi * opts.Turns * r
			if label == 1 {
				theta += math.Pi
			}
			s, c := math.Sincos(theta)
			return math.Hypot(p[0]-r*c, p[1]-r*s)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			X, y := Arti(tt.kind, n, opts, newRNG(4))
			for i := 0; i < n; i++ {
				if d := tt.dist(X.Row(i), y.Data[i]); d > 1e-12 {
					t.Fatalf("point %v labelled %v is %g off its curve", X.Row(i), y.Data[i], d)
				}
			}
		})
	}
}

// TestArtiNoise checks that Epsilon is the standard deviation of the noise:
// the points of Circles spread radially around their circle.
func TestArtiNoise(t *testing.T) {
	const n = 8000
	opts := DefaultArtiOptions()
	opts.Epsilon = 0.03
	X, y := Arti(Circles, n, opts, newRNG(5))
	dev := make([]float64, n)
	for i := range dev {
		r := 1.0
		if y.Data[i] == 1 {
			r = opts.Factor
		}
		dev[i] = math.Hypot(X.At(i, 0), X.At(i, 1)) - r
	}
	// The radial deviation of a point with isotropic noise ε is about
	// N(0, ε²), up to terms in ε²/r.
	_, v := moments(dev)
	want := opts.Epsilon * opts.Epsilon
	if se := want * math.Sqrt(2.0/n); math.Abs(v-want) > statTol*se+want*opts.Epsilon {
		t.Errorf("radial variance %.3g, want about %.3g", v, want)
	}
}

func TestArtiErrors(t *testing.T) {
	def := DefaultArtiOptions()
	with := func(f func(*ArtiOptions)) ArtiOptions {
		o := def
		f(&o)
		return o
	}
	tests := []struct {
		kind Kind
		n    int
		opts ArtiOptions
		want string
	}{
		{TwoGaussians, 0, def, "n = 0"},
		{TwoGaussians, -4, def, "n = -4"},
		{TwoGaussians, 999, def, "2 equal groups"},
		{FourGaussians, 1002, def, "4 equal groups"},
		{Moons, 7, def, "2 equal groups"},
		{Kind(6), 10, def, "unknown kind"},
		{Kind(-1), 10, def, "unknown kind"},
		{TwoGaussians, 10, ArtiOptions{}, "Center = 0"},
		{FourGaussians, 8, with(func(o *ArtiOptions) { o.Sigma = -0.1 }), "Sigma = -0.1"},
		{TwoGaussians, 10, with(func(o *ArtiOptions) { o.Epsilon = math.NaN() }), "Epsilon = NaN"},
		{Checkerboard, 10, with(func(o *ArtiOptions) { o.Epsilon = math.Inf(1) }), "Epsilon = +Inf"},
		{Circles, 10, with(func(o *ArtiOptions) { o.Factor = 1 }), "Factor = 1"},
		{Spirals, 10, with(func(o *ArtiOptions) { o.Turns = 0 }), "Turns = 0"},
	}
	for _, tt := range tests {
		err := tt.opts.Check(tt.kind, tt.n)
		if err == nil || !strings.HasPrefix(err.Error(), "data.Arti(") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v.Check(%v, %d) = %v, want an error naming data.Arti and containing %q", tt.opts, tt.kind, tt.n, err, tt.want)
			continue
		}
		if msg := panicMessage(func() { Arti(tt.kind, tt.n, tt.opts, newRNG(1)) }); msg != err.Error() {
			t.Errorf("Arti(%v, %d, %+v) panicked with %q, want Check's %q", tt.kind, tt.n, tt.opts, msg, err)
		}
	}
	// Kinds that do not use an option ignore it.
	if err := (ArtiOptions{}).Check(Checkerboard, 9); err != nil {
		t.Errorf("Checkerboard with zero options: %v", err)
	}
	if msg := panicMessage(func() { Arti(Checkerboard, 9, ArtiOptions{}, newRNG(1)) }); msg != "" {
		t.Errorf("Checkerboard with zero options panicked: %s", msg)
	}
}

// panicMessage calls f and returns the string it panics with, or "" if it
// does not panic.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestParseKind(t *testing.T) {
	for k := TwoGaussians; k <= Spirals; k++ {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if got, err := ParseKind("XOR"); err != nil || got != FourGaussians {
		t.Errorf(`ParseKind("XOR") = %v, %v`, got, err)
	}
	if _, err := ParseKind("gaussians"); err == nil {
		t.Error(`ParseKind("gaussians") gave no error`)
	}
	if s := Kind(42).String(); s != "Kind(42)" {
		t.Errorf("Kind(42).String() = %q", s)
	}
}

func TestRegression(t *testing.T) {
	const n = 5000
	opts := DefaultRegressionOptions()
	opts.Noise = 0
	X, y := Regression(n, opts, newRNG(6))
	for i, x := range X.Data {
		if x < opts.XMin || x >= opts.XMax {
			t.Fatalf("x = %v outside [%v, %v)", x, opts.XMin, opts.XMax)
		}
		// float64(3*x) rounds the product, as Regression does: arm64
		// would fuse 3*x + 4 into one multiply-add otherwise.
		if want := float64(3*x) + 4; y.Data[i] != want {
			t.Fatalf("y(%v) = %v, want 3x + 4 = %v", x, y.Data[i], want)
		}
	}

	// With noise: the least-squares line recovers a and b, and the
	// residuals have the noise's variance.
	opts.Noise = 0.5
	X, y = Regression(n, opts, newRNG(6))
	mx, vx := moments(X.Data)
	my, _ := moments(y.Data)
	cov := 0.0
	for i, x := range X.Data {
		cov += (x - mx) * (y.Data[i] - my)
	}
	a := cov / n / vx
	b := my - a*mx
	res := make([]float64, n)
	for i, x := range X.Data {
		res[i] = y.Data[i] - (a*x + b)
	}
	_, vr := moments(res)
	seA := opts.Noise / math.Sqrt(n*vx)
	if math.Abs(a-3) > statTol*seA || math.Abs(b-4) > statTol*opts.Noise/math.Sqrt(n) {
		t.Errorf("fitted y = %.4f·x + %.4f, want 3x + 4", a, b)
	}
	if want := opts.Noise * opts.Noise; math.Abs(vr-want) > statTol*want*math.Sqrt(2.0/n) {
		t.Errorf("residual variance %.4f, want %.4f", vr, want)
	}

	for _, bad := range []struct {
		n    int
		opts RegressionOptions
		want string
	}{
		{0, DefaultRegressionOptions(), "n = 0"},
		{10, RegressionOptions{}, "XMin = 0, XMax = 0"},
		{10, RegressionOptions{A: 1, XMin: 0, XMax: 1, Noise: -1}, "Noise = -1"},
		{10, RegressionOptions{A: math.NaN(), XMin: 0, XMax: 1}, "not all finite"},
	} {
		err := bad.opts.Check(bad.n)
		if err == nil || !strings.HasPrefix(err.Error(), "data.Regression: ") || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v.Check(%d) = %v, want an error naming data.Regression and containing %q", bad.opts, bad.n, err, bad.want)
			continue
		}
		if msg := panicMessage(func() { Regression(bad.n, bad.opts, newRNG(1)) }); msg != err.Error() {
			t.Errorf("Regression(%d, %+v) panicked with %q, want Check's %q", bad.n, bad.opts, msg, err)
		}
	}
}

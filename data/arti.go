package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/nndiy/nndiy/internal/portable"
	"github.com/nndiy/nndiy/tensor"
)

// Kind names one of the artificial two-class distributions in the plane that
// Arti generates. The first three are the course's gen_arti data types and
// have its numbers (data_type 0, 1 and 2).
type Kind int

const (
	// TwoGaussians: n/2 points around (+c, +c) labelled +1 and n/2 around
	// (−c, −c) labelled −1. Linearly separable.
	TwoGaussians Kind = iota
	// FourGaussians, the "XOR" problem: n/4 points around each of (+c, +c)
	// and (−c, −c) labelled +1, and around each of (−c, +c) and (+c, −c)
	// labelled −1. No line separates the classes.
	FourGaussians
	// Checkerboard: n points uniform in [−4, 4)², labelled +1 where
	// ⌈x₁⌉ + ⌈x₂⌉ is odd and −1 where it is even: an 8×8 board of unit squares.
	Checkerboard
	// Circles: n/2 points evenly spaced on the unit circle labelled −1 and
	// n/2 on a concentric circle of radius Factor labelled +1, as
	// scikit-learn's make_circles (whose labels are 0 and 1).
	Circles
	// Moons: two interleaved half circles of n/2 points each, as
	// scikit-learn's make_moons: (cos t, sin t) labelled −1 and
	// (1 − cos t, 1/2 − sin t) labelled +1, for n/2 values of t evenly
	// spaced from 0 to π.
	Moons
	// Spirals: two interleaved spirals of n/2 points each that turn Turns
	// times around the origin: at t = i/(n/2) for i = 1 … n/2, the point at
	// radius t and angle θ = 2π·Turns·t is labelled −1 and its mirror image
	// through the origin, at angle θ + π, is labelled +1.
	Spirals
)

var kindNames = [...]string{
	TwoGaussians:  "two-gaussians",
	FourGaussians: "four-gaussians",
	Checkerboard:  "checkerboard",
	Circles:       "circles",
	Moons:         "moons",
	Spirals:       "spirals",
}

// String returns the kind's name, which ParseKind reads back:
// "two-gaussians", "four-gaussians", "checkerboard", "circles", "moons" or
// "spirals".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind returns the Kind with the given name, as String writes it; "xor"
// is also accepted for FourGaussians. Case is ignored. It is meant for
// command-line flags.
func ParseKind(s string) (Kind, error) {
	s = strings.ToLower(s)
	if s == "xor" {
		return FourGaussians, nil
	}
	for k, name := range kindNames {
		if s == name {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("data: unknown kind of artificial data %q (want one of %s, or xor)", s, strings.Join(kindNames[:], ", "))
}

// DefaultArtiN is the course's default number of points, gen_arti's nbex.
const DefaultArtiN = 1000

// ArtiOptions are the parameters of Arti. Every field is used as given, zero
// included: start from DefaultArtiOptions and change what you need. Fields a
// kind does not use are ignored.
type ArtiOptions struct {
	// Center is c, the Gaussians' centres are at (±c, ±c). It must be
	// positive. The course's default is 1.
	Center float64
	// Sigma is the variance of each coordinate of a Gaussian, not its
	// standard deviation: the course's code passes diag(sigma, sigma) as a
	// covariance matrix, so its default 0.1 means a standard deviation of
	// √0.1 ≈ 0.316.
	Sigma float64
	// Epsilon is the standard deviation of the Gaussian noise added to both
	// coordinates of every point, for every kind, after the labels are set
	// (so noise can carry a checkerboard point over a square's edge). The
	// course's default is 0.02.
	Epsilon float64
	// Factor is the radius of the inner circle of Circles, relative to the
	// outer one; it must be in (0, 1). scikit-learn's default is 0.8.
	Factor float64
	// Turns is how many times each arm of Spirals turns around the origin;
	// it must be positive. The default is 1.5.
	Turns float64
}

// DefaultArtiOptions returns the course's defaults c = 1, sigma = 0.1 and
// epsilon = 0.02, with Factor = 0.8 and Turns = 1.5 for the other kinds.
func DefaultArtiOptions() ArtiOptions {
	return ArtiOptions{Center: 1, Sigma: 0.1, Epsilon: 0.02, Factor: 0.8, Turns: 1.5}
}

// Arti generates n labelled points of the given kind, the course's gen_arti:
// X is n×2, one point per row, and y is n×1 with labels −1 and +1. Noise of
// standard deviation opts.Epsilon is added to both coordinates of every
// point, then the rows are shuffled. All randomness comes from rng, so the
// same seed gives the same data, bit for bit, on every architecture (see
// "Same seed, same data" in the package documentation).
//
// n must be positive and split evenly between the groups of the kind:
// even for TwoGaussians, Circles, Moons and Spirals, a multiple of 4 for
// FourGaussians (the course's code would silently drop points). Arti panics
// otherwise, or when an option is out of its range, with the message of
// opts.Check's error: a program that takes the kind, n or the options from
// outside (a form, a file) calls Check first.
func Arti(kind Kind, n int, opts ArtiOptions, rng *rand.Rand) (X, y *tensor.Tensor) {
	if err := opts.Check(kind, n); err != nil {
		panic(err.Error())
	}
	X, y = tensor.New(n, 2), tensor.New(n, 1)
	// The course's sigma is a variance: each coordinate is drawn with
	// standard deviation √sigma.
	std, c := math.Sqrt(opts.Sigma), opts.Center
	switch kind {
	case TwoGaussians:
		h := n / 2
		gaussian(X, y, 0, h, +c, +c, std, +1, rng)
		gaussian(X, y, h, n, -c, -c, std, -1, rng)
	case FourGaussians:
		q := n / 4
		gaussian(X, y, 0, q, +c, +c, std, +1, rng)
		gaussian(X, y, q, 2*q, -c, -c, std, +1, rng)
		gaussian(X, y, 2*q, 3*q, -c, +c, std, -1, rng)
		gaussian(X, y, 3*q, n, +c, -c, std, -1, rng)
	case Checkerboard:
		for i := 0; i < n; i++ {
			// 8·u is exact: fused or not, the sum has the same bits.
			x1, x2 := -4+float64(8*rng.Float64()), -4+float64(8*rng.Float64())
			X.Set(i, 0, x1)
			X.Set(i, 1, x2)
			y.Data[i] = checkerLabel(x1, x2)
		}
	case Circles:
		h := n / 2
		for i := 0; i < h; i++ {
			t := 2 * math.Pi * float64(i) / float64(h)
			s, co := portable.Sincos(t)
			setPoint(X, y, i, co, s, -1)
			setPoint(X, y, h+i, opts.Factor*co, opts.Factor*s, +1)
		}
	case Moons:
		h := n / 2
		for i := 0; i < h; i++ {
			t := 0.0 // linspace(0, π, h), as scikit-learn
			if h > 1 {
				t = math.Pi * float64(i) / float64(h-1)
			}
			s, co := portable.Sincos(t)
			setPoint(X, y, i, co, s, -1)
			setPoint(X, y, h+i, 1-co, 0.5-s, +1)
		}
	case Spirals:
		h := n / 2
		for i := 0; i < h; i++ {
			t := float64(i+1) / float64(h)
			s, co := portable.Sincos(2 * math.Pi * opts.Turns * t)
			setPoint(X, y, i, t*co, t*s, -1)
			setPoint(X, y, h+i, -t*co, -t*s, +1)
		}
	}
	for i := range X.Data {
		X.Data[i] += float64(opts.Epsilon * portable.Norm(rng))
	}
	shuffleRows(X, y, rng)
	return X, y
}

// Check returns an error, naming data.Arti, if Arti cannot draw n points of
// the given kind with the options o, and nil if it can.
func (o ArtiOptions) Check(kind Kind, n int) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("data.Arti(%v): "+format, append([]any{kind}, args...)...)
	}
	if kind < 0 || int(kind) >= len(kindNames) {
		return bad("unknown kind")
	}
	if n <= 0 {
		return bad("n = %d, want n > 0", n)
	}
	groups := 2
	switch kind {
	case FourGaussians:
		groups = 4
	case Checkerboard:
		groups = 1
	}
	if n%groups != 0 {
		return bad("n = %d does not split into %d equal groups", n, groups)
	}
	// The comparisons are written so that NaN fails them.
	if !(o.Epsilon >= 0) || math.IsInf(o.Epsilon, 0) {
		return bad("Epsilon = %v, want a finite value ≥ 0", o.Epsilon)
	}
	switch kind {
	case TwoGaussians, FourGaussians:
		if !(o.Center > 0) || math.IsInf(o.Center, 0) {
			return bad("Center = %v, want a finite value > 0", o.Center)
		}
		if !(o.Sigma >= 0) || math.IsInf(o.Sigma, 0) {
			return bad("Sigma = %v, want a finite variance ≥ 0", o.Sigma)
		}
	case Circles:
		if !(o.Factor > 0 && o.Factor < 1) {
			return bad("Factor = %v, want a value in (0, 1)", o.Factor)
		}
	case Spirals:
		if !(o.Turns > 0) || math.IsInf(o.Turns, 0) {
			return bad("Turns = %v, want a finite value > 0", o.Turns)
		}
	}
	return nil
}

// gaussian fills rows [from, to) of X with points drawn around (cx, cy) with
// standard deviation std on each coordinate, and labels them.
//
// float64(std·z) rounds the product before the sum: Go lets arm64 fuse
// cx + std·z into one multiply-add, which rounds once, and the same seed
// would give other points there than on amd64. portable.Norm is
// rng.NormFloat64 made to give amd64's bits on every architecture.
func gaussian(X, y *tensor.Tensor, from, to int, cx, cy, std, label float64, rng *rand.Rand) {
	for i := from; i < to; i++ {
		setPoint(X, y, i, cx+float64(std*portable.Norm(rng)), cy+float64(std*portable.Norm(rng)), label)
	}
}

func setPoint(X, y *tensor.Tensor, i int, x1, x2, label float64) {
	X.Set(i, 0, x1)
	X.Set(i, 1, x2)
	y.Data[i] = label
}

// checkerLabel is +1 where ⌈x₁⌉ + ⌈x₂⌉ is odd and −1 where it is even. The
// course computes (⌈x₁⌉ + ⌈x₂⌉) mod 2 with NumPy, whose modulo is never
// negative; Go's % keeps the sign of the dividend (−3 % 2 = −1), so the
// parity is taken with &1, which is 1 for every odd integer, negative ones
// included (−3 & 1 = 1 in two's complement).
func checkerLabel(x1, x2 float64) float64 {
	if (int(math.Ceil(x1))+int(math.Ceil(x2)))&1 == 1 {
		return +1
	}
	return -1
}

// shuffleRows applies one random permutation to the rows of X and of y.
func shuffleRows(X, y *tensor.Tensor, rng *rand.Rand) {
	rng.Shuffle(X.Rows(), func(i, j int) {
		swapRows(X, i, j)
		swapRows(y, i, j)
	})
}

func swapRows(t *tensor.Tensor, i, j int) {
	a, b := t.Row(i), t.Row(j)
	for k := range a {
		a[k], b[k] = b[k], a[k]
	}
}

// RegressionOptions are the parameters of Regression: the line y = A·x + B,
// the interval [XMin, XMax) the inputs are drawn from, and the standard
// deviation Noise of the Gaussian noise added to y. Every field is used as
// given: start from DefaultRegressionOptions.
type RegressionOptions struct {
	A, B       float64
	XMin, XMax float64
	Noise      float64
}

// DefaultRegressionOptions returns the report's line y = 3x + 4, with x in
// [−1, 1) and noise of standard deviation 0.1.
func DefaultRegressionOptions() RegressionOptions {
	return RegressionOptions{A: 3, B: 4, XMin: -1, XMax: 1, Noise: 0.1}
}

// Regression generates n points of y = A·x + B + noise: X is n×1 with x drawn
// uniformly from [XMin, XMax), and y is n×1. The same seed gives the same
// data on every architecture. It panics if n ≤ 0, XMin ≥ XMax, Noise < 0, or
// a parameter is not finite, with the message of opts.Check's error.
func Regression(n int, opts RegressionOptions, rng *rand.Rand) (X, y *tensor.Tensor) {
	if err := opts.Check(n); err != nil {
		panic(err.Error())
	}
	X, y = tensor.New(n, 1), tensor.New(n, 1)
	X.FillUniform(rng, opts.XMin, opts.XMax)
	for i, x := range X.Data {
		// Each product is rounded before its sum, on every architecture.
		y.Data[i] = float64(opts.A*x) + opts.B + float64(opts.Noise*portable.Norm(rng))
	}
	return X, y
}

// Check returns an error, naming data.Regression, if Regression cannot draw
// n points with the options o, and nil if it can.
func (o RegressionOptions) Check(n int) error {
	if n <= 0 {
		return fmt.Errorf("data.Regression: n = %d, want n > 0", n)
	}
	for _, v := range []float64{o.A, o.B, o.XMin, o.XMax, o.Noise} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("data.Regression: options %+v are not all finite", o)
		}
	}
	if !(o.XMin < o.XMax) {
		return fmt.Errorf("data.Regression: XMin = %v, XMax = %v, want XMin < XMax", o.XMin, o.XMax)
	}
	if !(o.Noise >= 0) {
		return fmt.Errorf("data.Regression: Noise = %v, want Noise ≥ 0", o.Noise)
	}
	return nil
}

package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// functions are the slice functions and the math function each must
// reproduce bit for bit.
var functions = []struct {
	name  string
	slice func(dst, x []float64)
	ref   func(float64) float64
}{
	{"Exp", Exp, math.Exp},
	{"Log", Log, math.Log},
	{"Log1p", Log1p, math.Log1p},
	{"Tanh", Tanh, math.Tanh},
}

// specialValues are the arguments where the algorithms change path, their
// neighbours, and the values IEEE 754 treats specially.
func specialValues() []float64 {
	v := []float64{
		0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		1, -1, 0.5, -0.5, 2, 1e-300, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64,
		// Exp: the main path's ends, overflow, the subnormal range, underflow.
		-708, 709, -708.4, 709.78, 7.09782712893384e+02, -745.1, -746, 710, 1e10, -1e10, 0x1p-30, -0x1p-30,
		// Log: √2/2 boundary of the mantissa, powers of two.
		math.Sqrt2 / 2, math.Sqrt2, 0x1p-1022, 0x1p1023, 0.25, 1024,
		// Log1p: −1, √2 − 1, √2/2 − 1, 2⁻²⁹, 2⁻⁵⁴, 2⁵³, powers of two for u = 1 + x.
		math.Sqrt2 - 1, math.Sqrt2/2 - 1, 0x1p-29, -0x1p-29, 0x1p-54, -0x1p-54, 0x1p53, -0x1p53,
		3, 7, -0.75, -0.875, 0x1p-20, -0x1p-20, 1e-15, -1e-15,
		// Tanh: its three cases meet at 0.625 and 44.01.
		0.625, -0.625, 0.5 * 8.8029691931113054295988e+01, -0.5 * 8.8029691931113054295988e+01, 44, -44, 45, 20, -20,
	}
	var out []float64
	for _, x := range v {
		out = append(out, x)
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			for _, d := range []float64{math.Inf(1), math.Inf(-1)} {
				y := x
				for range 3 {
					y = math.Nextafter(y, d)
					out = append(out, y)
				}
			}
		}
	}
	return out
}

// randomValues returns n arguments from r: random bit patterns (every
// float64, NaNs included, is possible), and log-uniform and uniform values
// in the ranges where each function does its work.
func randomValues(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		switch r.IntN(6) {
		case 0:
			x[i] = math.Float64frombits(r.Uint64())
		case 1: // log-uniform magnitude, either sign, 1e-320 to 1e308
			x[i] = math.Exp(r.Float64()*1446-737) * float64(1-2*r.IntN(2))
		case 2: // Exp's and Tanh's working range
			x[i] = r.Float64()*1500 - 750
		case 3: // Log1p's: (−1, 1)
			x[i] = r.Float64()*2 - 1
		case 4: // Tanh's and Sigmoid's: (−50, 50)
			x[i] = r.NormFloat64() * 10
		default: // probabilities, as BCE sees them
			x[i] = r.Float64()
		}
	}
	return x
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

func check(t *testing.T, name string, slice func(dst, x []float64), ref func(float64) float64, x []float64) {
	t.Helper()
	dst := make([]float64, len(x))
	slice(dst, x)
	bad := 0
	for i, v := range x {
		if want := ref(v); !sameBits(dst[i], want) {
			if bad++; bad <= 5 {
				t.Errorf("%s(%v) [%#x] = %v [%#x], math gives %v [%#x]", name, v, math.Float64bits(v),
					dst[i], math.Float64bits(dst[i]), want, math.Float64bits(want))
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d of %d elements differ from math", name, bad, len(x))
	}
}

// TestMatchesMath compares every function with math bit for bit on the
// special values and on a million random arguments each.
func TestMatchesMath(t *testing.T) {
	t.Logf("SIMD kernels enabled: %v", Enabled)
	special := specialValues()
	random := randomValues(rand.New(rand.NewPCG(1, 2)), 1<<20)
	for _, f := range functions {
		t.Run(f.name, func(t *testing.T) {
			check(t, f.name, f.slice, f.ref, special)
			check(t, f.name, f.slice, f.ref, random)
			// Each special value in every lane, beside ordinary ones.
			for _, v := range special {
				for lane := range 4 {
					x := []float64{0.3, -0.7, 1.5, 0.01}
					x[lane] = v
					check(t, f.name, f.slice, f.ref, x)
				}
			}
		})
	}
}

// TestLengths checks every length from 0 to 13, in place and not: the
// groups of four and the tail.
func TestLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, f := range functions {
		for n := range 14 {
			x := randomValues(r, n)
			check(t, f.name, f.slice, f.ref, x)
			in := append([]float64(nil), x...)
			f.slice(in, in)
			for i := range in {
				if want := f.ref(x[i]); !sameBits(in[i], want) {
					t.Errorf("%s in place, n=%d: element %d = %v, want %v", f.name, n, i, in[i], want)
				}
			}
		}
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || r != "vmath.Tanh: dst has length 2, x has length 3" {
			t.Errorf("recovered %v", r)
		}
	}()
	Tanh(make([]float64, 2), make([]float64, 3))
}

// FuzzMatchesMath compares every function with math on four arguments at
// a time, one group of lanes.
func FuzzMatchesMath(f *testing.F) {
	f.Add(0.5, -0.25, 700.0, -1.0)
	f.Add(math.Inf(1), math.NaN(), 0x1p-1074, -0.2928932188134524)
	f.Fuzz(func(t *testing.T, a, b, c, d float64) {
		x := []float64{a, b, c, d}
		for _, fn := range functions {
			check(t, fn.name, fn.slice, fn.ref, x)
		}
	})
}

// BenchmarkFunctions times each function on 8192 arguments (a batch of 32
// auto-encoder outputs) where the layers and losses use it: standard
// normal activations for Exp and Tanh, probabilities ŷ for Log, −ŷ for
// Log1p. The /math rows are the element-by-element loops.
func BenchmarkFunctions(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	normal, p, negP := make([]float64, 8192), make([]float64, 8192), make([]float64, 8192)
	for i := range normal {
		normal[i] = r.NormFloat64() * 2
		p[i] = r.Float64()
		negP[i] = -p[i]
	}
	inputs := map[string][]float64{"Exp": normal, "Log": p, "Log1p": negP, "Tanh": normal}
	dst := make([]float64, 8192)
	for _, f := range functions {
		in := inputs[f.name]
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				f.slice(dst, in)
			}
			b.ReportMetric(float64(b.N)*float64(len(in))/b.Elapsed().Seconds()/1e6, "Melem/s")
		})
		b.Run(f.name+"/math", func(b *testing.B) {
			for b.Loop() {
				for i, v := range in {
					dst[i] = f.ref(v)
				}
			}
			b.ReportMetric(float64(b.N)*float64(len(in))/b.Elapsed().Seconds()/1e6, "Melem/s")
		})
	}
}

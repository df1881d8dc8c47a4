package portable

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// onAMD64 is whether the test runs where Go's own functions are the
// reference: there, Norm and Sincos must return their bits exactly.
var onAMD64 = runtime.GOARCH == "amd64"

// ulps is how far apart a and b are in units in the last place of a.
func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / (math.Nextafter(math.Abs(a), math.Inf(1)) - math.Abs(a))
}

// TestPinned pins fingerprints of a million normal deviates, of sines and
// cosines, and of logarithms: the bits amd64 computes, which every
// architecture must reproduce. The Norm fingerprint is that of
// rand.New(rand.NewPCG(1, 2)).NormFloat64() on amd64; its million deviates
// visit the ziggurat's tail 552 times.
func TestPinned(t *testing.T) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	norm := make([]float64, n)
	for i := range norm {
		norm[i] = Norm(rng)
	}
	var sin, cos, logs []float64
	for i := 0; i < n/10; i++ {
		u := rng.Float64()
		s, c := Sincos(100 * (u - 0.5))
		sin, cos, logs = append(sin, s), append(cos, c), append(logs, log(u))
	}
	tests := []struct {
		name   string
		values []float64
		want   string
	}{
		{"Norm", norm, "28b5aa84a1d58f0e"},
		{"Sincos: sin", sin, "f455f999a4271810"},
		{"Sincos: cos", cos, "c7fba71c16e5658b"},
		{"log", logs, "f22c5a05805b6ff9"},
	}
	for _, tt := range tests {
		if got := Fingerprint(tt.values); got != tt.want {
			t.Errorf("%s: fingerprint %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestNormIsNormFloat64 checks that Norm is rng.NormFloat64: the same values
// on amd64, taken from the same draws of rng everywhere, and elsewhere at
// most an ulp away (the last bit of a tail value).
func TestNormIsNormFloat64(t *testing.T) {
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	a, b := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
	differ := 0
	for i := 0; i < n; i++ {
		x, y := Norm(a), b.NormFloat64()
		if x == y {
			continue
		}
		differ++
		if onAMD64 || ulps(y, x) > 1 {
			t.Fatalf("draw %d: Norm %v, NormFloat64 %v", i, x, y)
		}
	}
	if a.Uint64() != b.Uint64() {
		t.Error("Norm and NormFloat64 took different numbers of draws from rng")
	}
	t.Logf("%d of %d deviates differ from NormFloat64's by an ulp on %s", differ, n, runtime.GOARCH)
}

func TestSincos(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 100_000; i++ {
		// Octants near 0 and far, and arguments near multiples of π/4.
		x := math.Ldexp(rng.Float64()-0.5, rng.IntN(40)-10)
		if i%4 == 0 {
			x = float64(rng.IntN(64)) * math.Pi / 4
		}
		// Elsewhere, math.Sincos is within an ulp of 1 (sin and cos near
		// their zeros are the small remainders of the reduction).
		s, c := Sincos(x)
		ws, wc := math.Sincos(x)
		if onAMD64 && (s != ws || c != wc) || math.Abs(s-ws) > 0x1p-52 || math.Abs(c-wc) > 0x1p-52 {
			t.Fatalf("Sincos(%v) = %v, %v; math.Sincos: %v, %v", x, s, c, ws, wc)
		}
	}
	// Special cases, as math.Sincos's, and the hand-over to math.Sincos.
	nan := math.NaN()
	for _, tt := range []struct{ x, sin, cos float64 }{
		{0, 0, 1},
		{math.Copysign(0, -1), math.Copysign(0, -1), 1},
		{math.Inf(1), nan, nan},
		{math.Inf(-1), nan, nan},
		{nan, nan, nan},
		{1 << 30, math.Sin(1 << 30), math.Cos(1 << 30)},
	} {
		s, c := Sincos(tt.x)
		same := func(a, b float64) bool {
			return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
		}
		if !same(s, tt.sin) || !same(c, tt.cos) {
			t.Errorf("Sincos(%v) = %v, %v, want %v, %v", tt.x, s, c, tt.sin, tt.cos)
		}
	}
}

// TestLogExp checks log against math.Log (whose amd64 assembly computes the
// same operations in the same order) and exp against math.Exp, whose
// assemblies are other algorithms: 1 ulp apart on arm64 and 2 on amd64
// (measured on a million arguments; amd64's uses FMA where the CPU has it).
func TestLogExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 100_000; i++ {
		u := rng.Float64()
		if got, want := log(u), math.Log(u); onAMD64 && got != want || ulps(want, got) > 1 {
			t.Fatalf("log(%v) = %v, math.Log: %v", u, got, want)
		}
		x := 40 * (u - 0.5)
		if got, want := exp(x), math.Exp(x); ulps(want, got) > 2 {
			t.Fatalf("exp(%v) = %v, math.Exp: %v", x, got, want)
		}
	}
	nan := math.NaN()
	for _, tt := range []struct {
		f       func(float64) float64
		x, want float64
	}{
		{log, 0, math.Inf(-1)}, {log, -1, nan}, {log, math.Inf(1), math.Inf(1)}, {log, nan, nan}, {log, 1, 0},
		{exp, 0, 1}, {exp, math.Inf(-1), 0}, {exp, math.Inf(1), math.Inf(1)}, {exp, -800, 0}, {exp, 710, math.Inf(1)}, {exp, nan, nan},
	} {
		if got := tt.f(tt.x); got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("f(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

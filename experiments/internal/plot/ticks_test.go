package plot

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func labels(ticks []tick, minor bool) []string {
	var out []string
	for _, t := range ticks {
		if t.Minor == minor {
			out = append(out, t.Label)
		}
	}
	return out
}

func TestLinearTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		target int
		want   string
	}{
		{0, 1, 6, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{0, 1, 3, "0.0 0.5 1.0"},
		{0, 97, 5, "0 20 40 60 80"},
		{1, 200, 6, "50 100 150 200"},
		{1, 500, 6, "100 200 300 400 500"},
		{-1.2, 4.3, 6, "−1 0 1 2 3 4"},
		{-0.35, 0.35, 5, "−0.2 0.0 0.2"},
		{0.0312, 0.0388, 5, "0.032 0.034 0.036 0.038"},
		{0.7, 0.71, 3, "0.700 0.705 0.710"},
		{-3e6, 3e6, 5, "−2e+06 0 2e+06"},
		{1e6, 3e6, 5, "1.0e+06 1.5e+06 2.0e+06 2.5e+06 3.0e+06"},
		{1000, 6000, 6, "1000 2000 3000 4000 5000 6000"},
		{-5, -1, 5, "−5 −4 −3 −2 −1"},
	}
	for _, tt := range tests {
		got := strings.Join(labels(linearTicks(tt.lo, tt.hi, tt.target), false), " ")
		if got != tt.want {
			t.Errorf("linearTicks(%g, %g, %d) = %q, want %q", tt.lo, tt.hi, tt.target, got, tt.want)
		}
	}
}

// TestLinearTicksNice checks on random ranges that the ticks lie inside
// the range, at multiples of a step of 1, 2 or 5 times a power of ten,
// and number close to the target.
func TestLinearTicksNice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		lo := (rng.Float64() - 0.5) * math.Pow(10, rng.Float64()*8-4)
		hi := lo + math.Pow(10, rng.Float64()*8-4)
		target := 3 + rng.IntN(8)
		ticks := linearTicks(lo, hi, target)
		if n := len(ticks); n < max(2, target/2) || n > 2*target {
			t.Fatalf("linearTicks(%g, %g, %d): %d ticks", lo, hi, target, n)
		}
		diff := ticks[1].V - ticks[0].V
		e := math.Floor(math.Log10(diff) + 1e-9)
		m := math.Round(diff / math.Pow(10, e))
		if !slices.Contains([]float64{1, 2, 5}, m) {
			t.Fatalf("linearTicks(%g, %g, %d): step %g is not 1, 2 or 5 times a power of ten", lo, hi, target, diff)
		}
		step := m * math.Pow(10, e)
		for i, tk := range ticks {
			if tk.V < lo-1e-9*step || tk.V > hi+1e-9*step {
				t.Fatalf("linearTicks(%g, %g, %d): tick %g outside the range", lo, hi, target, tk.V)
			}
			// A multiple k of the step, to the precision of tk.V itself.
			if r := tk.V / step; math.Abs(r-math.Round(r)) > 1e-9*max(1, math.Abs(r)) {
				t.Fatalf("linearTicks(%g, %g, %d): tick %g not a multiple of the step %g", lo, hi, target, tk.V, step)
			}
			if i > 0 && math.Abs(tk.V-ticks[i-1].V-step) > 1e-6*step {
				t.Fatalf("linearTicks(%g, %g, %d): uneven ticks %v", lo, hi, target, ticks)
			}
		}
	}
}

func TestLogTicks(t *testing.T) {
	tests := []struct {
		lo, hi     float64
		want       string // labelled ticks
		wantMinors int
	}{
		{0.01, 100, "0.01 0.1 1 10 100", 32},
		{0.05, 0.9, "0.05 0.1 0.2 0.5", 0},
		{0.3, 0.8, "0.3 0.4 0.5 0.6 0.7 0.8", 0},
		{0.15, 0.8, "0.2 0.3 0.4 0.5 0.6 0.7 0.8", 0},
		{2e-7, 0.9, "10⁻⁶ 10⁻⁵ 10⁻⁴ 10⁻³ 10⁻² 10⁻¹", 0},
		{1, 1e12, "10⁰ 10² 10⁴ 10⁶ 10⁸ 10¹⁰ 10¹²", 0},
		{100, 110, "100 105 110", 0},
	}
	for _, tt := range tests {
		ticks := logTicks(tt.lo, tt.hi)
		got := strings.Join(labels(ticks, false), " ")
		if got != tt.want || len(labels(ticks, true)) != tt.wantMinors {
			t.Errorf("logTicks(%g, %g) = %q with %d minor ticks, want %q with %d",
				tt.lo, tt.hi, got, len(labels(ticks, true)), tt.want, tt.wantMinors)
		}
	}
}

func TestFormatTick(t *testing.T) {
	tests := []struct {
		v    float64
		e    int // the ticks are multiples of 10^e
		want string
	}{
		{0, 0, "0"},
		{math.Copysign(0, -1), -1, "0.0"},
		{-1e-17, -2, "0.00"},
		{-2.5, -1, "−2.5"},
		{0.3, -1, "0.3"},
		{1500, 2, "1500"},
		{1500000, 5, "1.5e+06"},
		{1234567, 0, "1.234567e+06"},
		{-0.69999998, -8, "−0.69999998"},
		{2e-8, -8, "2e−08"},
		{0, -8, "0"},
	}
	for _, tt := range tests {
		if got := formatTick(tt.v, tt.e); got != tt.want {
			t.Errorf("formatTick(%g, %d) = %q, want %q", tt.v, tt.e, got, tt.want)
		}
	}
}

package plot

import (
	"math"
	"testing"
)

// FuzzTicks checks that linear and log ticks never panic or run away on
// any finite range, and stay inside it.
func FuzzTicks(f *testing.F) {
	f.Add(0.0, 1.0, uint8(5))
	f.Add(-1e308, 1e308, uint8(5))
	f.Add(1.0, math.Nextafter(1, 2), uint8(5))
	f.Add(1e-300, 1e300, uint8(10))
	f.Add(-3.5, -3.4999999, uint8(3))
	f.Fuzz(func(t *testing.T, lo, hi float64, target uint8) {
		if !isFinite(lo) || !isFinite(hi) || lo >= hi {
			return
		}
		n := int(target%12) + 2
		ticks := linearTicks(lo, hi, n)
		if len(ticks) < 2 || len(ticks) > 4*n+5 {
			t.Fatalf("linearTicks(%g, %g, %d): %d ticks", lo, hi, n, len(ticks))
		}
		// Ticks may overshoot the range by a rounding error.
		slack := 1e-6*(hi-lo) + 1e-15*max(math.Abs(lo), math.Abs(hi))
		seen := map[string]bool{}
		for _, tk := range ticks {
			if tk.V < lo-slack || tk.V > hi+slack || tk.Label == "" || seen[tk.Label] {
				t.Fatalf("linearTicks(%g, %g, %d): tick %+v in %+v", lo, hi, n, tk, ticks)
			}
			seen[tk.Label] = true
		}
		if lo > 0 {
			ticks := logTicks(lo, hi)
			if len(ticks) == 0 || len(ticks) > 200 {
				t.Fatalf("logTicks(%g, %g): %d ticks", lo, hi, len(ticks))
			}
			for _, tk := range ticks {
				if tk.V < lo*(1-1e-9) || tk.V > hi*(1+1e-9) {
					t.Fatalf("logTicks(%g, %g): tick %+v outside", lo, hi, tk)
				}
			}
		}
	})
}

// FuzzContour checks that marching squares never panics and keeps its
// polylines inside the grid, on grids with any values, NaN included.
func FuzzContour(f *testing.F) {
	f.Add([]byte{0, 255, 255, 0, 10, 20, 30, 40, 50}, uint8(3), uint8(128))
	f.Add([]byte{1, 2, 3, 4}, uint8(2), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, width, level uint8) {
		nx := int(width%8) + 1
		ny := len(data) / nx
		if ny == 0 {
			return
		}
		z := make([]float64, nx*ny)
		for k := range z {
			z[k] = float64(data[k])
			if data[k] == 255 {
				z[k] = math.NaN()
			}
		}
		for _, line := range contour(z, nx, ny, float64(level)+0.5) {
			if len(line) < 2 {
				t.Fatalf("polyline with %d points", len(line))
			}
			for _, p := range line {
				if !(p.X >= 0 && p.X <= float64(nx-1) && p.Y >= 0 && p.Y <= float64(ny-1)) {
					t.Fatalf("point %v outside the %d×%d grid", p, nx, ny)
				}
			}
		}
	})
}

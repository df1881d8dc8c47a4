package plot

import (
	"math"
	"testing"
)

// Tolerances of the contour tests, in grid units.
const (
	exact       = 1e-12 // linear interpolation is exact for a linear function
	circleError = 0.02  // linear interpolation of |p| along an edge, radius 6.5
)

// grid samples f on an nx×ny grid, row-major.
func grid(nx, ny int, f func(x, y float64) float64) []float64 {
	z := make([]float64, nx*ny)
	for j := range ny {
		for i := range nx {
			z[j*nx+i] = f(float64(i), float64(j))
		}
	}
	return z
}

func TestContourLine(t *testing.T) {
	// z = x − 2.3 crosses 0 on the vertical line x = 2.3, from y = 0 to y = 4.
	lines := contour(grid(6, 5, func(x, y float64) float64 { return x - 2.3 }), 6, 5, 0)
	if len(lines) != 1 {
		t.Fatalf("got %d polylines, want 1", len(lines))
	}
	line := lines[0]
	if len(line) != 5 {
		t.Fatalf("got %d points, want one per grid row, 5: %v", len(line), line)
	}
	for _, p := range line {
		if math.Abs(p.X-2.3) > exact {
			t.Errorf("point %v is not on x = 2.3", p)
		}
	}
	ends := []float64{line[0].Y, line[len(line)-1].Y}
	if min(ends[0], ends[1]) != 0 || max(ends[0], ends[1]) != 4 {
		t.Errorf("line runs from y = %g to y = %g, want 0 to 4", ends[0], ends[1])
	}
	for k := 1; k < len(line); k++ {
		if math.Abs(line[k].Y-line[k-1].Y) != 1 {
			t.Errorf("points %v and %v are not on neighbouring rows", line[k-1], line[k])
		}
	}
}

func TestContourCircle(t *testing.T) {
	const r = 6.5
	z := grid(21, 21, func(x, y float64) float64 { return math.Hypot(x-10, y-10) })
	lines := contour(z, 21, 21, r)
	if len(lines) != 1 {
		t.Fatalf("got %d polylines, want 1", len(lines))
	}
	line := lines[0]
	if line[0] != line[len(line)-1] {
		t.Errorf("the circle is not closed: %v … %v", line[0], line[len(line)-1])
	}
	// The circle crosses 4·13 grid edges, plus the repeated first point.
	if len(line) != 53 {
		t.Errorf("got %d points, want 53", len(line))
	}
	turn := 0.0 // total turning angle: 2π for a simple loop
	for k, p := range line {
		if d := math.Hypot(p.X-10, p.Y-10); math.Abs(d-r) > circleError {
			t.Errorf("point %v at distance %g from the centre, want %g", p, d, r)
		}
		if k >= 1 {
			a0 := math.Atan2(line[k-1].Y-10, line[k-1].X-10)
			a1 := math.Atan2(p.Y-10, p.X-10)
			turn += math.Remainder(a1-a0, 2*math.Pi)
		}
	}
	if math.Abs(math.Abs(turn)-2*math.Pi) > 1e-9 {
		t.Errorf("the polyline turns by %g around the centre, want ±2π", turn)
	}
}

func TestContourSaddle(t *testing.T) {
	// Corners a = (0,0) and c = (1,1) are 1, b and d are 0: a saddle.
	tests := []struct {
		level float64
		cut   [2]point // the corners that the two segments cut off
	}{
		{0.4, [2]point{{1, 0}, {0, 1}}}, // centre 0.5 ≥ 0.4: a and c joined, b and d cut off
		{0.6, [2]point{{0, 0}, {1, 1}}}, // centre 0.5 < 0.6: a and c cut off
	}
	for _, tt := range tests {
		lines := contour([]float64{1, 0, 0, 1}, 2, 2, tt.level)
		if len(lines) != 2 {
			t.Fatalf("level %g: got %d polylines, want 2", tt.level, len(lines))
		}
		for _, line := range lines {
			// Each segment's midpoint lies nearer the corner it cuts off.
			mid := point{(line[0].X + line[1].X) / 2, (line[0].Y + line[1].Y) / 2}
			d0 := math.Hypot(mid.X-tt.cut[0].X, mid.Y-tt.cut[0].Y)
			d1 := math.Hypot(mid.X-tt.cut[1].X, mid.Y-tt.cut[1].Y)
			if min(d0, d1) > 0.5 {
				t.Errorf("level %g: segment %v cuts off neither %v nor %v", tt.level, line, tt.cut[0], tt.cut[1])
			}
		}
	}
}

func TestContourNaNAndFlat(t *testing.T) {
	// A NaN in the middle of z = x − 2.5 removes the two cells beside it on
	// each of rows 1 and 2: the line breaks into two pieces.
	z := grid(6, 5, func(x, y float64) float64 { return x - 2.5 })
	z[2*6+2] = math.NaN()
	if lines := contour(z, 6, 5, 0); len(lines) != 2 {
		t.Errorf("with a NaN: got %d polylines, want 2: %v", len(lines), lines)
	}
	if lines := contour(make([]float64, 12), 4, 3, 0.5); len(lines) != 0 {
		t.Errorf("flat below the level: got %v, want no contour", lines)
	}
	if lines := contour(make([]float64, 12), 4, 3, 0); len(lines) != 0 {
		t.Errorf("flat at the level: got %v, want no contour", lines)
	}
}

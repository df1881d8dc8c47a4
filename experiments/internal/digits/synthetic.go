package digits

import (
	"math"
	"math/rand/v2"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/internal/portable"
	"github.com/nndiy/nndiy/tensor"
)

// The synthetic digits are drawn in the 16×16 square of the image, x to the
// right and y down, pixel (r, c) covering [c, c+1)×[r, r+1).
const side = data.USPSSide

// The random variations of Generate, each drawn uniformly in ±its value
// (or in the range given) for every image.
const (
	maxShift  = 1.5  // translation in pixels, each axis
	maxScale  = 0.12 // relative change of width and height
	maxRotate = 0.2  // rotation in radians (about 11°)
	maxShear  = 0.25 // slant: x += shear·(y − centre)
	jitter    = 0.35 // standard deviation of each control point's move, in pixels
	minPen    = 1.4  // pen width in pixels, drawn from [minPen, maxPen)
	maxPen    = 2.6
	minInk    = 0.75 // grey level of the strokes, drawn from [minInk, 1)
	noise     = 0.08 // standard deviation of the pixel noise
)

type point struct{ x, y float64 }

// A stroke is a polyline the pen follows.
type stroke []point

// templates[d] holds the strokes of the digit d.
var templates = [data.USPSClasses][]stroke{
	0: {arc(8, 8, 4.2, 6.2, 0, 2*math.Pi)},
	1: {line(6, 4.2, 8.5, 1.8, 8.5, 14.3)},
	2: {arc(8, 5.5, 4, 3.7, -0.95*math.Pi, 0.2*math.Pi), line(11.2, 7.7, 3.8, 14.2, 12.6, 14.2)},
	3: {arc(7.8, 5, 3.8, 3.2, -0.85*math.Pi, 0.5*math.Pi), arc(7.8, 11, 4.2, 3.3, -0.5*math.Pi, 0.85*math.Pi)},
	4: {line(10.5, 1.8, 3.2, 10.5, 13, 10.5), line(10.5, 1.8, 10.5, 14.4)},
	5: {line(12, 2, 5, 2, 4.6, 7.5), arc(7.6, 10.2, 4.2, 3.8, -0.75*math.Pi, 0.8*math.Pi)},
	6: {arc(11, 10.6, 7, 8.8, -0.55*math.Pi, -math.Pi), arc(7.8, 10.6, 3.8, 3.4, 0, 2*math.Pi)},
	7: {line(3, 2, 13, 2, 6.5, 14.4)},
	8: {arc(8, 4.8, 3.2, 2.9, 0, 2*math.Pi), arc(8, 11, 3.8, 3.3, 0, 2*math.Pi)},
	9: {arc(8, 5.5, 3.6, 3.4, 0, 2*math.Pi), line(11.6, 5.5, 10.5, 14.4)},
}

// line returns the polyline through the points (x₀, y₀), (x₁, y₁), ….
func line(xy ...float64) stroke {
	s := make(stroke, len(xy)/2)
	for i := range s {
		s[i] = point{xy[2*i], xy[2*i+1]}
	}
	return s
}

// arc returns the elliptic arc of centre (cx, cy) and radii rx, ry from the
// angle a0 to a1 (radians; y points down, so −π/2 is the top), as a polyline
// of segments about 1 pixel long.
func arc(cx, cy, rx, ry, a0, a1 float64) stroke {
	n := int(math.Ceil(math.Abs(a1-a0)*math.Max(rx, ry))) + 1
	s := make(stroke, n+1)
	for i := range s {
		a := a0 + float64((a1-a0)*float64(i))/float64(n)
		sin, cos := portable.Sincos(a)
		s[i] = point{cx + float64(rx*cos), cy + float64(ry*sin)}
	}
	return s
}

// Generate returns n synthetic digits drawn from generators seeded by seed,
// in a Dataset shaped as USPS: X is n×256 in [0, 1] and the labels are
// 0 … 9, each block of ten images holding every digit once in a random
// order. Image i depends only on seed and i, so Generate(m, seed) is the
// first m images of Generate(n, seed) for m ≤ n.
func Generate(n int, seed uint64) *data.Dataset {
	ds := &data.Dataset{
		X:      tensor.New(n, data.USPSPixels),
		Labels: make([]int, n),
		Source: "synthetic digits",
	}
	var perm []int
	var pts []point
	for i := range n {
		if i%data.USPSClasses == 0 {
			perm = rand.New(rand.NewPCG(seed, uint64(i))).Perm(data.USPSClasses)
		}
		d := perm[i%data.USPSClasses]
		ds.Labels[i] = d
		rng := rand.New(rand.NewPCG(seed, 1<<32|uint64(i)))
		pts = draw(ds.X.Data[i*data.USPSPixels:(i+1)*data.USPSPixels], templates[d], pts, rng)
	}
	return ds
}

// draw renders the strokes, randomly deformed, into the 256 pixels of img.
// Every product that feeds a sum is rounded by an explicit float64(·), so
// that arm64's fused multiply-adds cannot change these sums, and the sines,
// cosines and normal deviates come from internal/portable: a seed gives the
// same digits on every architecture.
// It uses buf as scratch space for the moved points and returns it.
func draw(img []float64, strokes []stroke, buf []point, rng *rand.Rand) []point {
	uniform := func(r float64) float64 { return float64((2*rng.Float64() - 1) * r) }
	// The affine map p ↦ A·(p − c) + c + t, with A = rotation·[sx shear; 0 sy].
	const c = side / 2
	sx, sy := 1+uniform(maxScale), 1+uniform(maxScale)
	shear, rot := uniform(maxShear), uniform(maxRotate)
	tx, ty := uniform(maxShift), uniform(maxShift)
	sin, cos := portable.Sincos(rot)
	a, b := cos*sx, float64(cos*shear)-float64(sin*sy)
	cc, d := sin*sx, float64(sin*shear)+float64(cos*sy)
	pen := minPen + float64((maxPen-minPen)*rng.Float64())
	ink := minInk + float64((1-minInk)*rng.Float64())

	// Each pixel's ink falls from full to none over one pixel around the
	// pen's edge, at distance pen/2 from the nearest stroke: pixels
	// farther than reach from every segment stay blank.
	reach := pen/2 + 0.5
	var dist2 [data.USPSPixels]float64
	for i := range dist2 {
		dist2[i] = reach * reach
	}
	for _, s := range strokes {
		// Move the stroke's control points.
		buf = buf[:0]
		for _, p := range s {
			x, y := p.x-c, p.y-c
			buf = append(buf, point{
				float64(a*x) + float64(b*y) + c + tx + float64(jitter*portable.Norm(rng)),
				float64(cc*x) + float64(d*y) + c + ty + float64(jitter*portable.Norm(rng)),
			})
		}
		// Lower the squared distance of the pixels within reach of each
		// segment, those of its bounding box grown by reach.
		for j := 1; j < len(buf); j++ {
			p0, p1 := buf[j-1], buf[j]
			c0, c1 := pixelRange(min(p0.x, p1.x)-reach, max(p0.x, p1.x)+reach)
			r0, r1 := pixelRange(min(p0.y, p1.y)-reach, max(p0.y, p1.y)+reach)
			for r := r0; r < r1; r++ {
				for col := c0; col < c1; col++ {
					q := point{float64(col) + 0.5, float64(r) + 0.5}
					dist2[r*side+col] = min(dist2[r*side+col], segmentDistance2(q, p0, p1))
				}
			}
		}
	}
	for i, d2 := range dist2 {
		img[i] = clamp01(float64(ink*clamp01(reach-math.Sqrt(d2))) + float64(noise*portable.Norm(rng)))
	}
	return buf
}

// pixelRange returns the pixels [lo, hi) whose centres may lie in [a, b],
// within the image.
func pixelRange(a, b float64) (lo, hi int) {
	lo = max(0, int(math.Floor(a)))
	hi = min(side, int(math.Ceil(b))+1)
	return lo, max(lo, hi)
}

// segmentDistance2 returns the squared distance from q to the segment [p0, p1].
func segmentDistance2(q, p0, p1 point) float64 {
	dx, dy := p1.x-p0.x, p1.y-p0.y
	t := 0.0
	if l2 := float64(dx*dx) + float64(dy*dy); l2 > 0 {
		t = clamp01((float64((q.x-p0.x)*dx) + float64((q.y-p0.y)*dy)) / l2)
	}
	ex, ey := q.x-p0.x-float64(t*dx), q.y-p0.y-float64(t*dy)
	return float64(ex*ex) + float64(ey*ey)
}

func clamp01(v float64) float64 { return math.Min(1, math.Max(0, v)) }

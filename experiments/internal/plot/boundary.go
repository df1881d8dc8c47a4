package plot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
)

// A DecisionBoundary shows a 2-D classifier: its score on a grid over the
// data as a two-colour background, the contour where the score equals
// Level (the decision boundary), and the labelled points on top.
//
// The background is light so that the points stay visible: a point whose
// colour matches the tint under it is classified correctly. Each side of
// the contour is tinted with the colour of one class, more strongly the
// further the score is from Level.
type DecisionBoundary struct {
	Scatter // the points and the labels; the grid spans them plus 8%

	// Score fills out[k] with the classifier's score at the point
	// (xy[2k], xy[2k+1]), for the n = len(out) points of xy (an n×2
	// matrix, row-major). It is called once, with all the grid points, so
	// that a network can evaluate them as one batch. Pointwise adapts a
	// function of one point.
	Score func(xy, out []float64)
	// Level is the score on the boundary: 0 for ±1 labels, 0.5 for a
	// sigmoid output.
	Level float64
	// Resolution is the number of grid points per side (default 150).
	Resolution int
	// Below and Above are the colours of the two sides (score < Level and
	// score ≥ Level); by default the colours of the first two groups, so
	// with Scatter.AddByLabel the side of class −1 or 0 takes that class's
	// colour.
	Below, Above string
	// Range is the distance |score − Level| at which the tint is at its
	// strongest; 0 means the largest distance on the grid.
	Range float64
}

// NewDecisionBoundary returns a decision-boundary plot of score with the
// boundary at level, its axes labelled x₁ and x₂. Add the points with Add
// or AddByLabel.
func NewDecisionBoundary(title string, score func(xy, out []float64), level float64) *DecisionBoundary {
	return &DecisionBoundary{Scatter: Scatter{Title: title, XLabel: "x₁", YLabel: "x₂"}, Score: score, Level: level}
}

// Pointwise adapts a function of one point to DecisionBoundary.Score.
func Pointwise(f func(x1, x2 float64) float64) func(xy, out []float64) {
	return func(xy, out []float64) {
		for k := range out {
			out[k] = f(xy[2*k], xy[2*k+1])
		}
	}
}

// WriteSVG writes the plot as an SVG document.
func (d *DecisionBoundary) WriteSVG(w io.Writer) error { return writeSVG(w, d) }

// SaveSVG writes the plot as an SVG file.
func (d *DecisionBoundary) SaveSVG(path string) error { return SaveSVG(path, d) }

const (
	contourColour = "#1A1A1A"
	tintMin       = 0.08 // tint next to the boundary (share of the class colour)
	tintMax       = 0.36 // tint at Range and beyond
)

func (d *DecisionBoundary) draw(c *canvas, x, y float64) error {
	if d.Score == nil {
		return fmt.Errorf("plot: decision boundary %q has no Score function", d.Title)
	}
	xa, ya, err := d.bounds(0.08)
	if err != nil {
		return err
	}
	n := d.Resolution
	if n <= 0 {
		n = 150
	}
	n = max(n, 2)

	// Scores at the centres of an n×n grid of cells; row j = 0 is at the bottom.
	dx, dy := (xa.hi-xa.lo)/float64(n), (ya.hi-ya.lo)/float64(n)
	xy := make([]float64, 2*n*n)
	for j := range n {
		for i := range n {
			xy[2*(j*n+i)] = xa.lo + (float64(i)+0.5)*dx
			xy[2*(j*n+i)+1] = ya.lo + (float64(j)+0.5)*dy
		}
	}
	z := make([]float64, n*n)
	d.Score(xy, z)
	for k, v := range z {
		if math.IsInf(v, 0) {
			z[k] = math.NaN() // not drawable; keeps the auto range finite
		}
	}

	below, above := d.Below, d.Above
	if below == "" {
		below = d.groupColour(0)
	}
	if above == "" {
		above = d.groupColour(1)
	}
	entries := d.entries()
	entries = append(entries, legendEntry{name: "boundary", colour: contourColour, line: true})
	w, h := d.Size()
	a, lg := layoutWithLegend(rect{x, y, w, h}, d.Title, xa, ya, entries, d.Legend, d.pointsPx, legendTolerance(d.count()), LegendBelow)

	p := a.plot
	img := d.background(z, n, rgb(below), rgb(above))
	c.image(p.X, p.Y, p.W, p.H, pngDataURI(img), "")
	clip := c.clipRect(p.X, p.Y, p.W, p.H)
	c.printf(`<g clip-path="%s" fill="none" stroke-linejoin="round" stroke-linecap="round">`+"\n", clip)
	lines := contour(z, n, n, d.Level)
	for _, halo := range []bool{true, false} {
		for _, line := range lines {
			pts := make([]point, len(line))
			for k, q := range line {
				pts[k] = a.toPx(point{xa.lo + (q.X+0.5)*dx, ya.lo + (q.Y+0.5)*dy})
			}
			if halo {
				c.polyline(pts, `stroke="white" stroke-opacity="0.7" stroke-width="4"`)
			} else {
				c.polyline(pts, `stroke="`+contourColour+`" stroke-width="1.8"`)
			}
		}
	}
	c.printf("</g>\n")
	d.drawPoints(c, a)
	a.drawFrame(c, true)
	if lg != nil {
		lg.draw(c)
	}
	return nil
}

func (d *DecisionBoundary) groupColour(i int) string {
	if i < len(d.Groups) {
		return d.Groups[i].Colour
	}
	return Colour(i)
}

// background renders the scores z (n×n, row 0 at the bottom) as an n×n
// image (row 0 at the top): white mixed with below or above, by how far
// the score is from Level. NaN scores are transparent.
func (d *DecisionBoundary) background(z []float64, n int, below, above color.RGBA) *image.NRGBA {
	scale := d.Range
	if scale <= 0 {
		for _, v := range z {
			if !math.IsNaN(v) {
				scale = max(scale, math.Abs(v-d.Level))
			}
		}
	}
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	for j := range n {
		for i := range n {
			v := z[j*n+i]
			if math.IsNaN(v) {
				continue
			}
			t := 0.0
			if scale > 0 {
				t = min(math.Abs(v-d.Level)/scale, 1)
			}
			side := above
			if v < d.Level {
				side = below
			}
			col := mix(white, side, tintMin+(tintMax-tintMin)*t)
			img.SetNRGBA(i, n-1-j, color.NRGBA{col.R, col.G, col.B, 255})
		}
	}
	return img
}

// pngDataURI encodes img as a PNG data URI, for an SVG <image>.
func pngDataURI(img image.Image) string {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("plot: encoding an in-memory PNG: " + err.Error()) // cannot fail for an in-memory image
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

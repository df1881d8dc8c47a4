package plot

import (
	"fmt"
	"io"
	"math"
	"slices"
)

// A Scatter plots groups of labelled 2-D points, one colour and marker
// shape per group. Points with a NaN or infinite coordinate are skipped.
type Scatter struct {
	Title, XLabel, YLabel string
	Groups                []*Group
	// XMin, XMax and YMin, YMax fix an axis range when Min < Max; by
	// default the axes span the points plus 5%.
	XMin, XMax, YMin, YMax float64
	Legend                 LegendPosition
	// Width and Height are the figure size in px (default 460×420).
	Width, Height float64
}

// A Group is one labelled set of points of a Scatter.
type Group struct {
	Name   string
	X, Y   []float64
	Colour string // "#RRGGBB"; Add sets the next colour of the Palette
	Marker Marker // Add sets the next shape of a fixed sequence
}

// NewScatter returns an empty scatter plot with the given labels.
func NewScatter(title, xlabel, ylabel string) *Scatter {
	return &Scatter{Title: title, XLabel: xlabel, YLabel: ylabel}
}

// Add appends a group of points and returns it, with the next colour and
// marker shape. xs and ys must have the same length.
func (s *Scatter) Add(name string, xs, ys []float64) *Group {
	if len(xs) != len(ys) {
		panic(fmt.Sprintf("plot: Scatter.Add(%q): len(xs) = %d, len(ys) = %d", name, len(xs), len(ys)))
	}
	n := len(s.Groups)
	g := &Group{Name: name, X: xs, Y: ys, Colour: Colour(n), Marker: markers[n%len(markers)]}
	s.Groups = append(s.Groups, g)
	return g
}

// AddByLabel splits the points of xy, an n×2 matrix stored row-major
// (x₁ of point k at xy[2k], x₂ at xy[2k+1]), by their labels, and adds one
// group per distinct label in increasing order, named "y = label". So the
// class −1 (or 0) gets the first colour and +1 the second, which are also
// the colours a DecisionBoundary gives to the two sides of its contour.
func (s *Scatter) AddByLabel(xy, labels []float64) {
	if len(xy) != 2*len(labels) {
		panic(fmt.Sprintf("plot: Scatter.AddByLabel: len(xy) = %d, want 2·len(labels) = %d", len(xy), 2*len(labels)))
	}
	distinct := slices.Clone(labels)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	for _, lab := range distinct {
		var xs, ys []float64
		for k, l := range labels {
			if l == lab {
				xs = append(xs, xy[2*k])
				ys = append(ys, xy[2*k+1])
			}
		}
		s.Add("y = "+formatShort(lab), xs, ys)
	}
}

// Size returns the figure size in px.
func (s *Scatter) Size() (float64, float64) { return size(s.Width, s.Height, 460, 420) }

// WriteSVG writes the plot as an SVG document.
func (s *Scatter) WriteSVG(w io.Writer) error { return writeSVG(w, s) }

// SaveSVG writes the plot as an SVG file.
func (s *Scatter) SaveSVG(path string) error { return SaveSVG(path, s) }

// bounds returns the range of the drawable points, padded by frac, or
// the fixed ranges where they are set.
func (s *Scatter) bounds(frac float64) (xa, ya axis, err error) {
	xa, ya = axis{label: s.XLabel}, axis{label: s.YLabel}
	var xs, ys []float64
	for _, g := range s.Groups {
		for i := range g.X {
			if isFinite(g.X[i]) && isFinite(g.Y[i]) {
				xs, ys = append(xs, g.X[i]), append(ys, g.Y[i])
			}
		}
	}
	xlo, xhi, okx := dataRange(scale{}, xs)
	ylo, yhi, oky := dataRange(scale{}, ys)
	fixedX, fixedY := s.XMin < s.XMax, s.YMin < s.YMax
	if (!okx && !fixedX) || (!oky && !fixedY) {
		return xa, ya, fmt.Errorf("plot: scatter plot %q has no point with finite coordinates", s.Title)
	}
	if err := checkSpan(fmt.Sprintf("scatter plot %q", s.Title), xlo, xhi, ylo, yhi); err != nil {
		return xa, ya, err
	}
	if okx {
		xa.lo, xa.hi = padRange(xlo, xhi, frac, false)
	}
	if oky {
		ya.lo, ya.hi = padRange(ylo, yhi, frac, false)
	}
	if fixedX {
		xa.lo, xa.hi = s.XMin, s.XMax
	}
	if fixedY {
		ya.lo, ya.hi = s.YMin, s.YMax
	}
	return xa, ya, nil
}

func (s *Scatter) entries() []legendEntry {
	var entries []legendEntry
	for _, g := range s.Groups {
		if g.Name != "" {
			entries = append(entries, legendEntry{name: g.Name, colour: g.Colour, marker: g.Marker})
		}
	}
	return entries
}

// count returns the number of drawable points.
func (s *Scatter) count() int {
	n := 0
	for _, g := range s.Groups {
		for i := range g.X {
			if isFinite(g.X[i]) && isFinite(g.Y[i]) {
				n++
			}
		}
	}
	return n
}

// pointsPx returns every drawable point in px, for legend placement.
func (s *Scatter) pointsPx(a *axes) []point {
	var pts []point
	for _, g := range s.Groups {
		for i := range g.X {
			if isFinite(g.X[i]) && isFinite(g.Y[i]) {
				pts = append(pts, a.toPx(point{g.X[i], g.Y[i]}))
			}
		}
	}
	return pts
}

// drawPoints draws the groups in order, each as one path of markers.
func (s *Scatter) drawPoints(c *canvas, a *axes) {
	p := a.plot
	clip := c.clipRect(p.X, p.Y, p.W, p.H)
	c.printf(`<g clip-path="%s">`+"\n", clip)
	for _, g := range s.Groups {
		var pts []point
		for i := range g.X {
			if isFinite(g.X[i]) && isFinite(g.Y[i]) {
				pts = append(pts, a.toPx(point{g.X[i], g.Y[i]}))
			}
		}
		if len(pts) > 0 {
			c.printf(`<path d="%s" %s/>`+"\n", markersPath(g.Marker, pts), markerAttrs(g.Colour, g.Marker))
		}
	}
	c.printf("</g>\n")
}

// legendTolerance is how many points a legend inside the plot may cover:
// 1% of them, since a scatter plot rarely has an empty corner.
func legendTolerance(n int) int { return int(math.Ceil(float64(n) / 100)) }

func (s *Scatter) draw(c *canvas, x, y float64) error {
	xa, ya, err := s.bounds(0.05)
	if err != nil {
		return err
	}
	w, h := s.Size()
	entries := s.entries()
	a, lg := layoutWithLegend(rect{x, y, w, h}, s.Title, xa, ya, entries, s.Legend, s.pointsPx,
		legendTolerance(s.count()), LegendBelow)
	a.drawGrid(c)
	s.drawPoints(c, a)
	a.drawFrame(c, false)
	if lg != nil {
		lg.draw(c)
	}
	return nil
}

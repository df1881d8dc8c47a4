package plot

import (
	"fmt"
	"io"
	"math"
)

// A LineChart draws series of (x, y) points joined by lines, for loss and
// accuracy curves. Points whose x or y is NaN or ±Inf (or not positive, on
// a log axis) are skipped and leave a gap in their line.
type LineChart struct {
	Title, XLabel, YLabel string
	Series                []*Series

	// LogY sets a logarithmic y axis with ticks at the powers of ten.
	LogY bool
	// XMin, XMax and YMin, YMax fix an axis range when Min < Max; by
	// default the x axis spans the data and the y axis the data plus 5%.
	XMin, XMax, YMin, YMax float64
	Legend                 LegendPosition
	// Width and Height are the figure size in px (default 640×400).
	Width, Height float64
}

// A Series is one labelled line of a LineChart.
type Series struct {
	Name   string
	X, Y   []float64
	Colour string // "#RRGGBB"; Add sets the next colour of the Palette
	// Dashed draws the line dashed. To overlay a reference curve (PyTorch's
	// losses over nndiy's), add it last, dashed and in another colour such
	// as black: where the two coincide, both still show.
	Dashed bool
	Marker Marker // draw a marker at each point (NoMarker by default)
}

// NewLineChart returns an empty line chart with the given labels.
func NewLineChart(title, xlabel, ylabel string) *LineChart {
	return &LineChart{Title: title, XLabel: xlabel, YLabel: ylabel}
}

// Add appends a series and returns it, coloured with the next colour of
// the Palette, for further styling. xs and ys must have the same length.
func (l *LineChart) Add(name string, xs, ys []float64) *Series {
	if len(xs) != len(ys) {
		panic(fmt.Sprintf("plot: LineChart.Add(%q): len(xs) = %d, len(ys) = %d", name, len(xs), len(ys)))
	}
	s := &Series{Name: name, X: xs, Y: ys, Colour: Colour(len(l.Series))}
	l.Series = append(l.Series, s)
	return s
}

// AddY appends a series with x = 1, 2, …, len(ys), for per-epoch values.
func (l *LineChart) AddY(name string, ys []float64) *Series {
	xs := make([]float64, len(ys))
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	return l.Add(name, xs, ys)
}

// Size returns the figure size in px.
func (l *LineChart) Size() (float64, float64) { return size(l.Width, l.Height, 640, 400) }

// WriteSVG writes the chart as an SVG document.
func (l *LineChart) WriteSVG(w io.Writer) error { return writeSVG(w, l) }

// SaveSVG writes the chart as an SVG file.
func (l *LineChart) SaveSVG(path string) error { return SaveSVG(path, l) }

// axesRanges returns the x and y axes of the chart, or an error if no
// point can be drawn.
func (l *LineChart) axesRanges() (xa, ya axis, err error) {
	xa = axis{label: l.XLabel}
	ya = axis{label: l.YLabel, log: l.LogY}
	// Only points whose x and y are both drawable count.
	var xs, ys []float64
	ysc := scale{log: l.LogY}
	for _, s := range l.Series {
		for i := range s.X {
			if isFinite(s.X[i]) && ysc.valid(s.Y[i]) {
				xs = append(xs, s.X[i])
				ys = append(ys, s.Y[i])
			}
		}
	}
	xlo, xhi, okx := dataRange(scale{}, xs)
	ylo, yhi, oky := dataRange(ysc, ys)
	if !okx || !oky {
		what := "finite"
		if l.LogY {
			what = "finite positive"
		}
		return xa, ya, fmt.Errorf("plot: line chart %q has no point with %s coordinates", l.Title, what)
	}
	if err := checkSpan(fmt.Sprintf("line chart %q", l.Title), xlo, xhi, ylo, yhi); err != nil {
		return xa, ya, err
	}
	switch {
	case xlo == xhi:
		xlo, xhi = padRange(xlo, xhi, 0, false)
	case l.hasMarkers():
		xlo, xhi = padRange(xlo, xhi, 0.02, false) // keep the end markers off the y axis
	}
	xa.lo, xa.hi = xlo, xhi
	ya.lo, ya.hi = padRange(ylo, yhi, 0.05, l.LogY)
	if l.XMin < l.XMax {
		xa.lo, xa.hi = l.XMin, l.XMax
	}
	if l.YMin < l.YMax && (!l.LogY || l.YMin > 0) {
		ya.lo, ya.hi = l.YMin, l.YMax
	}
	return xa, ya, nil
}

func (l *LineChart) hasMarkers() bool {
	for _, s := range l.Series {
		if s.Marker != NoMarker {
			return true
		}
	}
	return false
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// runs splits a series into runs of consecutive drawable points, in px.
func (s *Series) runs(a *axes) [][]point {
	var out [][]point
	var cur []point
	for i := range s.X {
		if a.x.valid(s.X[i]) && a.y.valid(s.Y[i]) {
			cur = append(cur, a.toPx(point{s.X[i], s.Y[i]}))
			continue
		}
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func (l *LineChart) draw(c *canvas, x, y float64) error {
	xa, ya, err := l.axesRanges()
	if err != nil {
		return err
	}
	w, h := l.Size()
	var entries []legendEntry
	for _, s := range l.Series {
		if s.Name != "" {
			entries = append(entries, legendEntry{name: s.Name, colour: s.Colour, line: true, dashed: s.Dashed, marker: s.Marker})
		}
	}
	if len(entries) == 1 && l.Legend == LegendAuto {
		entries = nil // a single curve needs no legend: the title says what it is
	}
	samples := func(a *axes) []point {
		var pts []point
		for _, s := range l.Series {
			for _, run := range s.runs(a) {
				pts = append(pts, densify(run, 3)...)
			}
		}
		return pts
	}
	a, lg := layoutWithLegend(rect{x, y, w, h}, l.Title, xa, ya, entries, l.Legend, samples, 0, LegendRight)
	a.drawGrid(c)
	p := a.plot
	// Lines and markers may overhang the plot area by their own size.
	m := markerRadius + 2
	clip := c.clipRect(p.X-m, p.Y-m, p.W+2*m, p.H+2*m)
	c.printf(`<g clip-path="%s">`+"\n", clip)
	for _, s := range l.Series {
		c.printf("<g>\n") // one group per series, in legend order
		for _, run := range s.runs(a) {
			c.polyline(run, lineAttrs(s.Colour, s.Dashed))
			if len(run) == 1 && s.Marker == NoMarker {
				// A point between two gaps: a line of length 0 would not show.
				c.printf(`<path d="%s" fill="%s"/>`+"\n", markersPath(Circle, run), s.Colour)
			}
			if s.Marker != NoMarker {
				c.printf(`<path d="%s" %s/>`+"\n", markersPath(s.Marker, run), markerAttrs(s.Colour, s.Marker))
			}
		}
		c.printf("</g>\n")
	}
	c.printf("</g>\n")
	a.drawFrame(c, false)
	if lg != nil {
		lg.draw(c)
	}
	return nil
}

// densify returns the points of a polyline plus points every step px
// along its segments, so that a legend placed over a long straight
// segment is seen to cover it.
func densify(run []point, step float64) []point {
	out := []point{}
	for i, p := range run {
		out = append(out, p)
		if i+1 < len(run) {
			q := run[i+1]
			d := math.Hypot(q.X-p.X, q.Y-p.Y)
			for t := step; t < d; t += step {
				out = append(out, point{p.X + (q.X-p.X)*t/d, p.Y + (q.Y-p.Y)*t/d})
			}
		}
	}
	return out
}

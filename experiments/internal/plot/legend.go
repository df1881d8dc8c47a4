package plot

import (
	"math"
	"strconv"
	"strings"
)

// LegendPosition says where a chart puts its legend.
type LegendPosition int

const (
	// LegendAuto puts the legend in the corner of the plot area where it
	// covers the least data, or outside on the right if every corner
	// would hide some.
	LegendAuto LegendPosition = iota
	LegendTopRight
	LegendTopLeft
	LegendBottomRight
	LegendBottomLeft
	// LegendOutside puts the legend to the right of the plot area.
	LegendOutside
	// LegendHidden draws no legend.
	LegendHidden
)

// legendEntry is one line of a legend: a swatch (a line, a marker or both)
// and a name.
type legendEntry struct {
	name   string
	colour string
	line   bool
	dashed bool
	marker Marker
}

const (
	legendRow    = 17 // line height
	legendPad    = 7
	legendSwatch = 24
)

func legendSize(entries []legendEntry) (w, h float64) {
	for _, e := range entries {
		w = max(w, textWidth(e.name, legendFont))
	}
	return w + legendSwatch + 6 + 2*legendPad, float64(len(entries))*legendRow + 2*legendPad - 3
}

// drawLegend draws the legend box with its top-left corner at (x, y).
func drawLegend(c *canvas, entries []legendEntry, x, y float64) {
	w, h := legendSize(entries)
	c.rect(x, y, w, h, `rx="3" fill="white" fill-opacity="0.88" stroke="#CCCCCC" stroke-width="0.8"`)
	for i, e := range entries {
		cy := y + legendPad + float64(i)*legendRow + legendRow/2 - 1.5
		sx := x + legendPad
		if e.line {
			c.line(sx, cy, sx+legendSwatch, cy, lineAttrs(e.colour, e.dashed))
		}
		if e.marker != NoMarker {
			var b strings.Builder
			markerPath(&b, e.marker, sx+legendSwatch/2, cy, markerRadius)
			c.printf(`<path d="%s" %s/>`+"\n", b.String(), markerAttrs(e.colour, e.marker))
		}
		c.text(sx+legendSwatch+6, cy+legendFont*tickTextDy, legendFont, anchorStart, e.name,
			`fill="`+textColour+`"`)
	}
}

// lineAttrs styles a data line.
func lineAttrs(colour string, dashed bool) string {
	s := `stroke="` + colour + `" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"`
	if dashed {
		s += ` stroke-dasharray="6 4"`
	}
	return s
}

// layoutWithLegend lays out the axes and decides where the legend goes.
// samples returns the data positions, in px, that the legend should not
// cover; tolerance is how many of them it may cover in LegendAuto mode
// before it moves outside. It returns the legend's top-left corner, or
// NaN when there is no legend.
func layoutWithLegend(fig rect, title string, xa, ya axis, entries []legendEntry, pos LegendPosition,
	samples func(*axes) []point, tolerance int) (a *axes, lx, ly float64) {
	if len(entries) == 0 || pos == LegendHidden {
		return layoutAxes(fig, title, xa, ya, 0), math.NaN(), math.NaN()
	}
	w, h := legendSize(entries)
	if pos == LegendOutside {
		a = layoutAxes(fig, title, xa, ya, w+legendGap)
		return a, a.plot.X + a.plot.W + legendGap, a.plot.Y
	}
	a = layoutAxes(fig, title, xa, ya, 0)
	const inset = 8
	p := a.plot
	corner := func(pos LegendPosition) rect {
		r := rect{X: p.X + p.W - inset - w, Y: p.Y + inset, W: w, H: h}
		if pos == LegendTopLeft || pos == LegendBottomLeft {
			r.X = p.X + inset
		}
		if pos == LegendBottomRight || pos == LegendBottomLeft {
			r.Y = p.Y + p.H - inset - h
		}
		return r
	}
	if pos != LegendAuto {
		r := corner(pos)
		return a, r.X, r.Y
	}
	pts := samples(a)
	best, bestN := LegendTopRight, math.MaxInt
	for _, cand := range []LegendPosition{LegendTopRight, LegendTopLeft, LegendBottomRight, LegendBottomLeft} {
		r := corner(cand)
		r = rect{r.X - 3, r.Y - 3, r.W + 6, r.H + 6}
		n := 0
		for _, q := range pts {
			if r.contains(q) {
				n++
			}
		}
		if n < bestN {
			best, bestN = cand, n
		}
	}
	if bestN > tolerance && w < fig.W/3 {
		return layoutWithLegend(fig, title, xa, ya, entries, LegendOutside, samples, tolerance)
	}
	r := corner(best)
	return a, r.X, r.Y
}

// Marker is the shape drawn at each point of a scatter plot or series.
type Marker int

const (
	NoMarker Marker = iota
	Circle
	Square
	TriangleUp
	Diamond
	TriangleDown
	Cross
)

// markers is the order in which Scatter gives shapes to successive groups,
// so that classes differ in shape as well as in colour.
var markers = []Marker{Circle, Square, TriangleUp, Diamond, TriangleDown, Cross}

const markerRadius = 3.6

// markerPath appends the outline of one marker of radius r centred at
// (x, y) to b as SVG path data.
func markerPath(b *strings.Builder, m Marker, x, y, r float64) {
	f := func(v float64) string { return num(v) }
	move := func(pts ...float64) {
		for i := 0; i < len(pts); i += 2 {
			if i == 0 {
				b.WriteString("M")
			} else {
				b.WriteString("L")
			}
			b.WriteString(f(pts[i]) + "," + f(pts[i+1]))
		}
		b.WriteString("Z")
	}
	switch m {
	case Circle:
		b.WriteString("M" + f(x-r) + "," + f(y) + "a" + f(r) + "," + f(r) + " 0 1,0 " + f(2*r) + ",0" +
			"a" + f(r) + "," + f(r) + " 0 1,0 " + f(-2*r) + ",0Z")
	case Square:
		s := r * 0.88
		move(x-s, y-s, x+s, y-s, x+s, y+s, x-s, y+s)
	case TriangleUp:
		s := r * 1.25
		move(x, y-s, x+s*0.866, y+s*0.5, x-s*0.866, y+s*0.5)
	case TriangleDown:
		s := r * 1.25
		move(x, y+s, x+s*0.866, y-s*0.5, x-s*0.866, y-s*0.5)
	case Diamond:
		s := r * 1.2
		move(x, y-s, x+s, y, x, y+s, x-s, y)
	case Cross:
		s := r * 1.1
		b.WriteString("M" + f(x-s) + "," + f(y-s) + "L" + f(x+s) + "," + f(y+s) +
			"M" + f(x-s) + "," + f(y+s) + "L" + f(x+s) + "," + f(y-s))
	}
}

// markerAttrs styles markers: a filled shape with a darker outline of the
// same hue, so that overlapping points and points on a tinted background
// stay distinct. A cross has no inside and is stroked only.
func markerAttrs(colour string, m Marker) string {
	dark := hexColour(mix(rgb(colour), rgb("#000000"), 0.35))
	if m == Cross {
		return `fill="none" stroke="` + colour + `" stroke-width="1.6"`
	}
	return `fill="` + colour + `" fill-opacity="0.85" stroke="` + dark + `" stroke-width="0.7"`
}

// itoa is strconv.Itoa, short for building labels.
func itoa(i int) string { return strconv.Itoa(i) }

// markersPath returns the path data of one marker at each point.
func markersPath(m Marker, pts []point) string {
	var b strings.Builder
	for _, p := range pts {
		markerPath(&b, m, p.X, p.Y, markerRadius)
	}
	return b.String()
}

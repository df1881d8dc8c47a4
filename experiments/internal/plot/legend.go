package plot

import (
	"math"
	"strings"
)

// LegendPosition says where a chart puts its legend.
type LegendPosition int

const (
	// LegendAuto puts the legend in the corner of the plot area where it
	// covers the least data or, if every corner would hide some, to the
	// right of a line chart or below a scatter plot (which keeps it
	// nearly square).
	LegendAuto LegendPosition = iota
	LegendTopRight
	LegendTopLeft
	LegendBottomRight
	LegendBottomLeft
	// LegendRight puts the legend to the right of the plot area.
	LegendRight
	// LegendBelow puts the legend on one line under the plot area.
	LegendBelow
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

// legend is a placed legend: a column of entries in a box, or a row of
// them when horizontal.
type legend struct {
	entries    []legendEntry
	horizontal bool
	x, y       float64 // top-left corner
}

const (
	legendRow    = 17 // line height
	legendPad    = 7
	legendSwatch = 24
	legendSep    = 16 // between entries of a horizontal legend
)

// entryWidth is the width of an entry's swatch and name.
func entryWidth(e legendEntry) float64 { return legendSwatch + 6 + textWidth(e.name, legendFont) }

func (l *legend) size() (w, h float64) {
	for i, e := range l.entries {
		if l.horizontal {
			w += entryWidth(e)
			if i > 0 {
				w += legendSep
			}
		} else {
			w = max(w, entryWidth(e))
		}
	}
	rows := len(l.entries)
	if l.horizontal {
		rows = 1
	}
	return w + 2*legendPad, float64(rows)*legendRow + 2*legendPad - 3
}

func (l *legend) draw(c *canvas) {
	w, h := l.size()
	if !l.horizontal {
		c.rect(l.x, l.y, w, h, `rx="3" fill="white" fill-opacity="0.88" stroke="#CCCCCC" stroke-width="0.8"`)
	}
	sx, cy := l.x+legendPad, l.y+legendPad+legendRow/2-1.5
	for _, e := range l.entries {
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
		if l.horizontal {
			sx += entryWidth(e) + legendSep
		} else {
			cy += legendRow
		}
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
// samples returns the data positions, in px, that a legend inside the
// plot area should not cover; in LegendAuto mode, if every corner covers
// more than tolerance of them, the legend goes to the fallback position
// (LegendRight or LegendBelow) instead. The legend is nil when there is
// nothing to show.
func layoutWithLegend(fig rect, title string, xa, ya axis, entries []legendEntry, pos LegendPosition,
	samples func(*axes) []point, tolerance int, fallback LegendPosition) (*axes, *legend) {
	if len(entries) == 0 || pos == LegendHidden {
		return layoutAxes(fig, title, xa, ya, 0, 0), nil
	}
	lg := &legend{entries: entries, horizontal: pos == LegendBelow}
	w, h := lg.size()
	if pos == LegendBelow && w > fig.W-2*pad {
		pos, lg.horizontal = LegendRight, false // too wide for one line
		w, h = lg.size()
	}
	switch pos {
	case LegendRight:
		a := layoutAxes(fig, title, xa, ya, w+legendGap, 0)
		lg.x, lg.y = a.plot.X+a.plot.W+legendGap, a.plot.Y
		return a, lg
	case LegendBelow:
		a := layoutAxes(fig, title, xa, ya, 0, h+4)
		lg.x, lg.y = a.plot.X+(a.plot.W-w)/2, fig.Y+fig.H-pad-h+legendPad-4
		return a, lg
	}
	a := layoutAxes(fig, title, xa, ya, 0, 0)
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
		lg.x, lg.y = r.X, r.Y
		return a, lg
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
	if bestN > tolerance {
		return layoutWithLegend(fig, title, xa, ya, entries, fallback, samples, tolerance, fallback)
	}
	r := corner(best)
	lg.x, lg.y = r.X, r.Y
	return a, lg
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

// markersPath returns the path data of one marker at each point.
func markersPath(m Marker, pts []point) string {
	var b strings.Builder
	for _, p := range pts {
		markerPath(&b, m, p.X, p.Y, markerRadius)
	}
	return b.String()
}

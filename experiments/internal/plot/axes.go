package plot

import (
	"fmt"
	"math"
)

// A scale maps data values on [lo, hi] linearly (or linearly in log10)
// onto pixels [p0, p1].
type scale struct {
	lo, hi float64
	log    bool
	p0, p1 float64
}

func (s scale) px(v float64) float64 {
	lo, hi := s.lo, s.hi
	if s.log {
		v, lo, hi = math.Log10(v), math.Log10(lo), math.Log10(hi)
	}
	return s.p0 + (v-lo)/(hi-lo)*(s.p1-s.p0)
}

// valid reports whether v can be drawn on s: finite, and positive on a log scale.
func (s scale) valid(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!s.log || v > 0)
}

// rect is a box in SVG user units.
type rect struct{ X, Y, W, H float64 }

func (r rect) contains(p point) bool {
	return p.X >= r.X && p.X <= r.X+r.W && p.Y >= r.Y && p.Y <= r.Y+r.H
}

// axis describes one axis before layout: its data range and label.
type axis struct {
	lo, hi float64
	log    bool
	label  string
}

// axes is a laid-out plot: the title and axis labels around a plot area,
// with the scales that map data into it.
type axes struct {
	fig    rect // the whole figure (or panel)
	plot   rect // the plot area inside it
	title  string
	xa, ya axis
	x, y   scale
	xt, yt []tick
}

// Margins, in px.
const (
	pad        = 10 // around the figure
	titleBand  = 30 // height of the title line
	tickLen    = 4
	tickGap    = 4 // tick end to its label
	labelGap   = 8 // tick labels to axis label
	legendGap  = 12
	tickTextDy = 0.35 // baseline shift, in em, to centre a label vertically
)

// layoutAxes places a plot area with room for the title, the axis labels
// and the tick labels inside fig, leaving rightSpace px free on the right
// and bottomSpace px at the bottom (for a legend).
func layoutAxes(fig rect, title string, xa, ya axis, rightSpace, bottomSpace float64) *axes {
	a := &axes{fig: fig, title: title, xa: xa, ya: ya}
	top := fig.Y + pad
	if title != "" {
		top += titleBand - 6
	} else {
		top += 6 // room for the top tick label's upper half
	}
	bottom := fig.Y + fig.H - pad - tickLen - tickGap - tickSize - bottomSpace
	if xa.label != "" {
		bottom -= labelGap + labelSize
	}
	// A figure too small for its labels still gets a (tiny) plot area:
	// negative sizes would make the SVG invalid.
	a.plot.Y, a.plot.H = top, max(bottom-top, 10)
	a.yt = axisTicks(ya, a.plot.H/50)
	labelW := 0.0
	for _, t := range a.yt {
		labelW = max(labelW, textWidth(t.Label, tickSize))
	}
	left := fig.X + pad + labelW + tickGap + tickLen
	if ya.label != "" {
		left += labelSize + labelGap
	}
	right := fig.X + fig.W - pad - rightSpace
	// Leave room for half of the last x tick label.
	right -= 8
	a.plot.X, a.plot.W = left, max(right-left, 10)
	// Fewer x ticks while their labels would crowd each other.
	for target := a.plot.W / 75; ; target-- {
		a.xt = axisTicks(xa, target)
		widest := 0.0
		for _, t := range a.xt {
			widest = max(widest, textWidth(t.Label, tickSize))
		}
		if float64(len(a.xt))*(widest+12) <= a.plot.W || target <= 2 || xa.log {
			break
		}
	}
	a.x = scale{lo: xa.lo, hi: xa.hi, log: xa.log, p0: a.plot.X, p1: a.plot.X + a.plot.W}
	a.y = scale{lo: ya.lo, hi: ya.hi, log: ya.log, p0: a.plot.Y + a.plot.H, p1: a.plot.Y}
	return a
}

func axisTicks(a axis, target float64) []tick {
	if a.log {
		return logTicks(a.lo, a.hi)
	}
	return linearTicks(a.lo, a.hi, int(min(max(math.Round(target), 2), 10)))
}

func (a *axes) toPx(p point) point { return point{a.x.px(p.X), a.y.px(p.Y)} }

// drawGrid draws light grid lines at the ticks, under the data.
func (a *axes) drawGrid(c *canvas) {
	p := a.plot
	for _, t := range a.yt {
		y := a.y.px(t.V)
		attrs := `stroke="` + gridColour + `" stroke-width="1"`
		if t.Minor {
			attrs = `stroke="` + gridColour + `" stroke-width="0.6"`
		}
		c.line(p.X, y, p.X+p.W, y, attrs)
	}
	for _, t := range a.xt {
		x := a.x.px(t.V)
		c.line(x, p.Y, x, p.Y+p.H, `stroke="`+gridColour+`" stroke-width="1"`)
	}
}

// drawFrame draws the axes, ticks, tick labels, axis labels and title, over the data.
func (a *axes) drawFrame(c *canvas, box bool) {
	p := a.plot
	axisAttrs := `stroke="` + axisColour + `" stroke-width="1"`
	if box {
		c.rect(p.X, p.Y, p.W, p.H, `fill="none" `+axisAttrs)
	} else {
		c.line(p.X, p.Y+p.H, p.X+p.W, p.Y+p.H, axisAttrs)
		c.line(p.X, p.Y, p.X, p.Y+p.H, axisAttrs)
	}
	c.buf.WriteString(`<g fill="` + mutedColour + `">` + "\n")
	for _, t := range a.xt {
		x := a.x.px(t.V)
		c.line(x, p.Y+p.H, x, p.Y+p.H+tickLen, axisAttrs)
		c.text(x, p.Y+p.H+tickLen+tickGap+tickSize*0.8, tickSize, anchorMiddle, t.Label, "")
	}
	for _, t := range a.yt {
		if t.Minor {
			continue
		}
		y := a.y.px(t.V)
		c.line(p.X-tickLen, y, p.X, y, axisAttrs)
		c.text(p.X-tickLen-tickGap, y+tickSize*tickTextDy, tickSize, anchorEnd, t.Label, "")
	}
	c.buf.WriteString("</g>\n")
	if a.xa.label != "" {
		y := p.Y + p.H + tickLen + tickGap + tickSize + labelGap + labelSize*0.8
		c.text(p.X+p.W/2, y, labelSize, anchorMiddle, a.xa.label, `fill="`+textColour+`"`)
	}
	if a.ya.label != "" {
		x := a.fig.X + pad + labelSize*0.8
		y := p.Y + p.H/2
		c.text(x, y, labelSize, anchorMiddle, a.ya.label,
			`fill="`+textColour+`" transform="rotate(-90 `+num(x)+` `+num(y)+`)"`)
	}
	drawTitle(c, a.title, p.X+p.W/2, a.fig)
}

// drawTitle centres a title at x on the first line of the figure fig,
// moving it sideways as needed to keep it inside.
func drawTitle(c *canvas, title string, x float64, fig rect) {
	if title == "" {
		return
	}
	half := titleWidth(title) / 2
	x = max(min(x, fig.X+fig.W-pad-half), fig.X+pad+half)
	c.text(x, fig.Y+pad+titleSize*0.9, titleSize, anchorMiddle, title,
		`font-weight="bold" fill="`+textColour+`"`)
}

// dataRange returns the smallest and largest of the values that s can
// draw, and ok = false when there are none.
func dataRange(s scale, vals ...[]float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, vs := range vals {
		for _, v := range vs {
			if s.valid(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	return lo, hi, lo <= hi
}

// checkSpan reports an error when the width hi − lo of a data range
// overflows: such values cannot be placed on an axis of float64
// coordinates. ranges holds lo, hi pairs; empty ranges (lo > hi) pass.
func checkSpan(what string, ranges ...float64) error {
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if lo <= hi && math.IsInf(hi-lo, 0) {
			return fmt.Errorf("plot: %s: the values span [%g, %g], too wide to draw", what, lo, hi)
		}
	}
	return nil
}

// padRange widens [lo, hi] by frac of its span on both sides (by a factor
// on a log axis), and gives a range of zero width a sensible width.
func padRange(lo, hi, frac float64, log bool) (float64, float64) {
	if log {
		l, h := padRange(math.Log10(lo), math.Log10(hi), frac, false)
		return math.Pow(10, l), math.Pow(10, h)
	}
	if lo == hi {
		d := math.Abs(lo) * 0.1
		if d == 0 {
			d = 1
		}
		return lo - d, hi + d
	}
	d := (hi - lo) * frac
	return lo - d, hi + d
}

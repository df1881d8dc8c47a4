package plot

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// A BarChart draws horizontal bars in groups, for comparing measurements:
// one group per category (named on the left), one bar per series in each
// group, coloured by series and named in the legend below, with its value
// written past its end. Other measurements of the same quantity (the other
// runs of a benchmark) can be drawn as small dots on each bar, so that the
// bar's spread shows. The value axis starts at 0.
type BarChart struct {
	Title, XLabel string
	Categories    []string
	Series        []*BarSeries
	// Format formats the value written after each bar (default "%.3g").
	Format string
	// XMax fixes the end of the value axis when positive; by default the
	// axis ends 15% past the largest value, to leave room for its label.
	XMax float64
	// Width is the figure's width in px (default 640); the height follows
	// from the number of bars.
	Width float64
	// OthersLabel names the dots of BarSeries.Others in the legend
	// (default "other runs").
	OthersLabel string
}

// A BarSeries is one bar in each group of a BarChart.
type BarSeries struct {
	Name   string
	Values []float64 // one per category; NaN or ±Inf draws no bar
	// Others holds, per category, more values drawn as dots on the bar
	// (nil for none).
	Others [][]float64
	Colour string // "#RRGGBB"; Add sets the next colour of the Palette
}

// Bar geometry, in px.
const (
	barHeight          = 18
	barGap             = 3  // between the bars of a group
	groupGap           = 14 // between groups
	defaultOthersLabel = "other runs"
)

// othersColour is the colour of the dots of BarSeries.Others.
const othersColour = "#000000"

// NewBarChart returns an empty bar chart with one group per category.
func NewBarChart(title, xlabel string, categories ...string) *BarChart {
	return &BarChart{Title: title, XLabel: xlabel, Categories: categories}
}

// Add appends a series with one value per category and returns it,
// coloured with the next colour of the Palette.
func (b *BarChart) Add(name string, values []float64) *BarSeries {
	if len(values) != len(b.Categories) {
		panic(fmt.Sprintf("plot: BarChart.Add(%q): %d values for %d categories", name, len(values), len(b.Categories)))
	}
	s := &BarSeries{Name: name, Values: values, Colour: Colour(len(b.Series))}
	b.Series = append(b.Series, s)
	return s
}

// AddOthers adds more values of the series for each category, drawn as
// dots; others[i] belongs to category i.
func (s *BarSeries) AddOthers(others [][]float64) *BarSeries {
	if len(others) != len(s.Values) {
		panic(fmt.Sprintf("plot: BarSeries.AddOthers(%q): %d lists for %d categories", s.Name, len(others), len(s.Values)))
	}
	s.Others = others
	return s
}

// Size returns the figure size in px.
func (b *BarChart) Size() (float64, float64) {
	w, _ := size(b.Width, 0, 640, 1)
	return w, b.plotHeight() + b.frameHeight()
}

// WriteSVG writes the chart as an SVG document.
func (b *BarChart) WriteSVG(w io.Writer) error { return writeSVG(w, b) }

// SaveSVG writes the chart as an SVG file.
func (b *BarChart) SaveSVG(path string) error { return SaveSVG(path, b) }

func (b *BarChart) plotHeight() float64 {
	n := float64(len(b.Series))
	return float64(len(b.Categories)) * (n*barHeight + (n-1)*barGap + groupGap)
}

// frameHeight is the height of everything but the bars: title, ticks,
// axis label and legend.
func (b *BarChart) frameHeight() float64 {
	h := float64(2*pad + tickLen + tickGap + tickSize + legendGap + legendRow + 2*legendPad)
	if b.Title != "" {
		h += titleBand
	}
	if b.XLabel != "" {
		h += labelGap + labelSize
	}
	return h
}

func (b *BarChart) hasOthers() bool {
	for _, s := range b.Series {
		for _, o := range s.Others {
			if len(o) > 0 {
				return true
			}
		}
	}
	return false
}

func (b *BarChart) draw(c *canvas, x, y float64) error {
	var all []float64
	for _, s := range b.Series {
		if len(s.Values) != len(b.Categories) || (s.Others != nil && len(s.Others) != len(b.Categories)) {
			return fmt.Errorf("plot: bar chart %q: series %q has %d values for %d categories", b.Title, s.Name, len(s.Values), len(b.Categories))
		}
		all = append(all, s.Values...)
		for _, o := range s.Others {
			all = append(all, o...)
		}
	}
	_, hi, ok := dataRange(scale{}, all)
	if !ok || len(b.Categories) == 0 {
		return fmt.Errorf("plot: bar chart %q has no finite value", b.Title)
	}
	if hi < 0 {
		return fmt.Errorf("plot: bar chart %q: bars start at 0 and every value is negative", b.Title)
	}
	xmax := hi * 1.15
	if b.XMax > 0 {
		xmax = b.XMax
	}
	if xmax == 0 || math.IsInf(xmax, 0) {
		xmax = 1
	}
	format := b.Format
	if format == "" {
		format = "%.3g"
	}

	w, _ := b.Size()
	labelW := 0.0
	for _, cat := range b.Categories {
		labelW = max(labelW, textWidth(cat, labelSize))
	}
	top := y + pad
	if b.Title != "" {
		top += titleBand
	}
	p := rect{X: x + pad + labelW + 2*tickGap, Y: top, W: 0, H: b.plotHeight()}
	p.W = max(x+w-pad-8-p.X, 10)
	xs := scale{lo: 0, hi: xmax, p0: p.X, p1: p.X + p.W}
	ticks := linearTicks(0, xmax, int(min(max(math.Round(p.W/75), 2), 10)))

	// Grid under the bars.
	for _, t := range ticks {
		if t.V > xmax*(1+1e-9) {
			continue
		}
		c.line(xs.px(t.V), p.Y, xs.px(t.V), p.Y+p.H, `stroke="`+gridColour+`" stroke-width="1"`)
	}
	n := float64(len(b.Series))
	groupH := n*barHeight + (n-1)*barGap
	for g, cat := range b.Categories {
		gy := p.Y + groupGap/2 + float64(g)*(groupH+groupGap)
		c.text(p.X-2*tickGap, gy+groupH/2+labelSize*tickTextDy, labelSize, anchorEnd, cat, `fill="`+textColour+`"`)
		for k, s := range b.Series {
			by := gy + float64(k)*(barHeight+barGap)
			v := s.Values[g]
			if !isFinite(v) {
				continue
			}
			x1 := xs.px(min(max(v, 0), xmax))
			c.rect(p.X, by, x1-p.X, barHeight, `fill="`+s.Colour+`" fill-opacity="0.85"`)
			// The value goes past the bar and past its dots.
			labelX := x1 + 4
			if s.Others != nil {
				var d strings.Builder
				for _, o := range s.Others[g] {
					if isFinite(o) && o >= 0 && o <= xmax {
						ox := xs.px(o)
						markerPath(&d, Circle, ox, by+barHeight/2, 2.6)
						labelX = max(labelX, ox+6)
					}
				}
				if d.Len() > 0 {
					c.printf(`<path d="%s" %s/>`+"\n", d.String(), markerAttrs(othersColour, Circle))
				}
			}
			c.text(labelX, by+barHeight/2+tickSize*tickTextDy, tickSize, anchorStart,
				strings.Replace(fmt.Sprintf(format, v), "-", "−", 1), `fill="`+textColour+`"`)
		}
	}

	// Axes, ticks and labels over the bars.
	axisAttrs := `stroke="` + axisColour + `" stroke-width="1"`
	c.line(p.X, p.Y, p.X, p.Y+p.H, axisAttrs)
	c.line(p.X, p.Y+p.H, p.X+p.W, p.Y+p.H, axisAttrs)
	c.buf.WriteString(`<g fill="` + mutedColour + `">` + "\n")
	for _, t := range ticks {
		if t.V > xmax*(1+1e-9) {
			continue
		}
		tx := xs.px(t.V)
		c.line(tx, p.Y+p.H, tx, p.Y+p.H+tickLen, axisAttrs)
		c.text(tx, p.Y+p.H+tickLen+tickGap+tickSize*0.8, tickSize, anchorMiddle, t.Label, "")
	}
	c.buf.WriteString("</g>\n")
	bottom := p.Y + p.H + tickLen + tickGap + tickSize
	if b.XLabel != "" {
		c.text(p.X+p.W/2, bottom+labelGap+labelSize*0.8, labelSize, anchorMiddle, b.XLabel, `fill="`+textColour+`"`)
		bottom += labelGap + labelSize
	}
	drawTitle(c, b.Title, p.X+p.W/2, rect{x, y, w, 0})

	// The legend, one row under the axis: a square of each series' colour,
	// and the dots when there are some.
	var entries []legendEntry
	for _, s := range b.Series {
		entries = append(entries, legendEntry{name: s.Name, colour: s.Colour, marker: Square})
	}
	if b.hasOthers() {
		name := b.OthersLabel
		if name == "" {
			name = defaultOthersLabel
		}
		entries = append(entries, legendEntry{name: name, colour: othersColour, marker: Circle})
	}
	lg := &legend{entries: entries, horizontal: true}
	lw, _ := lg.size()
	// Centred under the plot area, but inside the figure.
	lg.x, lg.y = max(x+pad, min(p.X+p.W/2-lw/2, x+w-pad-lw)), bottom+legendGap
	lg.draw(c)
	return nil
}

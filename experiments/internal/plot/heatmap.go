package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
)

// A Heatmap draws a matrix as a grid of coloured cells, row 0 at the top:
// a confusion matrix (see ConfusionMatrix), or the weights of a layer.
// NaN and infinite cells are drawn grey.
type Heatmap struct {
	Title, XLabel, YLabel string
	Values                [][]float64 // rows of equal length
	RowLabels, ColLabels  []string    // drawn when not nil

	// Annotate writes each value in its cell, with Format (default: the
	// shortest form with up to 3 significant digits).
	Annotate bool
	Format   func(v float64) string
	// ColourBar draws the colour scale on the right.
	ColourBar bool
	// Diverging colours negative values blue and positive ones
	// vermillion, white at 0, on a symmetric range; otherwise the colours
	// run from white (Min) to dark blue (Max).
	Diverging bool
	// Min and Max fix the colour range when Min < Max; by default it is
	// the range of the values (symmetric around 0 when Diverging).
	Min, Max float64
	// Width and Height are the figure size in px; by default they come
	// from a cell size chosen for the number of cells.
	Width, Height float64
}

// NewHeatmap returns a heat map of values (rows of equal length).
func NewHeatmap(title string, values [][]float64) *Heatmap {
	return &Heatmap{Title: title, Values: values}
}

// ConfusionMatrix returns an annotated heat map of counts[i][j], the
// number of examples of true class i predicted as class j, with rows
// labelled "true class" and columns "predicted class". labels names the
// classes (nil for 0, 1, …).
func ConfusionMatrix(title string, counts [][]int, labels []string) *Heatmap {
	values := make([][]float64, len(counts))
	for i, row := range counts {
		values[i] = make([]float64, len(row))
		for j, c := range row {
			values[i][j] = float64(c)
		}
	}
	most := 0
	for _, row := range counts {
		for _, c := range row {
			most = max(most, c)
		}
	}
	if labels == nil {
		for i := range max(len(counts), len(firstRow(counts))) {
			labels = append(labels, strconv.Itoa(i))
		}
	}
	return &Heatmap{
		Title: title, XLabel: "predicted class", YLabel: "true class",
		Values: values, RowLabels: labels, ColLabels: labels, Annotate: true,
		Min: 0, Max: float64(max(most, 1)), // colours from 0 count
	}
}

func firstRow[T any](m [][]T) []T {
	if len(m) == 0 {
		return nil
	}
	return m[0]
}

// Size returns the figure size in px.
func (h *Heatmap) Size() (float64, float64) {
	rows, cols := len(h.Values), len(firstRow(h.Values))
	cell := min(max(380/float64(max(rows, cols, 1)), 14), 60)
	l, r, t, b := h.margins()
	w := max(l+r+cell*float64(cols), titleWidth(h.Title)+2*pad)
	return size(h.Width, h.Height, w, t+b+cell*float64(rows))
}

// WriteSVG writes the heat map as an SVG document.
func (h *Heatmap) WriteSVG(w io.Writer) error { return writeSVG(w, h) }

// SaveSVG writes the heat map as an SVG file.
func (h *Heatmap) SaveSVG(path string) error { return SaveSVG(path, h) }

const colourBarWidth = 14

// margins returns the space around the cells: left, right, top, bottom.
func (h *Heatmap) margins() (l, r, t, b float64) {
	l, r, t, b = pad, pad, pad+6, pad
	if h.Title != "" {
		t = pad + titleBand
	}
	for _, s := range h.RowLabels {
		l = max(l, pad+textWidth(s, tickSize)+tickGap)
	}
	if h.YLabel != "" {
		l += labelSize + labelGap
	}
	if h.ColLabels != nil {
		b += tickGap + tickSize
	}
	if h.XLabel != "" {
		b += labelGap + labelSize
	}
	if h.ColourBar {
		lo, hi := h.colourRange()
		labelW := 0.0
		for _, t := range linearTicks(lo, hi, 5) {
			labelW = max(labelW, textWidth(t.Label, tickSize))
		}
		r += legendGap + colourBarWidth + tickLen + tickGap + labelW
	}
	return l, r, t, b
}

// colourRange returns the values mapped to the two ends of the colours.
func (h *Heatmap) colourRange() (lo, hi float64) {
	if h.Min < h.Max {
		return h.Min, h.Max
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range h.Values {
		for _, v := range row {
			if isFinite(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if lo > hi { // no finite value
		return 0, 1
	}
	if h.Diverging {
		m := max(math.Abs(lo), math.Abs(hi))
		lo, hi = -m, m
	}
	if lo == hi {
		return padRange(lo, hi, 0, false)
	}
	return lo, hi
}

var (
	divergingLow  = rgb("#0072B2")
	divergingHigh = rgb("#D55E00")
)

// colour maps v onto the heat map's colours.
func (h *Heatmap) colour(v float64) color.RGBA {
	if !isFinite(v) {
		return color.RGBA{200, 200, 200, 255}
	}
	lo, hi := h.colourRange()
	t := (v - lo) / (hi - lo)
	if !h.Diverging {
		return sequential(t)
	}
	if t < 0.5 {
		return mix(white, divergingLow, (0.5-t)*2)
	}
	return mix(white, divergingHigh, (t-0.5)*2)
}

func (h *Heatmap) format(v float64) string {
	if h.Format != nil {
		return h.Format(v)
	}
	return formatShort(v)
}

func (h *Heatmap) draw(c *canvas, x, y float64) error {
	rows, cols := len(h.Values), len(firstRow(h.Values))
	if rows == 0 || cols == 0 {
		return fmt.Errorf("plot: heat map %q has no values", h.Title)
	}
	for i, row := range h.Values {
		if len(row) != cols {
			return fmt.Errorf("plot: heat map %q: row %d has %d values, row 0 has %d", h.Title, i, len(row), cols)
		}
	}
	if (h.RowLabels != nil && len(h.RowLabels) != rows) || (h.ColLabels != nil && len(h.ColLabels) != cols) {
		return fmt.Errorf("plot: heat map %q: %d row and %d column labels for a %d×%d matrix",
			h.Title, len(h.RowLabels), len(h.ColLabels), rows, cols)
	}
	w, ht := h.Size()
	l, r, t, b := h.margins()
	cell := min((w-l-r)/float64(cols), (ht-t-b)/float64(rows))
	gw, gh := cell*float64(cols), cell*float64(rows)
	// Centre the cells with their labels and colour bar in the figure.
	left := x + (w-l-r-gw)/2
	x0 := left + l
	y0 := y + t + (ht-t-b-gh)/2

	for i, row := range h.Values {
		for j, v := range row {
			c.rect(x0+float64(j)*cell, y0+float64(i)*cell, cell+0.3, cell+0.3, // overlap hides seams
				`fill="`+hexColour(h.colour(v))+`"`)
		}
	}
	if h.Annotate {
		for i, row := range h.Values {
			for j, v := range row {
				if !isFinite(v) {
					continue
				}
				s := h.format(v)
				fontSize := min(tickSize, cell*0.42, (cell-4)/max(textWidth(s, 1), 0.01))
				if fontSize < 6 {
					continue // does not fit
				}
				fill := textColour
				switch {
				case luminance(h.colour(v)) < 0.5:
					fill = "white"
				case v == 0:
					fill = "#AAAAAA" // zeros recede, so that the few errors of a confusion matrix stand out
				}
				c.text(x0+(float64(j)+0.5)*cell, y0+(float64(i)+0.5)*cell+fontSize*tickTextDy, fontSize, anchorMiddle, s,
					`fill="`+fill+`"`)
			}
		}
	}
	c.rect(x0, y0, gw, gh, `fill="none" stroke="`+axisColour+`" stroke-width="1"`)

	c.buf.WriteString(`<g fill="` + mutedColour + `">` + "\n")
	for i, s := range h.RowLabels {
		c.text(x0-tickGap, y0+(float64(i)+0.5)*cell+tickSize*tickTextDy, tickSize, anchorEnd, s, "")
	}
	for j, s := range h.ColLabels {
		c.text(x0+(float64(j)+0.5)*cell, y0+gh+tickGap+tickSize*0.8, tickSize, anchorMiddle, s, "")
	}
	c.buf.WriteString("</g>\n")
	if h.XLabel != "" {
		ly := y0 + gh + labelGap + labelSize*0.8
		if h.ColLabels != nil {
			ly += tickGap + tickSize
		}
		c.text(x0+gw/2, ly, labelSize, anchorMiddle, h.XLabel, `fill="`+textColour+`"`)
	}
	if h.YLabel != "" {
		lx, ly := left+pad+labelSize*0.8, y0+gh/2
		c.text(lx, ly, labelSize, anchorMiddle, h.YLabel,
			`fill="`+textColour+`" transform="rotate(-90 `+num(lx)+` `+num(ly)+`)"`)
	}
	drawTitle(c, h.Title, x0+gw/2, rect{x, y, w, ht})
	if h.ColourBar {
		h.drawColourBar(c, x0+gw+legendGap, y0, gh)
	}
	return nil
}

// drawColourBar draws the colour scale, low at the bottom, as a gradient
// with ticks on its right.
func (h *Heatmap) drawColourBar(c *canvas, x, y, height float64) {
	lo, hi := h.colourRange()
	id := c.newID("bar")
	c.printf(`<linearGradient id="%s" x1="0" y1="1" x2="0" y2="0">`+"\n", id)
	const stops = 16 // the colour maps are piecewise linear with fewer pieces
	for k := 0; k <= stops; k++ {
		f := float64(k) / stops
		c.printf(`<stop offset="%s" stop-color="%s"/>`+"\n", num(f), hexColour(h.colour(lo+(hi-lo)*f)))
	}
	c.printf("</linearGradient>\n")
	c.rect(x, y, colourBarWidth, height, `fill="url(#`+id+`)"`)
	c.rect(x, y, colourBarWidth, height, `fill="none" stroke="`+axisColour+`" stroke-width="1"`)
	s := scale{lo: lo, hi: hi, p0: y + height, p1: y}
	c.buf.WriteString(`<g fill="` + mutedColour + `">` + "\n")
	for _, t := range linearTicks(lo, hi, 5) {
		ty := s.px(t.V)
		c.line(x+colourBarWidth, ty, x+colourBarWidth+tickLen, ty, `stroke="`+axisColour+`" stroke-width="1"`)
		c.text(x+colourBarWidth+tickLen+tickGap, ty+tickSize*tickTextDy, tickSize, anchorStart, t.Label, "")
	}
	c.buf.WriteString("</g>\n")
}

package plot

import (
	"fmt"
	"io"
)

// A Grid lays out figures as panels, Cols to a row, under an optional
// title: for instance one decision boundary per data set side by side.
// Each panel keeps its own size, title and legend; a column is as wide
// as its widest panel and a row as tall as its tallest.
type Grid struct {
	Title  string
	Cols   int // panels per row; 0 puts them all in one row
	Panels []Figure
}

// NewGrid returns a grid of the panels, cols to a row (0: one row).
func NewGrid(title string, cols int, panels ...Figure) *Grid {
	return &Grid{Title: title, Cols: cols, Panels: panels}
}

// WriteSVG writes the grid as an SVG document.
func (g *Grid) WriteSVG(w io.Writer) error { return writeSVG(w, g) }

// SaveSVG writes the grid as an SVG file.
func (g *Grid) SaveSVG(path string) error { return SaveSVG(path, g) }

// cells returns the column widths, the row heights and the title band height.
func (g *Grid) cells() (colW, rowH []float64, top float64) {
	cols := g.Cols
	if cols <= 0 || cols > len(g.Panels) {
		cols = max(len(g.Panels), 1)
	}
	colW = make([]float64, cols)
	rowH = make([]float64, (len(g.Panels)+cols-1)/cols)
	for k, p := range g.Panels {
		w, h := p.Size()
		colW[k%cols] = max(colW[k%cols], w)
		rowH[k/cols] = max(rowH[k/cols], h)
	}
	if g.Title != "" {
		top = titleBand + 4
	}
	return colW, rowH, top
}

// Size returns the figure size in px.
func (g *Grid) Size() (float64, float64) {
	colW, rowH, top := g.cells()
	w, h := 0.0, top
	for _, c := range colW {
		w += c
	}
	for _, r := range rowH {
		h += r
	}
	return w, h
}

func (g *Grid) draw(c *canvas, x, y float64) error {
	if len(g.Panels) == 0 {
		return fmt.Errorf("plot: grid %q has no panels", g.Title)
	}
	colW, rowH, top := g.cells()
	w, _ := g.Size()
	if g.Title != "" {
		c.text(x+w/2, y+pad+(titleSize+2)*0.9, titleSize+2, anchorMiddle, g.Title,
			`font-weight="bold" fill="`+textColour+`"`)
	}
	py := y + top
	for r, h := range rowH {
		px := x
		for col, cw := range colW {
			k := r*len(colW) + col
			if k >= len(g.Panels) {
				break
			}
			pw, ph := g.Panels[k].Size()
			c.printf("<g>\n")
			if err := g.Panels[k].draw(c, px+(cw-pw)/2, py+(h-ph)/2); err != nil {
				return fmt.Errorf("panel %d: %w", k, err)
			}
			c.printf("</g>\n")
			px += cw
		}
		py += h
	}
	return nil
}

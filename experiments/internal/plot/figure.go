package plot

import "io"

// A Figure is a chart that can render itself as SVG: a *LineChart,
// *Scatter, *DecisionBoundary, *Heatmap, *ImageGrid, *BarChart or *Grid of
// panels.
type Figure interface {
	// Size returns the figure's width and height in SVG user units
	// (CSS pixels at 100% zoom).
	Size() (width, height float64)
	// WriteSVG writes the figure as a standalone SVG document.
	WriteSVG(w io.Writer) error
	// draw renders the figure with its top-left corner at (x, y).
	draw(c *canvas, x, y float64) error
}

// SaveSVG writes f as a standalone SVG document to the file path.
func SaveSVG(path string, f Figure) error {
	return saveFile(path, f.WriteSVG)
}

// point is a position in SVG user units (or, before mapping, in data units).
type point struct{ X, Y float64 }

// size returns w, h, or the defaults when either is not positive.
func size(w, h, defW, defH float64) (float64, float64) {
	if w <= 0 {
		w = defW
	}
	if h <= 0 {
		h = defH
	}
	return w, h
}

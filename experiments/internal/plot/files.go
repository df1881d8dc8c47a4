package plot

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// A Dir writes the figures of a run as SVG files into one directory and
// keeps their names, in order, for the summary of the run.
type Dir struct {
	Path  string   // the directory, which must exist
	Names []string // the files written, in order
}

// Save writes f as the SVG file name in the directory.
func (d *Dir) Save(name string, f Figure) error {
	if err := SaveSVG(filepath.Join(d.Path, name), f); err != nil {
		return err
	}
	d.Names = append(d.Names, name)
	return nil
}

// Paths returns the paths of the files written.
func (d *Dir) Paths() []string {
	paths := make([]string, len(d.Names))
	for i, n := range d.Names {
		paths[i] = filepath.Join(d.Path, n)
	}
	return paths
}

// Markdown returns a Markdown image link per figure, one a line, to the
// file name alone (relative to the directory): ![loss](loss.svg).
func (d *Dir) Markdown() string {
	var sb strings.Builder
	for _, n := range d.Names {
		fmt.Fprintf(&sb, "![%s](%s)\n", strings.TrimSuffix(n, filepath.Ext(n)), n)
	}
	return sb.String()
}

// BoundaryPanel returns the decision boundary of a classifier over the
// points xy (an n×2 matrix, row-major) with their labels, sized as a panel
// of a Grid (320×300). resolution is the number of grid points per side
// (0: the default).
func BoundaryPanel(title string, score func(xy, out []float64), level float64, xy, labels []float64, resolution int) *DecisionBoundary {
	d := NewDecisionBoundary(title, score, level)
	d.AddByLabel(xy, labels)
	d.Resolution = resolution
	d.Width, d.Height = 320, 300
	return d
}

// BoundaryGrid lays out decision boundaries, cols to a row (0: all in one
// row), with the legend of the classes on the first panel only.
func BoundaryGrid(title string, cols int, panels ...*DecisionBoundary) *Grid {
	figs := make([]Figure, len(panels))
	for i, d := range panels {
		if i > 0 {
			d.Legend = LegendHidden
		}
		figs[i] = d
	}
	return NewGrid(title, cols, figs...)
}

// CheckSVG returns an error unless the file at path is a well-formed XML
// document whose root element is an <svg> with some content: what the
// experiments' tests ask of every figure they write.
func CheckSVG(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	depth, elements := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 && t.Name.Local != "svg" {
				return fmt.Errorf("%s: root element is <%s>, not <svg>", path, t.Name.Local)
			}
			depth++
			elements++
		case xml.EndElement:
			depth--
		}
	}
	if elements < 2 {
		return fmt.Errorf("%s: an empty SVG document", path)
	}
	return nil
}

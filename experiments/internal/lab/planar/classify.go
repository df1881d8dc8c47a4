package planar

import (
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// Accuracy returns the fraction of the rows of x that net classifies as
// their label in y: the class of a score s is s > level, and that of a
// label v is v > level (level 0 for ±1 labels, 0.5 for 0/1 labels and a
// sigmoid output).
func Accuracy(net layers.Module, x, y *tensor.Tensor, level float64) float64 {
	yhat := net.Forward(x)
	right := 0
	for i, s := range yhat.Data {
		if (s > level) == (y.Data[i] > level) {
			right++
		}
	}
	return float64(right) / float64(len(yhat.Data))
}

// Score returns the score function of a decision boundary: net's output
// on the grid points, computed as one batch.
func Score(net layers.Module) func(xy, out []float64) {
	return func(xy, out []float64) {
		yhat := net.Forward(tensor.FromSlice(xy, len(out), 2))
		copy(out, yhat.Data)
	}
}

// Boundary returns the decision boundary of net, whose output is compared
// with level, over the test points of p, in a panel of a Grid.
// resolution is the number of grid points per side (0: the plot's
// default).
func Boundary(net layers.Module, p *Problem, level float64, resolution int) *plot.DecisionBoundary {
	d := plot.NewDecisionBoundary(p.Title, Score(net), level)
	d.XLabel, d.YLabel = "x₁", "x₂"
	d.AddByLabel(p.TestX.Data, p.TestY.Data)
	d.Resolution = resolution
	d.Width, d.Height = 320, 300
	return d
}

// BoundaryGrid lays out decision boundaries, cols to a row, with the legend
// of the classes on the first panel only.
func BoundaryGrid(title string, cols int, panels []*plot.DecisionBoundary) *plot.Grid {
	figs := make([]plot.Figure, len(panels))
	for i, d := range panels {
		if i > 0 {
			d.Legend = plot.LegendHidden
		}
		figs[i] = d
	}
	return plot.NewGrid(title, cols, figs...)
}

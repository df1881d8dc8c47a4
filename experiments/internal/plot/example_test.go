package plot_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/plot"
)

// Loss curves of two runs on a log scale, the reference one dashed and
// black on top, so that both show where they coincide.
func ExampleLineChart() {
	var epochs, ours, reference []float64
	for e := 1; e <= 100; e++ {
		epochs = append(epochs, float64(e))
		ours = append(ours, math.Exp(-float64(e)/20))
		reference = append(reference, math.Exp(-float64(e)/20)*1.01)
	}
	chart := plot.NewLineChart("Training loss", "epoch", "loss")
	chart.LogY = true
	chart.Add("nndiy", epochs, ours)
	ref := chart.Add("PyTorch", epochs, reference)
	ref.Dashed, ref.Colour = true, "#000000"

	var buf bytes.Buffer
	if err := chart.WriteSVG(&buf); err != nil {
		fmt.Println(err)
		return
	}
	first, _, _ := strings.Cut(buf.String(), " viewBox")
	fmt.Println(first)
	// Output:
	// <svg xmlns="http://www.w3.org/2000/svg" width="640" height="400"
}

// A classifier's decision boundary over its training points, with labels
// ±1 and the boundary at score 0.
func ExampleDecisionBoundary() {
	xy := []float64{-1, -1, -1.5, -0.5, 1, 1, 0.5, 1.5} // four points, row-major
	labels := []float64{-1, -1, 1, 1}
	score := plot.Pointwise(func(x1, x2 float64) float64 { return x1 + x2 })

	d := plot.NewDecisionBoundary("Linear classifier", score, 0)
	d.AddByLabel(xy, labels)
	for _, g := range d.Groups {
		fmt.Println(g.Name, len(g.X), "points")
	}

	path := filepath.Join(os.TempDir(), "boundary.svg")
	if err := d.SaveSVG(path); err != nil {
		fmt.Println(err)
	}
	os.Remove(path)
	// Output:
	// y = −1 2 points
	// y = 1 2 points
}

func ExampleConfusionMatrix() {
	counts := [][]int{
		{48, 2},
		{5, 45},
	}
	h := plot.ConfusionMatrix("Test set", counts, []string{"cat", "dog"})
	h.ColourBar = true
	w, ht := h.Size()
	fmt.Printf("%s vs %s, %.0f×%.0f px\n", h.YLabel, h.XLabel, w, ht)
	// Output:
	// true class vs predicted class, 232×206 px
}

// Digits with their predicted and true classes, mistakes in red, as PNG.
func ExampleImageGrid() {
	digit := make([]float64, 16*16) // a blank 16×16 image; USPS pixels are in [0, 2]
	g := plot.NewImageGrid("Predictions", 2)
	g.Min, g.Max = 0, 2
	g.Add(digit, 16, 16, "pred 3\ntrue 3")
	g.Add(digit, 16, 16, "pred 3\ntrue 5").Mistake = true

	img, err := g.PNGImage()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Bounds().Dx(), "×", img.Bounds().Dy(), "px")
	// Output:
	// 162 × 139 px
}

// One panel per data set, side by side, with a single legend.
func ExampleGrid() {
	var panels []plot.Figure
	for i, name := range []string{"Gaussians", "XOR", "Checkerboard"} {
		s := plot.NewScatter(name, "x₁", "x₂")
		s.Add("points", []float64{0, 1, 2}, []float64{float64(i), 1, 0})
		s.Width, s.Height = 300, 280
		if i > 0 {
			s.Legend = plot.LegendHidden
		}
		panels = append(panels, s)
	}
	g := plot.NewGrid("Three data sets", 0, panels...)
	w, h := g.Size()
	fmt.Println(w, h)
	// Output:
	// 900 314
}

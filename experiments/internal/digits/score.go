package digits

import (
	"fmt"
	"io"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// Classes is the number of digits.
const Classes = data.USPSClasses

// Predict returns the class net predicts for each example of x: the argmax
// of its output row (logits, probabilities or log-probabilities alike),
// computed in batches of batchSize examples. x may have any rank: it holds
// one example per index of its first axis (n×256 images, or n×16×16×1).
// It runs forward passes only.
func Predict(net layers.Module, x *tensor.Tensor, batchSize int) []int {
	n := x.Shape[0]
	size := x.Len() / n
	pred := make([]int, n)
	view := &tensor.Tensor{Shape: append([]int(nil), x.Shape...)}
	for lo := 0; lo < n; lo += batchSize {
		hi := min(lo+batchSize, n)
		view.Shape[0], view.Data = hi-lo, x.Data[lo*size:hi*size]
		tensor.RowArgmax(pred[lo:hi], net.Forward(view))
	}
	return pred
}

// A Confusion counts a classifier's answers: Confusion[t][p] is the number of
// examples of true class t predicted as class p.
type Confusion [Classes][Classes]int

// NewConfusion counts the pairs (truth[i], pred[i]). It panics if the slices
// differ in length or hold a label outside 0 … 9.
func NewConfusion(truth, pred []int) *Confusion {
	if len(truth) != len(pred) {
		panic(fmt.Sprintf("digits.NewConfusion: %d true labels but %d predictions", len(truth), len(pred)))
	}
	var c Confusion
	for i, t := range truth {
		c[t][pred[i]]++
	}
	return &c
}

// Total returns the number of examples counted.
func (c *Confusion) Total() int {
	n := 0
	for t := range c {
		for p := range c[t] {
			n += c[t][p]
		}
	}
	return n
}

// Correct returns the number of examples predicted right, the trace.
func (c *Confusion) Correct() int {
	n := 0
	for d := range c {
		n += c[d][d]
	}
	return n
}

// Accuracy returns the fraction of examples predicted right.
func (c *Confusion) Accuracy() float64 { return float64(c.Correct()) / float64(c.Total()) }

// ClassAccuracy returns the fraction of the examples of class d predicted
// right (the recall of d), NaN when there are none.
func (c *Confusion) ClassAccuracy(d int) float64 {
	return float64(c[d][d]) / float64(c.ClassCount(d))
}

// Counts returns the matrix as rows of a slice, the form plot.ConfusionMatrix takes.
func (c *Confusion) Counts() [][]int {
	rows := make([][]int, Classes)
	for t := range c {
		rows[t] = c[t][:]
	}
	return rows
}

// Heatmap returns the matrix as an annotated heat map titled title.
func (c *Confusion) Heatmap(title string) *plot.Heatmap {
	return plot.ConfusionMatrix(title, c.Counts(), nil)
}

// WriteTable prints the matrix as a Markdown table, the true class down the
// rows and the predicted one across, with each class's count and accuracy.
func (c *Confusion) WriteTable(w io.Writer) error {
	t := cli.Table{Header: []string{"true \\ pred"}}
	for p := range Classes {
		t.Header = append(t.Header, fmt.Sprint(p))
	}
	t.Header = append(t.Header, "n", "accuracy")
	for d := range c {
		row := []any{d}
		for _, v := range c[d] {
			row = append(row, v)
		}
		row = append(row, c.ClassCount(d), cli.Percent(c.ClassAccuracy(d)))
		t.Add(row...)
	}
	return t.Write(w)
}

// OnePerClass returns the index of the first example of each class present
// in labels, in the order of the classes: a sample showing every digit.
func OnePerClass(labels []int) []int {
	var idx []int
	for d := range Classes {
		for i, l := range labels {
			if l == d {
				idx = append(idx, i)
				break
			}
		}
	}
	return idx
}

// Mistakes returns the indices of the first n examples (all when n ≤ 0)
// whose prediction differs from the label.
func Mistakes(labels, pred []int, n int) []int {
	var idx []int
	for i, l := range labels {
		if pred[i] != l {
			idx = append(idx, i)
			if len(idx) == n {
				break
			}
		}
	}
	return idx
}

// Image returns the pixels of image i of ds, a view of its row.
func Image(ds *data.Dataset, i int) []float64 { return row(ds.X, i) }

// DigitGrid returns a grid of the images of ds at idx, cols to a row, each
// captioned with its predicted and true labels ("pred 3 / true 5"), the
// mistakes framed in red. pred holds a prediction per image of ds; when it
// is nil the captions give the true labels only.
func DigitGrid(title string, ds *data.Dataset, idx, pred []int, cols int) *plot.ImageGrid {
	g := plot.NewImageGrid(title, cols)
	g.Min, g.Max = 0, 1
	for _, i := range idx {
		caption := fmt.Sprintf("true %d", ds.Labels[i])
		if pred != nil {
			caption = fmt.Sprintf("pred %d\ntrue %d", pred[i], ds.Labels[i])
		}
		img := g.Add(Image(ds, i), data.USPSSide, data.USPSSide, caption)
		img.Mistake = pred != nil && pred[i] != ds.Labels[i]
	}
	return g
}

// ClassCount returns the number of examples of class d.
func (c *Confusion) ClassCount(d int) int {
	n := 0
	for _, v := range c[d] {
		n += v
	}
	return n
}

package conv

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// evalName names the set the accuracies are measured on.
func (r *Result) evalName() string {
	if r.Validation {
		return "validation"
	}
	return "test"
}

// settings describes the data and the training in one sentence.
func (r *Result) settings() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d training and %d %s images", capitalize(r.Source), r.Train, r.Test, r.evalName())
	if r.Quick {
		b.WriteString(" (quick run: a subset)")
	}
	if r.Models[0].History != nil {
		c := r.Config
		fmt.Fprintf(&b, "; %d epochs of batches of %d, %s, learning rate %g falling to 0 along a cosine",
			c.Epochs, c.Batch, digits.OptimizerName(r.Optimizer), c.LR)
		switch {
		case r.Shift == 1:
			b.WriteString(", training images shifted by up to one pixel along each axis, anew every epoch")
		case r.Shift > 1:
			fmt.Fprintf(&b, ", training images shifted by up to %d pixels along each axis, anew every epoch", r.Shift)
		}
		fmt.Fprintf(&b, "; seed %d", c.Seed)
	}
	return b.String()
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// table returns the summary: one row per model.
func (r *Result) table() *cli.Table {
	ev := r.evalName()
	t := &cli.Table{Header: []string{"model", "parameters", "epochs", "train loss", "train accuracy", ev + " loss", ev + " accuracy", ev + " errors", "target (test)", "time"}}
	for _, m := range r.Models {
		epochs, trainLoss, trainAcc, time := "loaded", "", "", ""
		if h := m.History; h != nil {
			last := len(h.TrainLoss) - 1
			epochs = fmt.Sprint(last + 1)
			trainLoss = fmt.Sprintf("%.4f", h.TrainLoss[last])
			trainAcc = cli.Percent(h.TrainAccuracy[last])
			time = m.TrainTime.Round(100 * 1e6).String()
		}
		t.Add(m.Name, m.Params, epochs, trainLoss, trainAcc, fmt.Sprintf("%.4f", m.Loss), cli.Percent(m.Accuracy),
			fmt.Sprintf("%d / %d", m.Confusion.Total()-m.Confusion.Correct(), m.Confusion.Total()), "≥ "+cli.Percent(m.Target), time)
	}
	return t
}

// writeSummary prints the settings, the networks and the table.
func (r *Result) writeSummary(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s.\n\n", r.settings())
	for _, m := range r.Models {
		fmt.Fprintf(&b, "%s: %s\n", m.Name, strings.Join(m.layerNames(), " → "))
	}
	b.WriteString("\n")
	r.table().Write(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// layerNames describes the network's modules: as their String methods do,
// or by their type and sizes.
func (m *ModelResult) layerNames() []string {
	var names []string
	for _, mod := range m.Net.Modules() {
		switch l := mod.(type) {
		case fmt.Stringer:
			names = append(names, l.String())
		case *layers.Linear:
			names = append(names, fmt.Sprintf("Linear(%d→%d)", l.In(), l.Out()))
		default:
			names = append(names, strings.TrimPrefix(fmt.Sprintf("%T", mod), "*layers."))
		}
	}
	return names
}

// Markdown returns the experiment's section of the report: the settings,
// the networks, the summary table and the figures, linked by their file
// names (relative to the output directory).
func (r *Result) Markdown() string {
	var b strings.Builder
	b.WriteString("## Convolutions\n\n")
	fmt.Fprintf(&b, "%s.\n\n", r.settings())
	for _, m := range r.Models {
		fmt.Fprintf(&b, "- %s (`%s`, %d parameters): %s\n", m.Title, m.Name, m.Params, strings.Join(m.layerNames(), " → "))
	}
	b.WriteString("\n")
	r.table().Write(&b)
	b.WriteString("\n")
	digits.WriteFigureLinks(&b, r.Figures)
	return b.String()
}

// writeFigures draws the loss and accuracy curves of the trained models,
// and for every model its confusion matrix, its first mistakes, its
// first-layer kernels and what they make of a digit.
func (r *Result) writeFigures(cfg *cli.Config, test *data.Dataset) error {
	save := digits.FigureSaver(cfg, &r.Figures)
	ev := r.evalName()
	if r.Models[0].History != nil {
		loss := plot.NewLineChart("Cross-entropy per epoch", "epoch", "mean loss")
		loss.LogY = true
		acc := plot.NewLineChart("Error rate per epoch", "epoch", "error rate (%)")
		acc.LogY = true
		for i, m := range r.Models {
			colour := plot.Colour(i)
			loss.AddY(m.Name+" train", m.History.TrainLoss).Colour = colour
			acc.AddY(m.Name+" train", errorRates(m.History.TrainAccuracy)).Colour = colour
			s := loss.AddY(m.Name+" "+ev, m.History.ValLoss)
			s.Colour, s.Dashed = colour, true
			s = acc.AddY(m.Name+" "+ev, errorRates(m.History.ValAccuracy))
			s.Colour, s.Dashed = colour, true
		}
		if err := save("loss.svg", loss); err != nil {
			return err
		}
		if err := save("accuracy.svg", acc); err != nil {
			return err
		}
	}
	// The maps are drawn for the first evaluation image of the digit 4.
	digit := 0
	for i, l := range test.Labels {
		if l == 4 {
			digit = i
			break
		}
	}
	for _, m := range r.Models {
		title := fmt.Sprintf("%s: %s set, %s right", m.Title, ev, cli.Percent(m.Accuracy))
		if err := save(m.Name+"-confusion.svg", m.Confusion.Heatmap(title)); err != nil {
			return err
		}
		mistakes := digits.Mistakes(test.Labels, m.Pred, 20)
		if len(mistakes) > 0 {
			title := fmt.Sprintf("%s: the first %d mistakes on the %s set", m.Title, len(mistakes), ev)
			if err := save(m.Name+"-mistakes.svg", digits.DigitGrid(title, test, mistakes, m.Pred, 10)); err != nil {
				return err
			}
		}
		if err := save(m.Name+"-filters.svg", filterGrid(m)); err != nil {
			return err
		}
		if err := save(m.Name+"-maps.svg", mapGrid(m, digits.Image(test, digit), test.Labels[digit])); err != nil {
			return err
		}
	}
	return nil
}

// errorRates returns 100·(1 − a) for each accuracy a: error rates in
// percent, which a log scale shows better than accuracies close to 1.
func errorRates(acc []float64) []float64 {
	e := make([]float64, len(acc))
	for i, a := range acc {
		e[i] = 100 * (1 - a)
	}
	return e
}

// firstConv returns the weight of the network's first layer, a Conv1D or a
// Conv2D, and the size of its kernels (kH = 1 in 1-D).
func firstConv(net *layers.Sequential) (w *tensor.Tensor, kH, kW int) {
	switch c := net.Modules()[0].(type) {
	case *layers.Conv1D:
		w = c.Weight.Value
		return w, 1, w.Shape[0]
	case *layers.Conv2D:
		w = c.Weight.Value
		return w, w.Shape[0], w.Shape[1]
	}
	panic(fmt.Sprintf("conv: the first layer is %T, not a convolution", net.Modules()[0]))
}

// filterGrid shows the first layer's kernels, one image per output
// channel. The first layer reads one channel, so a kernel is a kH×kW image;
// each is divided by its largest weight in absolute value, so that
// mid-grey is 0 and black and white are ±that weight: the grid shows the
// kernels' shapes, not their sizes.
func filterGrid(m *ModelResult) *plot.ImageGrid {
	w, kH, kW := firstConv(m.Net)
	chans := w.Shape[len(w.Shape)-1]
	g := plot.NewImageGrid(fmt.Sprintf("%s: the %d first-layer kernels (%d×%d)", m.Title, chans, kH, kW), 8)
	g.Scale = 12
	if kH == 1 {
		g.Scale = 16
	}
	g.Min, g.Max = -1, 1
	for o := range chans {
		pix := make([]float64, kH*kW)
		for q := range pix {
			pix[q] = w.Data[q*chans+o] // W[q][0][o], q = di·kW + dj
		}
		normalize(pix)
		g.Add(pix, kW, kH, fmt.Sprint(o+1))
	}
	return g
}

// normalize divides v by its largest absolute value, unless all are 0.
// NaN values stay NaN.
func normalize(v []float64) {
	big := 0.0
	for _, x := range v {
		if !math.IsNaN(x) {
			big = max(big, math.Abs(x))
		}
	}
	if big == 0 {
		return
	}
	for i := range v {
		v[i] /= big
	}
}

// mapGrid shows what the first layer computes on one digit: the digit,
// then the output of each kernel as a 16×16 image. Each map is divided by
// its largest absolute value, so that mid-grey is 0 and black and white
// are the map's extremes; the digit is drawn white to black. The course's
// Conv1D reads the image as one sequence of 256 pixels, so its output at
// position t, the window of pixels t, t+1, t+2, is drawn at pixel t+1, the
// window's centre: the first and last pixels have no output (white).
func mapGrid(m *ModelResult, digit []float64, label int) *plot.ImageGrid {
	const side = data.USPSSide
	x := tensor.FromSlice(digit, append([]int{1}, m.Shape...)...)
	y := m.Net.Modules()[0].Forward(x)
	chans := y.Shape[len(y.Shape)-1]
	positions := y.Len() / chans

	g := plot.NewImageGrid(fmt.Sprintf("%s: a %d through the first layer", m.Title, label), 9)
	g.Scale = 4
	g.Min, g.Max = -1, 1
	in := make([]float64, side*side)
	for i, v := range digit {
		in[i] = 2*v - 1
	}
	g.Add(in, side, side, "input")
	offset := (side*side - positions) / 2 // 1 for the Conv1D's 254 outputs, 0 in 2-D
	for o := range chans {
		pix := make([]float64, side*side)
		for i := range pix {
			pix[i] = math.NaN()
		}
		for t := range positions {
			pix[offset+t] = y.Data[t*chans+o]
		}
		normalize(pix)
		g.Add(pix, side, side, fmt.Sprint(o+1))
	}
	return g
}

package main

// The plumbing of the experiment: the sentences and tables of its summary
// and its figures. What is trained, and how, is in main.go.

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// summary is what the run prints and draws.
type summary struct {
	results                      []*result
	eval                         *data.Dataset
	batch, epochs, shift, nTrain int
	lr                           float64
	seed                         uint64
	optimizer                    string
	data                         string // the data and where it was read
	validation, quick, synthetic bool
}

// evalName names the set the accuracies are measured on.
func (s *summary) evalName() string {
	if s.validation {
		return "validation"
	}
	return "test"
}

// comparable says whether the targets, test accuracies on all of
// USPS, may stand beside this run's numbers.
func (s *summary) comparable() bool { return !s.quick && !s.synthetic && !s.validation }

// writeSettings describes the data and the training in one sentence.
func (s *summary) writeSettings(w io.Writer) {
	fmt.Fprintf(w, "%s, %d training and %d %s images", s.data, s.nTrain, s.eval.Len(), s.evalName())
	if s.quick {
		fmt.Fprint(w, " (quick run: a subset, fewer epochs)")
	}
	if s.results[0].history != nil {
		rule := "SGD with Nesterov momentum 0.9"
		if s.optimizer == "adam" {
			rule = "Adam"
		}
		fmt.Fprintf(w, "; %d epochs of batches of %d, %s, learning rate %g falling to 0 along a cosine", s.epochs, s.batch, rule, s.lr)
		switch {
		case s.shift == 1:
			fmt.Fprint(w, ", training images shifted by up to one pixel along each axis, anew every epoch")
		case s.shift > 1:
			fmt.Fprintf(w, ", training images shifted by up to %d pixels along each axis, anew every epoch", s.shift)
		}
		fmt.Fprintf(w, "; seed %d", s.seed)
	}
	fmt.Fprint(w, ".\n\n")
}

// table returns the summary: one row per model.
func (s *summary) table() *cli.Table {
	ev := s.evalName()
	t := &cli.Table{Header: []string{"model", "parameters", "epochs", "train loss", "train accuracy", ev + " loss", ev + " accuracy", ev + " errors"}}
	if s.comparable() {
		t.Header = append(t.Header, "target (test)")
	}
	t.Header = append(t.Header, "time")
	for _, r := range s.results {
		epochs, trainLoss, trainAcc, time := "loaded", "", "", ""
		if h := r.history; h != nil {
			last := len(h.TrainLoss) - 1
			epochs = fmt.Sprint(last + 1)
			trainLoss = fmt.Sprintf("%.4f", h.TrainLoss[last])
			trainAcc = cli.Percent(h.TrainAccuracy[last])
			time = r.trainTime.Round(100 * 1e6).String()
		}
		c := r.confusion
		row := []any{r.name, r.parameters(), epochs, trainLoss, trainAcc, fmt.Sprintf("%.4f", r.loss), cli.Percent(c.Accuracy()),
			fmt.Sprintf("%d / %d", c.Total()-c.Correct(), c.Total())}
		if s.comparable() {
			row = append(row, "≥ "+cli.Percent(r.target))
		}
		t.Add(append(row, time)...)
	}
	return t
}

// writeText prints the settings, the networks and the table.
func (s *summary) writeText(w io.Writer, figures *plot.Dir) error {
	fmt.Fprintln(w)
	s.writeSettings(w)
	for _, r := range s.results {
		fmt.Fprintf(w, "%s: %s%s\n", r.name, strings.Join(layerNames(r.net), " → "), s.recipeNote(r))
	}
	fmt.Fprintln(w)
	if err := s.table().Write(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, r := range s.results {
		if r.saved != "" {
			fmt.Fprintf(w, "checkpoint of %s: %s\n", r.name, r.saved)
		}
	}
	for _, f := range figures.Paths() {
		fmt.Fprintln(w, "figure:", f)
	}
	return nil
}

// writeMarkdown prints the section of the report: the settings, the
// networks, the table and the figures, linked by their file names.
func (s *summary) writeMarkdown(w io.Writer, figures *plot.Dir) error {
	s.writeSettings(w)
	for _, r := range s.results {
		fmt.Fprintf(w, "- %s (`%s`, %d parameters): %s%s\n", r.title, r.name, r.parameters(), strings.Join(layerNames(r.net), " → "), s.recipeNote(r))
	}
	fmt.Fprintln(w)
	if err := s.table().Write(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, figures.Markdown())
	return nil
}

// recipeNote describes how a model's training and evaluation differ from
// the settings sentence's: its own epochs, augmentation and weight decay,
// its members, whether its test set was scored once, and its test views.
func (s *summary) recipeNote(r *result) string {
	var notes []string
	if r.history != nil { // trained here, not loaded
		if r.epochs != s.epochs {
			notes = append(notes, fmt.Sprintf("%d epochs", r.epochs))
		}
		if d := r.distortion; d != nil {
			notes = append(notes, "training images "+d.String()+", anew every epoch, instead of the shifts")
		}
		if r.weightDecay > 0 {
			notes = append(notes, fmt.Sprintf("weight decay %g", r.weightDecay))
		}
		if n := len(r.members); n > 1 {
			notes = append(notes, fmt.Sprintf("an ensemble of %d such networks trained at once from their own initial weights and augmentations, "+
				"its prediction the mean of their softmax probabilities (train loss and accuracy: the members' mean)", n))
		}
		if r.testOnce && !s.validation {
			notes = append(notes, "the test set scored once, after training (no test curve)")
		}
	}
	if r.views > 1 {
		notes = append(notes, fmt.Sprintf("each evaluated digit read in %d views, itself and moved by a pixel, their probabilities averaged", r.views))
	}
	if notes == nil {
		return ""
	}
	return "; " + strings.Join(notes, ", ")
}

// layerNames describes the network's modules: as their String methods do,
// or by their type and sizes.
func layerNames(net *layers.Sequential) []string {
	var names []string
	for _, mod := range net.Modules() {
		switch l := mod.(type) {
		case *layers.Concat: // Concat(branch | branch)
			var branches []string
			for _, b := range l.Branches() {
				branches = append(branches, strings.Join(layerNames(b.(*layers.Sequential)), " → "))
			}
			names = append(names, "Concat("+strings.Join(branches, " | ")+")")
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

// netTitle names the network that the figures of the first layer show:
// the model's, or the first member of its ensemble.
func (r *result) netTitle() string {
	if len(r.members) > 1 {
		return fmt.Sprintf("%s, member 1 of %d", r.title, len(r.members))
	}
	return r.title
}

// parameters returns the number of trainable values of the network, or of
// all of the ensemble's networks.
func (r *result) parameters() int {
	n := 0
	for _, net := range r.members {
		n += countParameters(net)
	}
	return n
}

// countParameters returns the number of trainable values of net.
func countParameters(net layers.Module) int {
	n := 0
	for _, p := range net.Parameters() {
		n += p.Value.Len()
	}
	return n
}

// writeFigures draws the loss and accuracy curves of the trained models,
// and for every model its confusion matrix, its first mistakes, its
// first-layer kernels and what they make of a digit, into the directory
// out. It returns the paths written.
func (s *summary) writeFigures(out string) (*plot.Dir, error) {
	figs := &plot.Dir{Path: out}
	save := figs.Save
	test := s.eval
	ev := s.evalName()
	if s.results[0].history != nil {
		loss := plot.NewLineChart("Cross-entropy per epoch", "epoch", "mean loss")
		loss.LogY = true
		acc := plot.NewLineChart("Error rate per epoch", "epoch", "error rate (%)")
		acc.LogY = true
		var curves []string
		for i, m := range s.results {
			colour := plot.Colour(i)
			name := m.name
			if n := len(m.members); n > 1 { // the curves of a typical member
				name = fmt.Sprintf("%s (mean of %d members)", m.name, n)
			}
			loss.AddY(name+" train", m.history.TrainLoss).Colour = colour
			acc.AddY(name+" train", errorRates(m.history.TrainAccuracy)).Colour = colour
			curves = append(curves, name+" train")
			if m.history.ValLoss == nil { // a model scoring its test set once
				continue
			}
			curves = append(curves, name+" "+ev)
			line := loss.AddY(name+" "+ev, m.history.ValLoss)
			line.Colour, line.Dashed = colour, true
			line = acc.AddY(name+" "+ev, errorRates(m.history.ValAccuracy))
			line.Colour, line.Dashed = colour, true
		}
		if len(curves) == 1 { // no legend: the title names the curve
			loss.Title += ": " + curves[0]
			acc.Title += ": " + curves[0]
		}
		if err := save("loss.svg", loss); err != nil {
			return nil, err
		}
		if err := save("accuracy.svg", acc); err != nil {
			return nil, err
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
	for _, m := range s.results {
		title := fmt.Sprintf("%s: %s set, %s right", m.title, ev, cli.Percent(m.confusion.Accuracy()))
		if err := save(m.name+"-confusion.svg", m.confusion.Heatmap(title)); err != nil {
			return nil, err
		}
		mistakes := digits.Mistakes(test.Labels, m.pred, 20)
		if len(mistakes) > 0 {
			title := fmt.Sprintf("%s: the first %d mistakes on the %s set", m.title, len(mistakes), ev)
			if err := save(m.name+"-mistakes.svg", digits.DigitGrid(title, test, mistakes, m.pred, 10)); err != nil {
				return nil, err
			}
		}
		filters, maps := filterGrid, mapGrid
		if rows, _ := branchConvs(m.net); rows != nil { // the two-branch network
			filters, maps = branchFilterGrid, branchMapGrid
		}
		if err := save(m.name+"-filters.svg", filters(m)); err != nil {
			return nil, err
		}
		if err := save(m.name+"-maps.svg", maps(m, digits.Image(test, digit), test.Labels[digit])); err != nil {
			return nil, err
		}
	}
	return figs, nil
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
func filterGrid(m *result) *plot.ImageGrid {
	w, kH, kW := firstConv(m.net)
	chans := w.Shape[len(w.Shape)-1]
	g := plot.NewImageGrid(fmt.Sprintf("%s: the %d first-layer kernels (%d×%d)", m.netTitle(), chans, kH, kW), 8)
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
func mapGrid(m *result, digit []float64, label int) *plot.ImageGrid {
	const side = data.USPSSide
	x := tensor.FromSlice(digit, append([]int{1}, m.shape...)...)
	y := m.net.Modules()[0].Forward(x)
	chans := y.Shape[len(y.Shape)-1]
	positions := y.Len() / chans

	g := plot.NewImageGrid(fmt.Sprintf("%s: a %d through the first layer", m.netTitle(), label), 9)
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

package main

// The plumbing of the experiment: what a run keeps, the sentences and tables
// of its summary, its figures, and a pool of workers. What is trained, and
// how, is in main.go.

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/experiments/internal/tsne"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// summary is what a run produced.
type summary struct {
	train, test *data.Dataset
	data        string // the data and where it was read
	quick       bool
	seed        uint64
	epochs      int
	hyper       hyper // the settings of the final model

	gridSpace []hyper
	grid      []gridPoint // in gridSpace's order; nil without -grid
	gridTime  time.Duration

	net, encoder      *layers.Sequential
	history           *optim.History // ValLoss is on the test set
	testLoss, testMSE float64        // BCE and mean squared error per pixel on the test set

	tsneIterations int
	tsne           *tsne.Result
	tsneTime       time.Duration

	noiseLevels []float64
	denoising   []noiseLevel // from σ = 0; nil without the studies
	classify    []classifier // nil without the studies

	variants    []*variant   // untied, tied, 2-d code (suggestions.go); nil without the studies
	clusterings []clustering // nil without the studies
}

// fullGrid lists the grid search's configurations, learning rate slowest.
func fullGrid() []hyper {
	var hs []hyper
	for _, lr := range []float64{1e-3, 3e-3, 1e-2} {
		for _, hidden := range []int{100, 200} {
			for _, code := range []int{5, 10, 20} {
				for _, batch := range []int{16, 64} {
					hs = append(hs, hyper{lr, hidden, code, batch})
				}
			}
		}
	}
	return hs
}

// A gridPoint is one configuration of the grid search and its scores.
type gridPoint struct {
	hyper
	valLoss  float64 // BCE on the held-out part of the training set: what chooses
	testLoss float64 // BCE on the test set, for information
}

// A noiseLevel is the denoising study at one level of noise: the mean
// squared error per pixel against the clean test digits of the noisy digits
// themselves, of the plain auto-encoder's output and of the denoising one's.
type noiseLevel struct {
	sigma                            float64
	inputMSE, plainMSE, denoisingMSE float64
	noisy, plain, denoised           *tensor.Tensor // the test images, for the figure
}

// A classifier is one of the classification study's networks and its test
// accuracy.
type classifier struct {
	input    string // "code" or "pixels"
	dims     int    // the input's dimension
	model    string // "linear" or "MLP"
	params   int
	accuracy float64
}

// countParameters returns the number of trainable values of m.
func countParameters(m layers.Module) int {
	n := 0
	for _, p := range m.Parameters() {
		n += p.Value.Len()
	}
	return n
}

// parallel calls f(0) … f(n−1) on workers goroutines (0 means GOMAXPROCS),
// each taking the next i as it finishes the last, and returns the first
// error by i.
func parallel(n, workers int, f func(i int) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Go(func() {
			for i := range next {
				errs[i] = f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// writeBody writes the parts of the summary the terminal and the report
// share, each table under a sentence.
func (s *summary) writeBody(w io.Writer) {
	fmt.Fprintf(w, "%s, %d training and %d test images", s.data, s.train.Len(), s.test.Len())
	if s.quick {
		fmt.Fprint(w, " (quick run: a subset, fewer epochs)")
	}
	h := s.hyper
	fmt.Fprintf(w, "; encoder 256 → %d → %d, decoder %d → %d → 256, TanH and a Sigmoid output; BCE; "+
		"Adam, learning rate %g falling to 0 along a cosine, %d epochs of batches of %d; seed %d.\n\n", h.hidden, h.code, h.code, h.hidden, h.lr, s.epochs, h.batch, s.seed)
	t := &cli.Table{Header: []string{"set", "BCE", "MSE per pixel"}}
	t.Add("training (last epoch, running)", fmt.Sprintf("%.4f", s.history.TrainLoss[len(s.history.TrainLoss)-1]), "")
	t.Add("test", fmt.Sprintf("%.4f", s.testLoss), fmt.Sprintf("%.4f", s.testMSE))
	t.Write(w)
	fmt.Fprintf(w, "\nt-SNE of the %d test codes: KL(P‖Q) = %.3f after %d iterations, %s.\n",
		s.test.Len(), s.tsne.KL, s.tsne.History[len(s.tsne.History)-1].Iteration, s.tsneTime.Round(1e8))
	if s.grid != nil {
		fmt.Fprintf(w, "\nGrid search (%d configurations trained on 5/6 of the training set, scored on the other 1/6; %s in all). "+
			"The retrained configuration is the best of code size %d: a larger code always reconstructs better, so the "+
			"best of each code size says what the bottleneck costs.\n\n", len(s.grid), s.gridTime.Round(1e8), s.hyper.code)
		best := &cli.Table{Header: []string{"code", "best configuration", "validation BCE", "test BCE"}}
		seen := map[int]bool{}
		for _, p := range s.grid {
			if !seen[p.code] {
				seen[p.code] = true
				b := bestWithCode(s.grid, p.code)
				best.Add(p.code, fmt.Sprintf("lr %g, hidden %d, batch %d", b.lr, b.hidden, b.batch), fmt.Sprintf("%.4f", b.valLoss), fmt.Sprintf("%.4f", b.testLoss))
			}
		}
		best.Write(w)
		fmt.Fprintln(w)
		all := &cli.Table{Header: []string{"lr", "hidden", "code", "batch", "validation BCE", "test BCE", ""}}
		for _, p := range s.grid {
			mark := ""
			if p.hyper == s.hyper {
				mark = "← retrained"
			}
			all.Add(p.lr, p.hidden, p.code, p.batch, fmt.Sprintf("%.4f", p.valLoss), fmt.Sprintf("%.4f", p.testLoss), mark)
		}
		all.Write(w)
	}
	if s.denoising != nil {
		fmt.Fprintf(w, "\nDenoising: mean squared error per pixel against the clean test digits, of the noisy digits (Gaussian noise of standard deviation σ, clipped to [0, 1]), "+
			"of the plain auto-encoder's output, and of an auto-encoder trained on such noisy digits (%d epochs, noise redrawn every epoch).\n\n", s.epochs)
		t := &cli.Table{Header: []string{"noise σ", "noisy input", "plain auto-encoder", "denoising auto-encoder"}}
		for _, n := range s.denoising {
			t.Add(n.sigma, fmt.Sprintf("%.4f", n.inputMSE), fmt.Sprintf("%.4f", n.plainMSE), fmt.Sprintf("%.4f", n.denoisingMSE))
		}
		t.Write(w)
	}
	if s.classify != nil {
		fmt.Fprintf(w, "\nClassification from the code: the same classifiers (Adam, learning rate %g falling to 0 along a cosine, %d epochs) trained on the encoder's codes and on the raw pixels.\n\n",
			classifierLR, s.epochs)
		t := &cli.Table{Header: []string{"input", "classifier", "parameters", "test accuracy"}}
		for _, c := range s.classify {
			model := "linear + softmax"
			if c.model == "MLP" {
				model = "MLP, 32 TanH hidden units"
			}
			t.Add(fmt.Sprintf("%s (%d-d)", c.input, c.dims), model, c.params, cli.Percent(c.accuracy))
		}
		t.Write(w)
	}
	s.writeSuggestions(w)
}

// writeText prints the summary for a terminal.
func (s *summary) writeText(w io.Writer, figures *plot.Dir) error {
	fmt.Fprintln(w)
	s.writeBody(w)
	fmt.Fprintln(w)
	for _, f := range figures.Paths() {
		fmt.Fprintln(w, "figure:", f)
	}
	return nil
}

// writeMarkdown prints the section of the report: the summary and the
// figures, linked by their file names.
func (s *summary) writeMarkdown(w io.Writer, figures *plot.Dir) error {
	fmt.Fprint(w, "The report's auto-encoder of the USPS digits, its reconstructions and a t-SNE map of its codes; the report gives figures "+
		"for this section but no numbers to set beside nndiy's. Then the course's suggested studies beyond the report: denoising, classification from the code, "+
		"tied weights, k-means of the codes, and a 2-d code.\n\n")
	s.writeBody(w)
	fmt.Fprintln(w)
	fmt.Fprint(w, figures.Markdown())
	return nil
}

// digitColours are ten colours that stay apart on white, one per digit
// (Tableau 10): the plot's Palette has seven.
var digitColours = [digits.Classes]string{
	"#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
	"#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#79706E",
}

// writeFigures draws the reconstructions, the loss curves, the t-SNE map and
// the studies' figures into the directory out, and returns their paths.
func (s *summary) writeFigures(out string) (*plot.Dir, error) {
	figs := &plot.Dir{Path: out}
	save := figs.Save
	test := s.test
	idx := rand.New(rand.NewPCG(s.seed, streamShow)).Perm(test.Len())[:min(10, test.Len())]

	recon := forward(s.net, test.X)
	g := plot.NewImageGrid("Test digits (top) and their reconstructions (bottom)", len(idx))
	g.Min, g.Max = 0, 1
	for _, i := range idx {
		g.Add(digits.Image(test, i), data.USPSSide, data.USPSSide, fmt.Sprintf("digit %d", test.Labels[i]))
	}
	for _, i := range idx {
		g.Add(recon.Row(i), data.USPSSide, data.USPSSide, "output")
	}
	if err := save("reconstructions.svg", g); err != nil {
		return nil, err
	}

	loss := plot.NewLineChart("Binary cross-entropy per epoch", "epoch", "BCE")
	loss.AddY("train", s.history.TrainLoss)
	loss.AddY("test", s.history.ValLoss).Dashed = true
	if err := save("loss.svg", loss); err != nil {
		return nil, err
	}

	m := plot.NewScatter(fmt.Sprintf("t-SNE of the %d-d codes of the %d test digits", s.hyper.code, test.Len()), "", "")
	m.Width, m.Height = 560, 520
	m.Legend = plot.LegendRight
	y := s.tsne.Y.Data
	for d := range digits.Classes {
		var xs, ys []float64
		for i, l := range test.Labels {
			if l == d {
				xs, ys = append(xs, y[2*i]), append(ys, y[2*i+1])
			}
		}
		if len(xs) > 0 {
			m.Add(fmt.Sprint(d), xs, ys).Colour = digitColours[d]
		}
	}
	if err := save("tsne.svg", m); err != nil {
		return nil, err
	}

	if s.denoising == nil {
		return figs, nil
	}
	c := plot.NewLineChart("Denoising: error against the clean test digits", "noise σ", "MSE per pixel")
	var sigma, in, plain, den []float64
	for _, n := range s.denoising {
		sigma = append(sigma, n.sigma)
		in, plain, den = append(in, n.inputMSE), append(plain, n.plainMSE), append(den, n.denoisingMSE)
	}
	c.Add("noisy input", sigma, in).Marker = plot.Circle
	c.Add("plain auto-encoder", sigma, plain).Marker = plot.Square
	c.Add("denoising auto-encoder", sigma, den).Marker = plot.TriangleUp
	c.YMin = 0
	c.YMax = 1.05 * max(in[len(in)-1], plain[len(plain)-1])
	if err := save("denoising.svg", c); err != nil {
		return nil, err
	}
	n := s.denoising[(len(s.denoising)+1)/2] // σ = 0.3 of 0 … 0.5
	g = plot.NewImageGrid(fmt.Sprintf("Noise σ = %g: clean, noisy, plain auto-encoder, denoising auto-encoder", n.sigma), len(idx))
	g.Min, g.Max = 0, 1
	for _, img := range []struct {
		caption string
		pix     func(i int) []float64
	}{
		{"clean", func(i int) []float64 { return digits.Image(test, i) }},
		{"noisy", func(i int) []float64 { return n.noisy.Row(i) }},
		{"plain", func(i int) []float64 { return n.plain.Row(i) }},
		{"denoising", func(i int) []float64 { return n.denoised.Row(i) }},
	} {
		for _, i := range idx {
			g.Add(img.pix(i), data.USPSSide, data.USPSSide, img.caption)
		}
	}
	if err := save("denoised.svg", g); err != nil {
		return nil, err
	}
	if err := s.suggestionFigures(save, idx); err != nil {
		return nil, err
	}
	return figs, nil
}

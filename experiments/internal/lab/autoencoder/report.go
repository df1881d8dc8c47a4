package autoencoder

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/plot"
)

// digitColours are ten colours that stay apart on white, one per digit
// (Tableau 10): the plot's Palette has seven.
var digitColours = [digits.Classes]string{
	"#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
	"#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#79706E",
}

// shown is the number of test digits drawn with their reconstructions.
const shown = 10

// settings describes the data, network and training in one sentence.
func (r *Result) settings() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d training and %d test images", r.Source, r.Train, r.Test)
	if r.Quick {
		b.WriteString(" (quick run: a subset)")
	}
	h := r.Hyper
	fmt.Fprintf(&b, "; encoder 256 → %d → %d, decoder %d → %d → 256, TanH and a Sigmoid output; BCE; "+
		"Adam, learning rate %g falling to 0 along a cosine, %d epochs of batches of %d; seed %d", h.Hidden, h.Code, h.Code, h.Hidden, h.LR, r.Config.Epochs, h.Batch, r.Config.Seed)
	return b.String()
}

// lossTable returns the final model's scores.
func (r *Result) lossTable() *cli.Table {
	t := &cli.Table{Header: []string{"set", "BCE", "MSE per pixel"}}
	last := len(r.Final.History.TrainLoss) - 1
	t.Add("training (last epoch, running)", fmt.Sprintf("%.4f", r.Final.History.TrainLoss[last]), "")
	t.Add("test", fmt.Sprintf("%.4f", r.TestLoss), fmt.Sprintf("%.4f", r.TestMSE))
	return t
}

// gridTable returns the grid search, one row per configuration.
func (r *Result) gridTable() *cli.Table {
	t := &cli.Table{Header: []string{"lr", "hidden", "code", "batch", "validation BCE", "test BCE", ""}}
	for _, p := range r.Grid {
		mark := ""
		if p.Hyper == r.Hyper {
			mark = "← retrained"
		}
		t.Add(p.LR, p.Hidden, p.Code, p.Batch, fmt.Sprintf("%.4f", p.ValLoss), fmt.Sprintf("%.4f", p.TestLoss), mark)
	}
	return t
}

// bestPerCode returns the best configuration of each code size, in order.
func (r *Result) bestPerCode() *cli.Table {
	t := &cli.Table{Header: []string{"code", "best configuration", "validation BCE", "test BCE"}}
	seen := map[int]bool{}
	for _, p := range r.Grid {
		if seen[p.Code] {
			continue
		}
		seen[p.Code] = true
		b := bestWithCode(r.Grid, p.Code)
		t.Add(p.Code, fmt.Sprintf("lr %g, hidden %d, batch %d", b.LR, b.Hidden, b.Batch), fmt.Sprintf("%.4f", b.ValLoss), fmt.Sprintf("%.4f", b.TestLoss))
	}
	return t
}

// denoisingTable returns the denoising study.
func (r *Result) denoisingTable() *cli.Table {
	t := &cli.Table{Header: []string{"noise σ", "noisy input", "plain auto-encoder", "denoising auto-encoder"}}
	for _, n := range r.Denoising {
		t.Add(n.Sigma, fmt.Sprintf("%.4f", n.InputMSE), fmt.Sprintf("%.4f", n.PlainMSE), fmt.Sprintf("%.4f", n.DenoisingMSE))
	}
	return t
}

// classifyTable returns the classification study.
func (r *Result) classifyTable() *cli.Table {
	t := &cli.Table{Header: []string{"input", "classifier", "parameters", "test accuracy"}}
	for _, c := range r.Classify {
		model := "linear + softmax"
		if c.Model == "MLP" {
			model = fmt.Sprintf("MLP, %d TanH hidden units", classifierHidden)
		}
		t.Add(fmt.Sprintf("%s (%d-d)", c.Input, c.Dims), model, c.Params, cli.Percent(c.Accuracy))
	}
	return t
}

// sections writes the parts of the summary, shared by the terminal and the
// report, each table under a sentence.
func (r *Result) sections(w io.Writer) {
	fmt.Fprintf(w, "%s.\n\n", r.settings())
	r.lossTable().Write(w)
	fmt.Fprintf(w, "\nt-SNE of the %d test codes: KL(P‖Q) = %.3f after %d iterations, %s.\n",
		r.Test, r.TSNE.KL, r.TSNE.History[len(r.TSNE.History)-1].Iteration, r.TSNETime.Round(1e8))
	if r.Grid != nil {
		fmt.Fprintf(w, "\nGrid search (%d configurations trained on 5/6 of the training set, scored on the other 1/6; %s in all). "+
			"The retrained configuration is the best of code size %d: a larger code always reconstructs better, so the "+
			"best of each code size says what the bottleneck costs.\n\n", len(r.Grid), r.GridTime.Round(1e8), r.Hyper.Code)
		r.bestPerCode().Write(w)
		fmt.Fprintln(w)
		r.gridTable().Write(w)
	}
	if r.Denoising != nil {
		fmt.Fprintf(w, "\nDenoising: mean squared error per pixel against the clean test digits, of the noisy digits (Gaussian noise of standard deviation σ, clipped to [0, 1]), "+
			"of the plain auto-encoder's output, and of an auto-encoder trained on such noisy digits (%d epochs, noise redrawn every epoch).\n\n", r.Config.Epochs)
		r.denoisingTable().Write(w)
	}
	if r.Classify != nil {
		fmt.Fprintf(w, "\nClassification from the code: the same classifiers (Adam, learning rate %g falling to 0 along a cosine, %d epochs) trained on the encoder's codes and on the raw pixels.\n\n",
			classifierLR, r.Config.Epochs)
		r.classifyTable().Write(w)
	}
}

// writeSummary prints the results on w.
func (r *Result) writeSummary(w io.Writer) error {
	fmt.Fprintln(w)
	r.sections(w)
	fmt.Fprintln(w)
	for _, f := range r.Figures {
		fmt.Fprintln(w, "figure:", f)
	}
	return nil
}

// Markdown returns the experiment's section of the report, the figures
// linked by their file names (relative to the output directory).
func (r *Result) Markdown() string {
	var b strings.Builder
	b.WriteString("## §7 Auto-encoder\n\n")
	b.WriteString("The report's auto-encoder of the USPS digits, its reconstructions and a t-SNE map of its codes; the report gives figures " +
		"for this section but no numbers to set beside nndiy's. Then two of the course's suggested studies beyond the report: denoising, and classification from the code.\n\n")
	r.sections(&b)
	b.WriteString("\n")
	digits.WriteFigureLinks(&b, r.Figures)
	return b.String()
}

// writeFigures draws the reconstructions, the loss curves, the t-SNE map and
// the studies' figures.
func (r *Result) writeFigures(cfg *cli.Config, test *data.Dataset) error {
	save := digits.FigureSaver(cfg, &r.Figures)
	idx := rand.New(rand.NewPCG(cfg.Seed, streamShow)).Perm(test.Len())[:min(shown, test.Len())]

	recon := Forward(r.Final.Net, test.X)
	g := plot.NewImageGrid("Test digits (top) and their reconstructions (bottom)", len(idx))
	g.Min, g.Max = 0, 1
	for _, i := range idx {
		g.Add(digits.Image(test, i), data.USPSSide, data.USPSSide, fmt.Sprintf("digit %d", test.Labels[i]))
	}
	for _, i := range idx {
		g.Add(recon.Row(i), data.USPSSide, data.USPSSide, "output")
	}
	if err := save("reconstructions.svg", g); err != nil {
		return err
	}

	loss := plot.NewLineChart("Binary cross-entropy per epoch", "epoch", "BCE")
	loss.AddY("train", r.Final.History.TrainLoss)
	loss.AddY("test", r.Final.History.ValLoss).Dashed = true
	if err := save("loss.svg", loss); err != nil {
		return err
	}

	m := plot.NewScatter(fmt.Sprintf("t-SNE of the %d-d codes of the %d test digits", r.Hyper.Code, r.Test), "", "")
	m.Width, m.Height = 560, 520
	m.Legend = plot.LegendRight
	y := r.TSNE.Y.Data
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
		return err
	}

	if r.Denoising != nil {
		c := plot.NewLineChart("Denoising: error against the clean test digits", "noise σ", "MSE per pixel")
		var sigma, in, plain, den []float64
		for _, n := range r.Denoising {
			sigma = append(sigma, n.Sigma)
			in, plain, den = append(in, n.InputMSE), append(plain, n.PlainMSE), append(den, n.DenoisingMSE)
		}
		c.Add("noisy input", sigma, in).Marker = plot.Circle
		c.Add("plain auto-encoder", sigma, plain).Marker = plot.Square
		c.Add("denoising auto-encoder", sigma, den).Marker = plot.TriangleUp
		c.YMin = 0
		c.YMax = 1.05 * max(in[len(in)-1], plain[len(plain)-1])
		if err := save("denoising.svg", c); err != nil {
			return err
		}
		n := r.Denoising[(len(r.Denoising)+1)/2] // σ = 0.3 of 0 … 0.5
		g := plot.NewImageGrid(fmt.Sprintf("Noise σ = %g: clean, noisy, plain auto-encoder, denoising auto-encoder", n.Sigma), len(idx))
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
			return err
		}
	}
	return nil
}

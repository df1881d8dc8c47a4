package nonlinear

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
)

// Sizes of the runs, in full and with -quick.
const (
	pointsN         = 1000 // points of each training and test set
	pointsNQuick    = 200
	quickEpochs     = 30 // the most epochs a -quick run trains
	quickResolution = 40 // grid points per side of a -quick decision boundary
)

// Options are the settings of the network beyond the common flags.
type Options struct {
	// Hidden is the width h of the hidden layer.
	Hidden int
	// Loss is "bce" (the binary cross-entropy) or "mse" (the course's).
	Loss string
}

// DefaultOptions returns a hidden layer of 10 units and the BCE.
func DefaultOptions() Options { return Options{Hidden: 10, Loss: "bce"} }

// Defaults are the settings of the command's full run, those of
// docs/results.md.
var Defaults = cli.Config{Epochs: 200, LR: 0.5, Batch: 32, Seed: 1}

// Result holds what Run measured and the figures it wrote.
type Result struct {
	Options Options
	Models  []*planar.Model
	// Figures are the paths of the SVG files written.
	Figures []string
	figures planar.Figures
}

// Run trains the network on each of the course's data sets with cfg's
// epochs, learning rate, batch size and seed, writes the figures into
// cfg.Out, prints a progress line per data set on cfg.Stderr and the table
// on cfg.Stdout. With cfg.Quick it trains on fewer points for at most
// quickEpochs epochs.
func Run(cfg *cli.Config, opts Options) (*Result, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	loss, lossName, err := newLoss(opts.Loss)
	if err != nil {
		return nil, err
	}
	if opts.Hidden < 1 {
		return nil, fmt.Errorf("-hidden must be at least 1, have %d", opts.Hidden)
	}
	n, epochs, resolution := pointsN, cfg.Epochs, 0
	if cfg.Quick {
		n, epochs, resolution = pointsNQuick, min(epochs, quickEpochs), quickResolution
	}
	problems, err := planar.Problems(planar.CourseKinds, n, cfg.Seed)
	if err != nil {
		return nil, err
	}
	for i, p := range problems {
		problems[i] = p.Binary()
	}

	h := opts.Hidden
	t := planar.Trainer{
		Build: func(rng *rand.Rand) layers.Module {
			return layers.NewSequential(layers.NewLinear(2, h, rng), layers.NewTanh(), layers.NewLinear(h, 1, rng), layers.NewSigmoid())
		},
		Loss: loss, Level: 0.5,
		LR: cfg.LR, Epochs: epochs, Batch: cfg.Batch, Seed: cfg.Seed,
		Progress: cfg.Stderr,
	}
	r := &Result{Options: opts, Models: t.FitAll(problems), figures: planar.Figures{Config: cfg}}

	arch := fmt.Sprintf("Linear(2, %d) → TanH → Linear(%d, 1) → Sigmoid", h, h)
	lossChart := planar.LossChart(arch+": training loss", "mean "+lossName, r.Models)
	lossChart.LogY = true
	if err := r.figures.Save("loss.svg", lossChart); err != nil {
		return nil, err
	}
	grid := planar.Boundaries(arch+", "+lossName+", on the test points", 0, r.Models, 0.5, resolution)
	if err := r.figures.Save("boundaries.svg", grid); err != nil {
		return nil, err
	}
	r.Figures = r.figures.Paths
	r.print(cfg.Stdout)
	return r, nil
}

func newLoss(name string) (losses.Loss, string, error) {
	switch strings.ToLower(name) {
	case "bce":
		return losses.NewBCE(), "BCE", nil
	case "mse":
		return losses.NewMSE(), "MSE", nil
	}
	return nil, "", fmt.Errorf("-loss must be bce or mse, have %q", name)
}

func (r *Result) print(w io.Writer) {
	_, lossName, _ := newLoss(r.Options.Loss)
	fmt.Fprintf(w, "One hidden layer of %d units, %s on labels 0/1:\n", r.Options.Hidden, lossName)
	planar.AccuracyTable(r.Models).Write(w)
	fmt.Fprintln(w, "\nFigures:")
	for _, f := range r.Figures {
		fmt.Fprintln(w, " ", f)
	}
}

// Markdown returns the results as a section of docs/results.md: the table
// and the figures, linked as figures/nonlinear/NAME.svg.
func (r *Result) Markdown() string {
	var sb strings.Builder
	planar.AccuracyTable(r.Models).Write(&sb)
	sb.WriteString("\n")
	sb.WriteString(r.figures.Markdown("nonlinear"))
	return sb.String()
}

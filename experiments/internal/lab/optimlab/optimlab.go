package optimlab

import (
	"fmt"
	"io"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
	"github.com/nndiy/nndiy/experiments/internal/lab/sequential"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
)

// Sizes of the runs, in full and with -quick.
const (
	pointsN      = 1000 // points of each training and test set
	pointsNQuick = 200
	quickEpochs  = 30 // the most epochs a -quick run trains
)

// Options are the settings of the optimizers beyond the common flags; the
// plain step's learning rate is the Config's LR.
type Options struct {
	// Momentum is μ of SGD with momentum and of Nesterov.
	Momentum float64
	// MomentumLR is their learning rate; 0 means LR·(1 − μ).
	MomentumLR float64
	// AdamLR is Adam's learning rate.
	AdamLR float64
}

// DefaultOptions returns μ = 0.9 at the plain step's long-run step size,
// and Adam at 0.01.
func DefaultOptions() Options { return Options{Momentum: 0.9, AdamLR: 0.01} }

// A Method is one way of updating the weights.
type Method struct {
	Name string
	// New returns the optimizer; nil for the course's plain step.
	New func() optim.Optimizer
}

// methods returns the four update rules compared.
func methods(cfg *cli.Config, opts Options) []Method {
	mu, lr := opts.Momentum, opts.MomentumLR
	if lr == 0 {
		lr = cfg.LR * (1 - mu)
	}
	return []Method{
		{Name: fmt.Sprintf("plain step, ε = %g", cfg.LR)},
		{Name: fmt.Sprintf("momentum %g, lr %.3g", mu, lr), New: func() optim.Optimizer {
			s := optim.NewSGD(lr)
			s.Momentum = mu
			return s
		}},
		{Name: fmt.Sprintf("Nesterov %g, lr %.3g", mu, lr), New: func() optim.Optimizer {
			s := optim.NewSGD(lr)
			s.Momentum, s.Nesterov = mu, true
			return s
		}},
		{Name: fmt.Sprintf("Adam, lr %g", opts.AdamLR), New: func() optim.Optimizer { return optim.NewAdam(opts.AdamLR) }},
	}
}

// Defaults are the settings of the command's full run, those of
// docs/results.md.
var Defaults = cli.Config{Epochs: 500, LR: 0.2, Batch: 32, Seed: 1}

// Result holds what Run measured and the figures it wrote.
type Result struct {
	Methods  []Method
	Problems []*planar.Problem
	// Runs[i][j] is method j trained on problem i.
	Runs [][]*RunResult
	// Figures are the paths of the SVG files written.
	Figures []string
	figures planar.Figures
}

// A RunResult is one method trained on one problem.
type RunResult struct {
	History *optim.History
	// FinalLoss is the mean training loss of the last epoch.
	FinalLoss                   float64
	TrainAccuracy, TestAccuracy float64
}

// Run trains the network of §5.1 with each method on each data set of
// sequential.Kinds for cfg's epochs, batch size and seed, writes the
// figures into cfg.Out, prints a progress line per run on cfg.Stderr and the
// tables on cfg.Stdout. With cfg.Quick it trains on fewer points for at
// most quickEpochs epochs.
func Run(cfg *cli.Config, opts Options) (*Result, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if !(opts.Momentum > 0 && opts.Momentum < 1) || opts.MomentumLR < 0 || !(opts.AdamLR > 0) {
		return nil, fmt.Errorf("need 0 < -momentum < 1, -momentum-lr ≥ 0 and -adam-lr > 0, have %g, %g and %g", opts.Momentum, opts.MomentumLR, opts.AdamLR)
	}
	n, epochs := pointsN, cfg.Epochs
	if cfg.Quick {
		n, epochs = pointsNQuick, min(epochs, quickEpochs)
	}
	problems, err := planar.Problems(sequential.Kinds, n, cfg.Seed)
	if err != nil {
		return nil, err
	}
	r := &Result{Methods: methods(cfg, opts), figures: planar.Figures{Config: cfg}}
	for _, p := range problems {
		p = p.Binary()
		r.Problems = append(r.Problems, p)
		// One seed for the order of the batches of every method.
		order := planar.RNG(cfg.Seed, planar.StreamBatches, p.Kind).Uint64()
		var runs []*RunResult
		for _, m := range r.Methods {
			run, err := train(p, m, cfg, epochs, order)
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", p.Title, m.Name, err)
			}
			runs = append(runs, run)
		}
		r.Runs = append(r.Runs, runs)
	}
	if err := r.figures.Save("loss.svg", r.lossGrid()); err != nil {
		return nil, err
	}
	r.Figures = r.figures.Paths
	r.print(cfg.Stdout)
	return r, nil
}

// train fits a new network, with the initial weights of every method for
// this problem, through optim.Fit.
func train(p *planar.Problem, m Method, cfg *cli.Config, epochs int, order uint64) (*RunResult, error) {
	net := sequential.NewNet(planar.RNG(cfg.Seed, planar.StreamInit, p.Kind))
	o := optim.New(net, losses.NewBCE(), cfg.LR)
	if m.New != nil {
		o.WithOptimizer(m.New())
	}
	progress := cli.NewProgress(cfg.Stderr, p.Title+", "+m.Name, epochs)
	h, err := optim.Fit(o, p.X, p.Y, optim.Config{
		BatchSize: cfg.Batch, Epochs: epochs, Seed: order,
		OnEpoch: func(epoch int, h *optim.History) error {
			progress.Update(epoch, h.TrainLoss[epoch-1])
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &RunResult{
		History:       h,
		FinalLoss:     h.TrainLoss[len(h.TrainLoss)-1],
		TrainAccuracy: planar.Accuracy(net, p.X, p.Y, 0.5),
		TestAccuracy:  planar.Accuracy(net, p.TestX, p.TestY, 0.5),
	}, nil
}

// lossGrid returns a chart of the training losses per data set.
func (r *Result) lossGrid() *plot.Grid {
	var panels []plot.Figure
	for i, p := range r.Problems {
		c := plot.NewLineChart(p.Title, "epoch", "mean training loss (BCE)")
		c.LogY = true
		c.Width, c.Height = 320, 300
		for j, m := range r.Methods {
			c.AddY(shortName(m.Name), r.Runs[i][j].History.TrainLoss)
		}
		c.Legend = plot.LegendHidden
		if i == 0 {
			c.Legend = plot.LegendTopRight // empty: every loss falls from the top left
		}
		panels = append(panels, c)
	}
	return plot.NewGrid("Training loss of the §5.1 network by update rule, from the same weights on the same batches", 3, panels...)
}

// shortName is a method's name up to its first comma, for legends.
func shortName(name string) string {
	short, _, _ := strings.Cut(name, ",")
	return short
}

// Tables returns the final training losses and the test accuracies, a
// row per data set and a column per method.
func (r *Result) Tables() (loss, accuracy *cli.Table) {
	header := []string{"data set"}
	for _, m := range r.Methods {
		header = append(header, m.Name)
	}
	loss = &cli.Table{Header: header}
	accuracy = &cli.Table{Header: header}
	for i, p := range r.Problems {
		l, a := []any{p.Title}, []any{p.Title}
		for _, run := range r.Runs[i] {
			l = append(l, fmt.Sprintf("%.2e", run.FinalLoss))
			a = append(a, planar.Percent(run.TestAccuracy))
		}
		loss.Add(l...)
		accuracy.Add(a...)
	}
	return loss, accuracy
}

func (r *Result) print(w io.Writer) {
	loss, acc := r.Tables()
	fmt.Fprintln(w, "Final training loss (BCE):")
	loss.Write(w)
	fmt.Fprintln(w, "\nTest accuracy:")
	acc.Write(w)
	fmt.Fprintln(w, "\nFigures:")
	for _, f := range r.Figures {
		fmt.Fprintln(w, " ", f)
	}
}

// Markdown returns the results as a section of docs/results.md: the
// tables and the figure, linked as figures/optim/NAME.svg.
func (r *Result) Markdown() string {
	var sb strings.Builder
	loss, acc := r.Tables()
	sb.WriteString("Final training loss (BCE):\n\n")
	loss.Write(&sb)
	sb.WriteString("\nTest accuracy:\n\n")
	acc.Write(&sb)
	sb.WriteString("\n")
	sb.WriteString(r.figures.Markdown("optim"))
	return sb.String()
}

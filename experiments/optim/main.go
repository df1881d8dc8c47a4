// Command optim is the report's §5.2: the network and the data sets of
// §5.1, trained through the course's Optim (one step: forward, loss,
// backward, update) and its SGD function, the mini-batch loop, written out
// here as sgd (the library's version is optim.Fit).
//
// The report's setting is the course's plain step θ ← θ − ε·∇θ. Beyond it,
// three of torch.optim's update rules: SGD with momentum, with Nesterov
// momentum, and Adam. Every rule starts from the same initial weights and
// sees the same batches in the same order, so the curves differ by the
// update rule alone. Momentum runs at the learning rate ε·(1 − μ) by
// default, the same step in the long run as the plain step's (a constant
// gradient g moves θ by lr·g/(1 − μ) per step): what remains is the effect
// of the dynamics, not of a larger step.
//
//	go run ./experiments/optim [-epochs 500] [-lr 0.2] [-momentum 0.9] [-momentum-lr 0] [-adam-lr 0.01] [-batch 32] [-seed 1] [-out out/optim] [-quick] [-markdown]
package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// The data sets of §5.1, as data.Arti draws them.
var (
	kinds  = []data.Kind{data.TwoGaussians, data.FourGaussians, data.Checkerboard, data.Circles, data.Moons, data.Spirals}
	titles = []string{"two Gaussians", "XOR", "checkerboard", "circles", "moons", "spirals"}
)

func main() { cli.Main("optim", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) }) }

// newNetwork returns the network of §5.1, with PyTorch's initialisation
// drawn from rng layer by layer.
func newNetwork(rng *rand.Rand) *layers.Sequential {
	return layers.NewSequential(
		layers.NewLinear(2, 5, rng), layers.NewTanh(),
		layers.NewLinear(5, 10, rng), layers.NewTanh(),
		layers.NewLinear(10, 20, rng), layers.NewTanh(),
		layers.NewLinear(20, 1, rng), layers.NewSigmoid(),
	)
}

// A method is one way of updating the weights: the course's plain step
// when optimizer is nil, else the optimizer it returns.
type method struct {
	name      string
	optimizer func() optim.Optimizer
}

// run parses args, trains the network with each update rule on each data
// set, writes the figure into -out and prints the summary on stdout (with
// -markdown, the Markdown body of the report's section), the progress on
// stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("optim", stderr)
	cfg := cli.Register(fs, "optim", cli.Config{Epochs: 500, LR: 0.2, Batch: 32, Seed: 1})
	mu := fs.Float64("momentum", 0.9, "momentum `μ` of SGD with momentum and Nesterov")
	momentumLR := fs.Float64("momentum-lr", 0, "learning `rate` of SGD with momentum and Nesterov (0: lr·(1 − μ), the plain step's long-run step)")
	adamLR := fs.Float64("adam-lr", 0.01, "learning `rate` of Adam")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	if inf := math.Inf(1); !(*mu > 0 && *mu < 1) || !(*momentumLR >= 0 && *momentumLR < inf) || !(*adamLR > 0 && *adamLR < inf) {
		return cli.Usagef("need 0 < -momentum < 1, -momentum-lr ≥ 0 and -adam-lr > 0, all finite, have %g, %g and %g", *mu, *momentumLR, *adamLR)
	}
	if err := cfg.MakeOut(); err != nil {
		return err
	}
	// -quick draws fewer points and trains for at most 30 epochs.
	n, epochs := 1000, cfg.Epochs
	if cfg.Quick {
		n, epochs = 200, min(cfg.Epochs, 30)
	}
	// Every random number comes from a generator seeded by -seed and a
	// stream of its own, 100 + kind for a data set's points, 200 + kind for
	// the initial weights, 300 + kind for the batch order: none of them
	// changes when another does.
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(cfg.Seed, stream)) }

	lr := *momentumLR
	if lr == 0 {
		lr = cfg.LR * (1 - *mu)
	}
	methods := []method{
		{fmt.Sprintf("plain step, ε = %g", cfg.LR), nil}, // the report's setting
		{fmt.Sprintf("momentum %g, lr %.3g", *mu, lr), func() optim.Optimizer {
			s := optim.NewSGD(lr)
			s.Momentum = *mu
			return s
		}},
		{fmt.Sprintf("Nesterov %g, lr %.3g", *mu, lr), func() optim.Optimizer {
			s := optim.NewSGD(lr)
			s.Momentum, s.Nesterov = *mu, true
			return s
		}},
		{fmt.Sprintf("Adam, lr %g", *adamLR), func() optim.Optimizer { return optim.NewAdam(*adamLR) }},
	}

	// finalLoss[j][i] and testAccuracy[j][i] are method j's on data set i.
	finalLoss, testAccuracy := make([][]string, len(methods)), make([][]string, len(methods))
	var panels []plot.Figure
	for i, kind := range kinds {
		// A training set and a test set drawn independently, with labels
		// 0/1 for the sigmoid's output.
		points := rng(100 + uint64(kind))
		x, y := data.Arti(kind, n, data.DefaultArtiOptions(), points)
		testX, testY := data.Arti(kind, n, data.DefaultArtiOptions(), points)
		y, testY = data.SignsToBinary(nil, y), data.SignsToBinary(nil, testY)
		order := rng(300 + uint64(kind)).Uint64() // the seed of the batch order of every method

		chart := plot.NewLineChart(titles[i], "epoch", "mean training loss (BCE)")
		chart.LogY = true
		chart.Width, chart.Height = 320, 300
		for j, m := range methods {
			net := newNetwork(rng(200 + uint64(kind))) // the same initial weights for every method
			o := optim.New(net, losses.NewBCE(), cfg.LR)
			if m.optimizer != nil {
				o.WithOptimizer(m.optimizer())
			}
			progress := cli.NewProgress(stderr, titles[i]+", "+m.name, epochs)
			means, err := sgd(o, x, y, epochs, cfg.Batch, order, progress)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", titles[i], m.name, err)
			}
			finalLoss[j] = append(finalLoss[j], fmt.Sprintf("%.2e", means[epochs-1]))
			testAccuracy[j] = append(testAccuracy[j], cli.Percent(optim.Accuracy(testY, net.Forward(testX))))
			short, _, _ := strings.Cut(m.name, ",")
			chart.AddY(short, means)
		}
		chart.Legend = plot.LegendHidden
		if i == 0 {
			chart.Legend = plot.LegendTopRight // empty: every loss falls from the top left
		}
		panels = append(panels, chart)
	}
	figs := &plot.Dir{Path: cfg.Out}
	grid := plot.NewGrid("Training loss of the §5.1 network by update rule, from the same weights on the same batches", 3, panels...)
	if err := figs.Save("loss.svg", grid); err != nil {
		return err
	}

	// The summary: a row per update rule, the report's first.
	tables := []*cli.Table{{Header: append([]string{"update rule"}, titles...)}, {Header: append([]string{"update rule"}, titles...)}}
	for j, m := range methods {
		tables[0].Add(append([]any{m.name}, anys(testAccuracy[j])...)...)
		tables[1].Add(append([]any{m.name}, anys(finalLoss[j])...)...)
	}
	fmt.Fprintf(stdout, "The report's setting is the first row, the course's plain step through Optim and its SGD loop; "+
		"the other rows go beyond the report, from the same initial weights on the same batches.\n\n")
	fmt.Fprintf(stdout, "Test accuracy:\n\n")
	tables[0].Write(stdout)
	fmt.Fprintf(stdout, "\nFinal training loss (BCE):\n\n")
	tables[1].Write(stdout)
	if cfg.Markdown {
		fmt.Fprintf(stdout, "\n%s", figs.Markdown())
		return nil
	}
	fmt.Fprintf(stdout, "\nFigures:\n")
	for _, p := range figs.Paths() {
		fmt.Fprintln(stdout, " ", p)
	}
	return nil
}

// sgd is the course's SGD function: it trains o.Net on the rows of x with
// targets y for the given epochs of mini-batches of batch rows, each epoch
// in a new order drawn from a generator seeded with seed, one step of o per
// batch, and returns the mean loss of each epoch. optim.Fit is the
// library's version of this loop (with validation sets, schedules and
// resumption), on the same data.Batches; it gives the same numbers to the
// last bit (TestSGDIsFit). A loss that is not finite stops the training
// with an error naming its epoch: the training diverged.
func sgd(o *optim.Optim, x, y *tensor.Tensor, epochs, batch int, seed uint64, progress *cli.Progress) ([]float64, error) {
	batches := data.NewBatches(x, y, min(batch, x.Rows()), rand.New(rand.NewPCG(seed, 0))) // a batch holds at most every row
	xb, yb := batches.NewBuffers()
	var means []float64
	for epoch := 1; epoch <= epochs; epoch++ {
		sum := 0.0
		for batches.Next(xb, yb) {
			sum += float64(xb.Rows()) * o.Step(xb, yb) // ZeroGrad, Forward, loss, backward, update
		}
		means = append(means, sum/float64(x.Rows()))
		if l := means[epoch-1]; math.IsNaN(l) || math.IsInf(l, 0) {
			return means, fmt.Errorf("the training diverged: mean loss %v at epoch %d (try a smaller learning rate)", l, epoch)
		}
		progress.Update(epoch, means[epoch-1])
	}
	return means, nil
}

// anys returns the strings as a []any, for Table.Add.
func anys(s []string) []any {
	a := make([]any, len(s))
	for i, v := range s {
		a[i] = v
	}
	return a
}

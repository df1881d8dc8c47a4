// Command nonlinear is the report's §4: a network with one hidden layer,
//
//	Linear(2, h) → TanH → Linear(h, 1) → Sigmoid
//
// trained on the course's three data sets with labels 0/1. One hidden layer
// bends the boundary enough for the XOR problem, which no line solves; the
// checkerboard needs more.
//
// The four modules are chained by hand, as the course does before it
// introduces Sequential: the forward pass calls each module's Forward in
// turn, the backward pass each module's BackwardUpdateGradient and
// BackwardDelta from the last to the first.
//
// The run trains the report's setting first, the course's loss (the MSE),
// then the same network from the same weights on the same batches with the
// binary cross-entropy, the loss that matches a sigmoid output.
//
//	go run ./experiments/nonlinear [-hidden 10] [-epochs 200] [-lr 0.5] [-batch 32] [-seed 1] [-out out/nonlinear] [-quick] [-markdown]
package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// The report's finding, printed beside this run's numbers (with
// -markdown, experiments/report prints it above the section).
const reportSays = "one hidden layer also solves XOR; the checkerboard needs more."

// The course's three data sets, as data.Arti draws them, and the report's
// verdict on each.
var (
	kinds   = []data.Kind{data.TwoGaussians, data.FourGaussians, data.Checkerboard}
	titles  = []string{"two Gaussians", "XOR", "checkerboard"}
	verdict = []string{"solved", "solved", "not solved"}
)

func main() { cli.Main("nonlinear", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) }) }

// network is the §4 network: its four modules, chained by hand.
type network struct {
	hidden  *layers.Linear // Linear(2, h)
	tanh    *layers.Tanh
	output  *layers.Linear // Linear(h, 1)
	sigmoid *layers.Sigmoid
}

func newNetwork(h int, rng *rand.Rand) *network {
	return &network{layers.NewLinear(2, h, rng), layers.NewTanh(), layers.NewLinear(h, 1, rng), layers.NewSigmoid()}
}

// predict returns the network's output ŷ for the rows of x.
func (n *network) predict(x *tensor.Tensor) *tensor.Tensor {
	return n.sigmoid.Forward(n.output.Forward(n.tanh.Forward(n.hidden.Forward(x))))
}

// A part of the run is the training with one loss: the report's setting
// first, the course's MSE, then the binary cross-entropy. prefix begins the
// names of its figures.
type part struct {
	loss         losses.Loss
	name, prefix string
}

func parts() []part {
	return []part{{losses.NewMSE(), "MSE", ""}, {losses.NewBCE(), "BCE", "bce_"}}
}

// run parses args, trains the network with each loss on each data set,
// writes the figures into -out and prints the summary on stdout (with
// -markdown, the Markdown body of the report's section), the progress on
// stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("nonlinear", stderr)
	cfg := cli.Register(fs, "nonlinear", cli.Config{Epochs: 200, LR: 0.5, Batch: 32, Seed: 1})
	hidden := fs.Int("hidden", 10, "`units` of the hidden layer")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	if *hidden < 1 {
		return cli.Usagef("-hidden must be at least 1, have %d", *hidden)
	}
	if err := cfg.MakeOut(); err != nil {
		return err
	}
	// -quick draws fewer points, trains for at most 30 epochs and draws
	// the decision boundaries on a coarser grid.
	n, epochs, resolution := 1000, cfg.Epochs, 0
	if cfg.Quick {
		n, epochs, resolution = 200, min(cfg.Epochs, 30), 40
	}
	// Every random number comes from a generator seeded by -seed and a
	// stream of its own, 100 + kind for a data set's points, 200 + kind for
	// the initial weights, 300 + kind for the batch order: none of them
	// changes when another does.
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(cfg.Seed, stream)) }
	arch := fmt.Sprintf("Linear(2, %d) → TanH → Linear(%d, 1) → Sigmoid", *hidden, *hidden)
	figs := &plot.Dir{Path: cfg.Out}

	header := []string{"data set", "final training loss", "training accuracy", "test accuracy"}
	tables := []*cli.Table{{Header: append(header, "the report")}, {Header: header}}
	for k, part := range parts() {
		lossChart := plot.NewLineChart(arch+": training loss", "epoch", "mean "+part.name)
		lossChart.LogY = true
		var panels []*plot.DecisionBoundary
		for i, kind := range kinds {
			// A training set and a test set drawn independently, with
			// labels 0/1 for the sigmoid's output.
			points := rng(100 + uint64(kind))
			x, y := data.Arti(kind, n, data.DefaultArtiOptions(), points)
			testX, testY := data.Arti(kind, n, data.DefaultArtiOptions(), points)
			y, testY = data.SignsToBinary(nil, y), data.SignsToBinary(nil, testY)

			net := newNetwork(*hidden, rng(200+uint64(kind)))
			progress := cli.NewProgress(stderr, titles[i]+", "+part.name, epochs)
			means, err := fit(net, part.loss, x, y, epochs, cfg.Batch, cfg.LR, rng(300+uint64(kind)), progress)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", titles[i], part.name, err)
			}
			trainAcc, testAcc := optim.Accuracy(y, net.predict(x)), optim.Accuracy(testY, net.predict(testX))
			row := []any{titles[i], means[len(means)-1], cli.Percent(trainAcc), cli.Percent(testAcc)}
			if k == 0 {
				row = append(row, verdict[i])
			}
			tables[k].Add(row...)

			lossChart.AddY(titles[i], means)
			score := func(xy, out []float64) { copy(out, net.predict(tensor.FromSlice(xy, len(out), 2)).Data) }
			title := fmt.Sprintf("%s: test accuracy %.1f%%", titles[i], 100*testAcc)
			panels = append(panels, plot.BoundaryPanel(title, score, 0.5, testX.Data, testY.Data, resolution))
		}
		if err := figs.Save(part.prefix+"loss.svg", lossChart); err != nil {
			return err
		}
		grid := plot.BoundaryGrid(arch+", "+part.name+", on the test points", 0, panels...)
		if err := figs.Save(part.prefix+"boundaries.svg", grid); err != nil {
			return err
		}
	}

	// The summary.
	fmt.Fprintf(stdout, "The report's setting: %s, the course's loss, the MSE, on labels 0/1:\n\n", arch)
	tables[0].Write(stdout)
	fmt.Fprintf(stdout, "\nBeyond the report: the same network, initial weights and batches on the binary cross-entropy, the loss that matches a sigmoid output:\n\n")
	tables[1].Write(stdout)
	if cfg.Markdown {
		fmt.Fprintf(stdout, "\n%s", figs.Markdown())
		return nil
	}
	fmt.Fprintf(stdout, "\nThe report: %s\n\nFigures:\n", reportSays)
	for _, p := range figs.Paths() {
		fmt.Fprintln(stdout, " ", p)
	}
	return nil
}

// fit trains net on the rows of x with targets y by the course's
// mini-batch gradient descent, a new order of the rows every epoch. It
// returns the mean loss of every epoch, and an error naming the epoch
// whose loss is not finite: the training diverged.
func fit(net *network, loss losses.Loss, x, y *tensor.Tensor, epochs, batch int, lr float64, order *rand.Rand, progress *cli.Progress) ([]float64, error) {
	batches := data.NewBatches(x, y, min(batch, x.Rows()), order) // a batch holds at most every row
	xb, yb := batches.NewBuffers()
	var means []float64
	for epoch := 1; epoch <= epochs; epoch++ {
		sum := 0.0
		for batches.Next(xb, yb) {
			net.hidden.ZeroGrad()
			net.output.ZeroGrad()

			// Forward, module by module, keeping each module's input.
			z1 := net.hidden.Forward(xb)
			a1 := net.tanh.Forward(z1)
			z2 := net.output.Forward(a1)
			yhat := net.sigmoid.Forward(z2)
			l := loss.Forward(yb, yhat)

			// Backward, from the loss to the first module: each module
			// adds dL/dθ into its gradients and passes dL/d(its input) on.
			delta := loss.Backward(yb, yhat)
			delta = net.sigmoid.BackwardDelta(z2, delta)
			net.output.BackwardUpdateGradient(a1, delta)
			delta = net.output.BackwardDelta(a1, delta)
			delta = net.tanh.BackwardDelta(z1, delta)
			net.hidden.BackwardUpdateGradient(xb, delta) // dL/dx is not needed

			// θ ← θ − ε·∇θ
			net.hidden.UpdateParameters(lr)
			net.output.UpdateParameters(lr)
			sum += float64(xb.Rows()) * l
		}
		means = append(means, sum/float64(x.Rows()))
		if l := means[epoch-1]; math.IsNaN(l) || math.IsInf(l, 0) {
			return means, fmt.Errorf("the training diverged: mean loss %v at epoch %d (try a smaller -lr)", l, epoch)
		}
		progress.Update(epoch, means[epoch-1])
	}
	return means, nil
}

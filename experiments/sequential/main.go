// Command sequential is the report's §5.1: the network
//
//	Linear(2, 5) → TanH → Linear(5, 10) → TanH → Linear(10, 20) → TanH → Linear(20, 1) → Sigmoid
//
// built with Sequential and trained with the course's mini-batch loop (500
// epochs of batches of 32, the binary cross-entropy on labels 0/1) on the
// course's three data sets and on circles, moons and spirals.
//
// The report compared its curves with PyTorch's by eye; here PyTorch
// replays the same computation, from the same initial weights on the same
// batches, and the table gives the gap (pytorch.go holds the plumbing). To
// make the reference again:
//
//	go run ./experiments/sequential -export out/sequential/export
//	/usr/bin/python3 experiments/sequential/pytorch_reference.py out/sequential/export
//
// Usage:
//
//	go run ./experiments/sequential [-loss bce|mse] [-epochs 500] [-lr 0.2] [-batch 32] [-seed 1] [-out out/sequential] [-quick] [-export DIR] [-markdown]
package main

import (
	"bytes"
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
const reportSays = "the network Linear(2,5) → TanH → Linear(5,10) → TanH → Linear(10,20) → TanH → Linear(20,1) → Sigmoid, " +
	"500 epochs, batch 32, gives loss curves and boundaries like PyTorch's."

// The data sets of §5.1, as data.Arti draws them: the course's three, then
// circles, moons and spirals.
var (
	kinds  = []data.Kind{data.TwoGaussians, data.FourGaussians, data.Checkerboard, data.Circles, data.Moons, data.Spirals}
	titles = []string{"two Gaussians", "XOR", "checkerboard", "circles", "moons", "spirals"}
)

func main() { cli.Main("sequential", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) }) }

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

// run parses args, trains the network on each data set, compares its
// losses with PyTorch's, writes the figures into -out and prints the
// summary on stdout (with -markdown, the Markdown body of the report's
// section), the progress on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("sequential", stderr)
	cfg := cli.Register(fs, "sequential", cli.Config{Epochs: 500, LR: 0.2, Batch: 32, Seed: 1})
	lossName := fs.String("loss", "bce", "loss: bce (binary cross-entropy) or mse")
	exportDir := fs.String("export", "", "write the data, initial weights and batch order for pytorch_reference.py into `dir`")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	var loss losses.Loss
	switch *lossName {
	case "bce":
		loss = losses.NewBCE()
	case "mse":
		loss = losses.NewMSE()
	default:
		return cli.Usagef("-loss must be bce or mse, have %q", *lossName)
	}
	if err := cfg.MakeOut(); err != nil {
		return err
	}
	if *exportDir != "" {
		if err := os.MkdirAll(*exportDir, 0o755); err != nil {
			return fmt.Errorf("-export: %w", err)
		}
	}
	// -quick draws fewer points, trains for at most 30 epochs and draws
	// the decision boundaries on a coarser grid; PyTorch's reference,
	// made on the full run's data, has nothing to say about it.
	n, epochs, resolution := 1000, cfg.Epochs, 0
	var ref *reference
	if cfg.Quick {
		n, epochs, resolution = 200, min(cfg.Epochs, 30), 40
	} else {
		var err error
		if ref, err = parseReference(bytes.NewReader(pytorchLosses)); err != nil {
			return err
		}
	}
	s := settings{Seed: cfg.Seed, LR: cfg.LR, Batch: cfg.Batch, Epochs: epochs, Loss: *lossName}
	// Every random number comes from a generator seeded by -seed and a
	// stream of its own, 100 + kind for a data set's points, 200 + kind for
	// the initial weights, 300 + kind for the batch order: none of them
	// changes when another does.
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(cfg.Seed, stream)) }

	var (
		curves      [][]float64
		comparisons []comparison
		rows        [][]any
		panels      []*plot.DecisionBoundary
		exports     []string
		compared    bool
	)
	for i, kind := range kinds {
		// A training set and a test set drawn independently, with labels
		// 0/1 for the sigmoid's output.
		points := rng(100 + uint64(kind))
		x, y := data.Arti(kind, n, data.DefaultArtiOptions(), points)
		testX, testY := data.Arti(kind, n, data.DefaultArtiOptions(), points)
		y, testY = data.SignsToBinary(nil, y), data.SignsToBinary(nil, testY)

		net := newNetwork(rng(200 + uint64(kind)))
		fp := fingerprint(x, y, net) // of the data and the initial weights
		var ex *export
		var onBatch func(epoch int, rows []int)
		if *exportDir != "" {
			var err error
			if ex, err = newExport(kind.String(), fp, x, y, net, s); err != nil {
				return err
			}
			onBatch = ex.addBatch
		}
		curve, err := fit(net, loss, x, y, epochs, cfg.Batch, cfg.LR, rng(300+uint64(kind)), cli.NewProgress(stderr, titles[i], epochs), onBatch)
		if err != nil {
			return fmt.Errorf("%s: %w", titles[i], err)
		}
		testAcc := optim.Accuracy(testY, net.Forward(testX))
		rows = append(rows, []any{titles[i], curve[epochs-1], cli.Percent(optim.Accuracy(y, net.Forward(x))), cli.Percent(testAcc)})
		score := func(xy, out []float64) { copy(out, net.Forward(tensor.FromSlice(xy, len(out), 2)).Data) }
		title := fmt.Sprintf("%s: test accuracy %.1f%%", titles[i], 100*testAcc)
		panels = append(panels, plot.BoundaryPanel(title, score, 0.5, testX.Data, testY.Data, resolution))

		// PyTorch's loss on the same computation, and the twin's: the same
		// training from every initial weight moved to the next float64 up.
		c := compare(curve, kind.String(), ref, fp, s)
		if c.PyTorch != nil {
			compared = true
			twin := newNetwork(rng(200 + uint64(kind)))
			nextUp(twin)
			if c.Twin, err = fit(twin, loss, x, y, epochs, cfg.Batch, cfg.LR, rng(300+uint64(kind)), cli.NewProgress(io.Discard, "", epochs), nil); err != nil {
				return fmt.Errorf("%s, the twin: %w", titles[i], err)
			}
			c.TwinGap, c.TwinRelGap, c.TwinAgree = gaps(curve, c.Twin)
		}
		curves, comparisons = append(curves, curve), append(comparisons, c)
		if ex != nil {
			path, err := ex.write(*exportDir)
			if err != nil {
				return err
			}
			exports = append(exports, path)
		}
	}

	// The figures: the losses, PyTorch's dashed; the gaps; the boundaries.
	figs := &plot.Dir{Path: cfg.Out}
	if err := figs.Save("loss.svg", lossFigure(titles, curves, comparisons, compared)); err != nil {
		return err
	}
	if compared {
		if err := figs.Save("pytorch_gap.svg", gapFigure(titles, curves, comparisons)); err != nil {
			return err
		}
	}
	grid := plot.BoundaryGrid("Decision boundaries of the §5.1 network on the test points", 3, panels...)
	if err := figs.Save("boundaries.svg", grid); err != nil {
		return err
	}

	// The summary: the accuracies and the gap to PyTorch.
	table := &cli.Table{Header: []string{"data set", "final training loss", "training accuracy", "test accuracy"}}
	if compared {
		table.Header = append(table.Header, "largest relative gap to PyTorch", "epochs within 1e-12", "same for the 1-ulp twin")
	}
	for i, row := range rows {
		if c := comparisons[i]; compared && c.PyTorch == nil {
			row = append(row, "—", "—", "—")
		} else if compared {
			row = append(row, fmt.Sprintf("%.1e", c.RelGap), fmt.Sprintf("%d/%d", c.Agree, len(c.PyTorch)), fmt.Sprintf("%d/%d", c.TwinAgree, len(c.Twin)))
		}
		table.Add(row...)
	}
	if cfg.Markdown {
		table.Write(stdout)
		fmt.Fprintf(stdout, "\n%s", figs.Markdown())
		return nil
	}
	fmt.Fprintf(stdout, "Linear(2, 5) → TanH → Linear(5, 10) → TanH → Linear(10, 20) → TanH → Linear(20, 1) → Sigmoid, %s:\n", *lossName)
	table.Write(stdout)
	for i, c := range comparisons {
		if c.PyTorch == nil && c.Missing != noReference {
			fmt.Fprintf(stdout, "%s: not compared with PyTorch: %s\n", titles[i], c.Missing)
		}
	}
	fmt.Fprintf(stdout, "\nThe report: %s\n\nFigures:\n", reportSays)
	for _, p := range figs.Paths() {
		fmt.Fprintln(stdout, " ", p)
	}
	if len(exports) > 0 {
		fmt.Fprintln(stdout, "\nExported for pytorch_reference.py:")
		for _, p := range exports {
			fmt.Fprintln(stdout, " ", p)
		}
	}
	return nil
}

// fit trains net on the rows of x with targets y by the course's
// mini-batch gradient descent, a new order of the rows every epoch, and
// calls onBatch (when not nil) with the rows of each batch. It returns the
// mean loss of every epoch, and an error naming the epoch whose loss is not
// finite: the training diverged.
func fit(net *layers.Sequential, loss losses.Loss, x, y *tensor.Tensor, epochs, batch int, lr float64, order *rand.Rand, progress *cli.Progress, onBatch func(epoch int, rows []int)) ([]float64, error) {
	batches := data.NewBatches(x, y, min(batch, x.Rows()), order) // a batch holds at most every row
	xb, yb := batches.NewBuffers()
	var means []float64
	for epoch := 1; epoch <= epochs; epoch++ {
		sum := 0.0
		for batches.Next(xb, yb) {
			if onBatch != nil {
				onBatch(epoch, batches.Indices())
			}
			net.ZeroGrad()                                          // ∇θ ← 0
			yhat := net.Forward(xb)                                 // ŷ, module after module
			l := loss.Forward(yb, yhat)                             // L(y, ŷ)
			net.BackwardUpdateGradient(xb, loss.Backward(yb, yhat)) // ∇θ += dL/dθ, module before module
			net.UpdateParameters(lr)                                // θ ← θ − ε·∇θ
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

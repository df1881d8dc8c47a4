// Command linear is the report's §3, the linear module on its own: a linear
// regression of y = 3x + 4 from noisy points, then a linear classifier
// (Linear + MSE on labels ±1) on the course's three data sets, which it
// solves only where a straight line separates the classes.
//
// The training loop is the course's, written out with the module's own
// calls: ZeroGrad, Forward, the loss's Forward and Backward,
// BackwardUpdateGradient, UpdateParameters.
//
//	go run ./experiments/linear [-epochs 100] [-lr 0.05] [-batch 32] [-seed 1] [-out out/linear] [-quick] [-markdown]
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
const reportSays = "the linear model fits y = 3x + 4; as a classifier it solves the two Gaussians only, not XOR nor the checkerboard."

// The course's three data sets, as data.Arti draws them, and the
// report's verdict on each.
var (
	kinds   = []data.Kind{data.TwoGaussians, data.FourGaussians, data.Checkerboard}
	titles  = []string{"two Gaussians", "XOR", "checkerboard"}
	verdict = []string{"solved", "not solved", "not solved"}
)

func main() { cli.Main("linear", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) }) }

// run parses args, trains the regression and the three classifiers,
// writes the figures into -out and prints the summary on stdout (with
// -markdown, the Markdown body of the report's section), the progress on
// stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("linear", stderr)
	cfg := cli.Register(fs, "linear", cli.Config{Epochs: 100, LR: 0.05, Batch: 32, Seed: 1})
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	if err := cfg.MakeOut(); err != nil {
		return err
	}
	// -quick draws fewer points and trains the classifiers for at most 20
	// epochs; its decision boundaries are drawn on a coarser grid.
	regressionN, classesN, classEpochs, resolution := 200, 1000, cfg.Epochs, 0
	if cfg.Quick {
		regressionN, classesN, classEpochs, resolution = 100, 200, min(cfg.Epochs, 20), 40
	}
	// Every random number comes from a generator seeded by -seed and a
	// stream of its own, 400 to 402 for the regression, 100 + kind for a
	// data set's points, 200 + kind for the initial weights, 300 + kind for
	// the batch order: none of them changes when another does.
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(cfg.Seed, stream)) }
	figs := &plot.Dir{Path: cfg.Out}

	// The regression: Linear(1, 1) on y = 3x + 4 + noise, a quarter of the
	// points held out for the test.
	line := data.DefaultRegressionOptions()
	points := rng(400)
	x, y := data.Regression(regressionN, line, points)
	xTrain, xTest, yTrain, yTest, err := data.TrainTestSplit(x, y, 0.25, points)
	if err != nil {
		return err
	}
	lin := layers.NewLinear(1, 1, rng(401))
	steps, _, err := fit(lin, xTrain, yTrain, cfg.Epochs, cfg.Batch, cfg.LR, rng(402), cli.NewProgress(stderr, "regression", cfg.Epochs))
	if err != nil {
		return fmt.Errorf("regression: %w", err)
	}
	slope, intercept := lin.Weight.Value.Data[0], lin.Bias.Value.Data[0]
	testMSE := losses.NewMSE().Forward(yTest, lin.Forward(xTest))

	regression := &cli.Table{Header: []string{"", "slope", "intercept", "test MSE"}}
	regression.Add("true", line.A, line.B, "")
	regression.Add("learned", fmt.Sprintf("%.4f", slope), fmt.Sprintf("%.4f", intercept), testMSE)

	lossChart := plot.NewLineChart("Linear regression: training loss", "step", "MSE on the batch")
	lossChart.LogY = true
	lossChart.AddY("training batch", steps)
	fitChart := plot.NewLineChart(fmt.Sprintf("Learned line on the %d test points", xTest.Rows()), "x", "y")
	lo, hi := line.XMin, line.XMax
	ends := func(a, b float64) []float64 { return []float64{float64(a*lo) + b, float64(a*hi) + b} }
	fitChart.Add("test points", pointsOnly(xTest.Data), pointsOnly(yTest.Data)).Marker = plot.Circle
	fitChart.Add(fmt.Sprintf("learned y = %.3f·x + %.3f", slope, intercept), []float64{lo, hi}, ends(slope, intercept))
	fitChart.Add(fmt.Sprintf("true y = %g·x + %g", line.A, line.B), []float64{lo, hi}, ends(line.A, line.B)).Dashed = true
	fitChart.Legend = plot.LegendTopLeft
	if err := figs.Save("regression_loss.svg", lossChart); err != nil {
		return err
	}
	if err := figs.Save("regression_fit.svg", fitChart); err != nil {
		return err
	}

	// The classifier: Linear(2, 1) on the MSE against labels ±1, its class
	// the sign of its output, on each data set; a training set and a test
	// set drawn independently, as the course's two calls of gen_arti.
	classifiers := &cli.Table{Header: []string{"data set", "final training loss", "training accuracy", "test accuracy", "the report"}}
	lossChart = plot.NewLineChart("Linear classifier: training loss", "epoch", "mean MSE")
	var panels []*plot.DecisionBoundary
	for i, kind := range kinds {
		points := rng(100 + uint64(kind))
		x, y := data.Arti(kind, classesN, data.DefaultArtiOptions(), points)
		testX, testY := data.Arti(kind, classesN, data.DefaultArtiOptions(), points)
		net := layers.NewLinear(2, 1, rng(200+uint64(kind)))
		_, means, err := fit(net, x, y, classEpochs, cfg.Batch, cfg.LR, rng(300+uint64(kind)), cli.NewProgress(stderr, titles[i], classEpochs))
		if err != nil {
			return fmt.Errorf("%s: %w", titles[i], err)
		}
		accuracy := optim.ThresholdAccuracy(0) // the class of an output is its sign
		trainAcc, testAcc := accuracy(y, net.Forward(x)), accuracy(testY, net.Forward(testX))
		classifiers.Add(titles[i], means[len(means)-1], cli.Percent(trainAcc), cli.Percent(testAcc), verdict[i])

		lossChart.AddY(titles[i], means)
		score := func(xy, out []float64) { copy(out, net.Forward(tensor.FromSlice(xy, len(out), 2)).Data) }
		title := fmt.Sprintf("%s: test accuracy %.1f%%", titles[i], 100*testAcc)
		panels = append(panels, plot.BoundaryPanel(title, score, 0, testX.Data, testY.Data, resolution))
	}
	if err := figs.Save("classifier_loss.svg", lossChart); err != nil {
		return err
	}
	grid := plot.BoundaryGrid("Linear classifier (sign of x·w + b) on the test points", 0, panels...)
	if err := figs.Save("classifier_boundaries.svg", grid); err != nil {
		return err
	}

	// The summary.
	fmt.Fprintf(stdout, "Linear regression of y = 3x + 4 + noise:\n\n")
	regression.Write(stdout)
	fmt.Fprintf(stdout, "\nLinear classifier (MSE on labels ±1):\n\n")
	classifiers.Write(stdout)
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

// pointsOnly returns v with a NaN after each value: a LineChart series of
// it draws each point as a marker with no line joining them.
func pointsOnly(v []float64) []float64 {
	out := make([]float64, 0, 2*len(v))
	for _, x := range v {
		out = append(out, x, math.NaN())
	}
	return out
}

// fit trains net on the rows of x with targets y by the course's
// mini-batch gradient descent, a new order of the rows every epoch. It
// returns the loss of every step and the mean loss of every epoch, and an
// error naming the epoch whose loss is not finite: the training diverged.
func fit(net *layers.Linear, x, y *tensor.Tensor, epochs, batch int, lr float64, order *rand.Rand, progress *cli.Progress) (steps, means []float64, err error) {
	mse := losses.NewMSE()
	batches := data.NewBatches(x, y, min(batch, x.Rows()), order) // a batch holds at most every row
	xb, yb := batches.NewBuffers()
	for epoch := 1; epoch <= epochs; epoch++ {
		sum := 0.0
		for batches.Next(xb, yb) {
			net.ZeroGrad()                                         // ∇θ ← 0
			yhat := net.Forward(xb)                                // ŷ = x·W + b
			loss := mse.Forward(yb, yhat)                          // L = mean (y − ŷ)²
			net.BackwardUpdateGradient(xb, mse.Backward(yb, yhat)) // ∇θ += dL/dθ
			net.UpdateParameters(lr)                               // θ ← θ − ε·∇θ
			steps = append(steps, loss)
			sum += float64(xb.Rows()) * loss
		}
		means = append(means, sum/float64(x.Rows()))
		if l := means[epoch-1]; math.IsNaN(l) || math.IsInf(l, 0) {
			return steps, means, fmt.Errorf("the training diverged: mean loss %v at epoch %d (try a smaller -lr)", l, epoch)
		}
		progress.Update(epoch, means[epoch-1])
	}
	return steps, means, nil
}

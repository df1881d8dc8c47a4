package linear

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
)

// Sizes of the data sets, in full runs and with -quick.
const (
	regressionN      = 200 // points of the regression, before the split
	regressionNQuick = 100
	testFraction     = 0.25 // of the regression points held out
	classesN         = 1000 // points of each classification training and test set
	classesNQuick    = 200
	quickEpochs      = 20 // the most epochs a -quick run trains
	quickResolution  = 40 // grid points per side of a -quick decision boundary
)

// Defaults are the settings of the command's full run, those of
// docs/results.md.
var Defaults = cli.Config{Epochs: 100, LR: 0.05, Batch: 32, Seed: 1}

// Result holds what Run measured and the figures it wrote.
type Result struct {
	// The regression: the true line, the learned one and the test MSE.
	TrueSlope, TrueIntercept float64
	Slope, Intercept         float64
	TestMSE                  float64
	// RegressionLoss is the training loss of each step.
	RegressionLoss []float64

	Classifiers []Classifier
	// Figures are the paths of the SVG files written.
	Figures []string

	classifierTable *cli.Table
	figures         planar.Figures
}

// A Classifier is the linear classifier trained on one data set.
type Classifier struct {
	Problem string
	// Loss is the mean training loss of each epoch.
	Loss                        []float64
	TrainAccuracy, TestAccuracy float64
}

// Run trains the regression and the three classifiers with cfg's epochs,
// learning rate, batch size and seed, writes the figures into cfg.Out,
// prints a progress line per model on cfg.Stderr and the tables on
// cfg.Stdout. With cfg.Quick it trains on fewer points, and the
// classifiers for at most quickEpochs epochs.
func Run(cfg *cli.Config) (*Result, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	r := &Result{figures: planar.Figures{Config: cfg}}
	if err := r.regression(cfg); err != nil {
		return nil, err
	}
	if err := r.classifiers(cfg); err != nil {
		return nil, err
	}
	r.Figures = r.figures.Paths
	r.print(cfg.Stdout)
	return r, nil
}

func epochs(cfg *cli.Config) int {
	if cfg.Quick {
		return min(cfg.Epochs, quickEpochs)
	}
	return cfg.Epochs
}

// regression fits a Linear(1, 1) to y = 3x + 4 + noise with the MSE.
func (r *Result) regression(cfg *cli.Config) error {
	n := regressionN
	if cfg.Quick {
		n = regressionNQuick
	}
	opts := data.DefaultRegressionOptions()
	r.TrueSlope, r.TrueIntercept = opts.A, opts.B
	rng := planar.RNG(cfg.Seed, planar.StreamRegression, 0)
	x, y, err := data.Regression(n, opts, rng)
	if err != nil {
		return err
	}
	xTrain, xTest, yTrain, yTest, err := data.TrainTestSplit(x, y, testFraction, rng)
	if err != nil {
		return err
	}

	// The regression is cheap: -quick trains on fewer points, as long.
	lin := layers.NewLinear(1, 1, planar.RNG(cfg.Seed, planar.StreamRegression, 1))
	mse := losses.NewMSE()
	t := planar.Training{
		Net: lin, Loss: mse, LR: cfg.LR, Epochs: cfg.Epochs, Batch: cfg.Batch,
		RNG:      planar.RNG(cfg.Seed, planar.StreamRegression, 2),
		Progress: cli.NewProgress(cfg.Stderr, "regression", cfg.Epochs),
	}
	r.RegressionLoss = t.Run(xTrain, yTrain).Step
	r.Slope, r.Intercept = lin.Weight.Value.Data[0], lin.Bias.Value.Data[0]
	r.TestMSE = mse.Forward(yTest, lin.Forward(xTest))

	loss := plot.NewLineChart("Linear regression: training loss", "step", "MSE on the batch")
	loss.LogY = true
	loss.AddY("training batch", r.RegressionLoss)
	if err := r.figures.Save("regression_loss.svg", loss); err != nil {
		return err
	}

	fit := plot.NewLineChart(fmt.Sprintf("Learned line on the %d test points", xTest.Rows()), "x", "y")
	lo, hi := opts.XMin, opts.XMax
	line := func(a, b float64) []float64 { return []float64{a*lo + b, a*hi + b} }
	fit.Add("test points", pointsOnly(xTest.Data), pointsOnly(yTest.Data)).Marker = plot.Circle
	fit.Add(fmt.Sprintf("learned y = %.3f·x + %.3f", r.Slope, r.Intercept), []float64{lo, hi}, line(r.Slope, r.Intercept))
	fit.Add(fmt.Sprintf("true y = %g·x + %g", opts.A, opts.B), []float64{lo, hi}, line(opts.A, opts.B)).Dashed = true
	fit.Legend = plot.LegendTopLeft
	return r.figures.Save("regression_fit.svg", fit)
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

// classifiers trains a Linear(2, 1) with the MSE on labels ±1 on each of
// the course's data sets; its decision is the sign of the output.
func (r *Result) classifiers(cfg *cli.Config) error {
	n := classesN
	resolution := 0
	if cfg.Quick {
		n, resolution = classesNQuick, quickResolution
	}
	problems, err := planar.Problems(planar.CourseKinds, n, cfg.Seed)
	if err != nil {
		return err
	}
	t := planar.Trainer{
		Build: func(rng *rand.Rand) layers.Module { return layers.NewLinear(2, 1, rng) },
		Loss:  losses.NewMSE(), Level: 0,
		LR: cfg.LR, Epochs: epochs(cfg), Batch: cfg.Batch, Seed: cfg.Seed,
		Progress: cfg.Stderr,
	}
	models := t.FitAll(problems)
	for _, m := range models {
		r.Classifiers = append(r.Classifiers, Classifier{
			Problem: m.Problem.Title, Loss: m.Curve.Epoch,
			TrainAccuracy: m.TrainAccuracy, TestAccuracy: m.TestAccuracy,
		})
	}
	r.classifierTable = planar.AccuracyTable(models)
	if err := r.figures.Save("classifier_loss.svg", planar.LossChart("Linear classifier: training loss", "mean MSE", models)); err != nil {
		return err
	}
	grid := planar.Boundaries("Linear classifier (sign of x·w + b) on the test points", 0, models, 0, resolution)
	return r.figures.Save("classifier_boundaries.svg", grid)
}

// Tables returns the regression's and the classifiers' summary tables.
func (r *Result) Tables() (regression, classifiers *cli.Table) {
	regression = &cli.Table{Header: []string{"", "slope", "intercept", "test MSE"}}
	regression.Add("true", r.TrueSlope, r.TrueIntercept, "")
	regression.Add("learned", fmt.Sprintf("%.4f", r.Slope), fmt.Sprintf("%.4f", r.Intercept), r.TestMSE)
	return regression, r.classifierTable
}

func (r *Result) print(w io.Writer) {
	reg, cls := r.Tables()
	fmt.Fprintln(w, "Linear regression of y = 3x + 4 + noise:")
	reg.Write(w)
	fmt.Fprintln(w, "\nLinear classifier (MSE on labels ±1):")
	cls.Write(w)
	fmt.Fprintln(w, "\nFigures:")
	for _, f := range r.Figures {
		fmt.Fprintln(w, " ", f)
	}
}

// Markdown returns the results as a section of docs/results.md: the two
// tables and the figures, linked as figures/linear/NAME.svg.
func (r *Result) Markdown() string {
	var sb strings.Builder
	reg, cls := r.Tables()
	sb.WriteString("Linear regression of y = 3x + 4 + noise:\n\n")
	reg.Write(&sb)
	sb.WriteString("\nLinear classifier (MSE on labels ±1):\n\n")
	cls.Write(&sb)
	sb.WriteString("\n")
	sb.WriteString(r.figures.Markdown("linear"))
	return sb.String()
}

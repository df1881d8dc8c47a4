package planar

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
)

// A Trainer trains one kind of classifier on problems, each from its own
// initial weights and batch order (the streams StreamInit and
// StreamBatches of Seed and the problem's kind).
type Trainer struct {
	// Build returns a new network, its weights drawn from rng.
	Build func(rng *rand.Rand) layers.Module
	Loss  losses.Loss
	// Level is the score that separates the classes: 0 for labels ±1,
	// 0.5 for labels 0/1 and a sigmoid output.
	Level         float64
	LR            float64
	Epochs, Batch int
	Seed          uint64
	Progress      io.Writer // where progress lines go; nil for none
	OnBatch       func(p *Problem, epoch int, rows []int)
	OnStart       func(p *Problem, net layers.Module) // before the first step
}

// A Model is a network trained on one problem, with its results.
type Model struct {
	Problem *Problem
	Net     layers.Module
	Curve   Curve
	// Accuracies on the training and the test set after training.
	TrainAccuracy, TestAccuracy float64
}

// FinalLoss returns the mean training loss of the last epoch.
func (m *Model) FinalLoss() float64 { return m.Curve.Epoch[len(m.Curve.Epoch)-1] }

// Fit builds a network and trains it on p.
func (t *Trainer) Fit(p *Problem) *Model {
	net := t.Build(RNG(t.Seed, StreamInit, p.Kind))
	if t.OnStart != nil {
		t.OnStart(p, net)
	}
	tr := Training{
		Net: net, Loss: t.Loss, LR: t.LR, Epochs: t.Epochs, Batch: t.Batch,
		RNG: RNG(t.Seed, StreamBatches, p.Kind),
	}
	if t.Progress != nil {
		tr.Progress = cli.NewProgress(t.Progress, p.Title, t.Epochs)
	}
	if t.OnBatch != nil {
		tr.OnBatch = func(epoch int, rows []int) { t.OnBatch(p, epoch, rows) }
	}
	m := &Model{Problem: p, Net: net, Curve: tr.Run(p.X, p.Y)}
	m.TrainAccuracy = Accuracy(net, p.X, p.Y, t.Level)
	m.TestAccuracy = Accuracy(net, p.TestX, p.TestY, t.Level)
	return m
}

// FitAll trains a network on each problem.
func (t *Trainer) FitAll(problems []*Problem) []*Model {
	ms := make([]*Model, len(problems))
	for i, p := range problems {
		ms[i] = t.Fit(p)
	}
	return ms
}

// LossChart returns the per-epoch training losses of the models, one
// series per problem.
func LossChart(title, ylabel string, models []*Model) *plot.LineChart {
	c := plot.NewLineChart(title, "epoch", ylabel)
	for _, m := range models {
		c.AddY(m.Problem.Title, m.Curve.Epoch)
	}
	return c
}

// Boundaries returns the models' decision boundaries over their test
// points, cols to a row, each titled with its test accuracy. resolution is
// the number of grid points per side (0: the plot's default).
func Boundaries(title string, cols int, models []*Model, level float64, resolution int) *plot.Grid {
	panels := make([]*plot.DecisionBoundary, len(models))
	for i, m := range models {
		d := Boundary(m.Net, m.Problem, level, resolution)
		d.Title = fmt.Sprintf("%s: test accuracy %s", m.Problem.Title, Percent(m.TestAccuracy))
		panels[i] = d
	}
	return BoundaryGrid(title, cols, panels)
}

// AccuracyTable returns a table of the models' final training loss and
// accuracies.
func AccuracyTable(models []*Model) *cli.Table {
	t := &cli.Table{Header: []string{"data set", "final training loss", "training accuracy", "test accuracy"}}
	for _, m := range models {
		t.Add(m.Problem.Title, m.FinalLoss(), Percent(m.TrainAccuracy), Percent(m.TestAccuracy))
	}
	return t
}

// Percent formats a fraction as a percentage with one decimal.
func Percent(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

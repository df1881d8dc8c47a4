package main

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
)

// solved is the test accuracy (%) every method reaches on the two
// Gaussians in a quick run.
const solved = 97.0

// quick runs the command with -quick into a new directory and extra
// flags, and returns its stdout and the output directory.
func quick(t *testing.T, extra ...string) (stdout, dir string, err error) {
	t.Helper()
	dir = t.TempDir()
	var out bytes.Buffer
	err = run(append([]string{"-quick", "-out", dir}, extra...), &out, io.Discard)
	return out.String(), dir, err
}

func TestQuick(t *testing.T) {
	out, dir, err := quick(t, "-markdown")
	if err != nil {
		t.Fatal(err)
	}
	accuracy, loss, ok := strings.Cut(out, "Final training loss")
	if !ok {
		t.Fatalf("no loss table in:\n%s", out)
	}
	for _, m := range []string{"plain step, ε = 0.2", "momentum 0.9, lr 0.02", "Nesterov 0.9, lr 0.02", "Adam, lr 0.01"} {
		a, l := cli.FindRow(accuracy, m), cli.FindRow(loss, m)
		if len(a) != 7 || len(l) != 7 {
			t.Errorf("%s: rows %q and %q", m, a, l)
			continue
		}
		acc, err := strconv.ParseFloat(strings.TrimSuffix(a[1], " %"), 64)
		if err != nil || acc < solved {
			t.Errorf("%s on the two Gaussians: test accuracy %s, want ≥ %g %%", m, a[1], solved)
		}
		if v, err := strconv.ParseFloat(l[1], 64); err != nil || !(v > 0 && v < 0.1) {
			t.Errorf("%s on the two Gaussians: final loss %s", m, l[1])
		}
	}
	if err := plot.CheckSVG(filepath.Join(dir, "loss.svg")); err != nil {
		t.Error(err)
	}
	if !strings.HasSuffix(out, "\n![loss](loss.svg)\n") {
		t.Errorf("Markdown:\n%s", out)
	}
}

// The course's SGD loop written out is optim.Fit: from the same weights,
// with the same seed, both give the same losses and weights to the last
// bit, whatever the update rule.
func TestSGDIsFit(t *testing.T) {
	x, y := data.Arti(data.FourGaussians, 100, data.DefaultArtiOptions(), rand.New(rand.NewPCG(1, 2)))
	y = data.SignsToBinary(nil, y)
	for _, opt := range []func() optim.Optimizer{nil, func() optim.Optimizer { return optim.NewAdam(0.01) }} {
		nets := [2]*layers.Sequential{newNetwork(rand.New(rand.NewPCG(1, 3))), newNetwork(rand.New(rand.NewPCG(1, 3)))}
		var opts [2]*optim.Optim
		for k, net := range nets {
			opts[k] = optim.New(net, losses.NewBCE(), 0.2)
			if opt != nil {
				opts[k].WithOptimizer(opt())
			}
		}
		means, err := sgd(opts[0], x, y, 5, 32, 7, cli.NewProgress(io.Discard, "", 5))
		if err != nil {
			t.Fatal(err)
		}
		h, err := optim.Fit(opts[1], x, y, optim.Config{BatchSize: 32, Epochs: 5, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(means, h.TrainLoss) || !(means[4] < means[0]) {
			t.Errorf("sgd %v\nFit %v", means, h.TrainLoss)
		}
		for i, p := range nets[0].Parameters() {
			if !slices.Equal(p.Value.Data, nets[1].Parameters()[i].Value.Data) {
				t.Errorf("%s: sgd and Fit end with different values", p.Name)
			}
		}
	}
}

// The course's plain step is torch's SGD without momentum: from the same
// weights on the same batches, the two give the same losses to the last
// bit, so the curves of the figure differ by the rule alone. And a loss
// that stops being finite stops the training with its epoch.
func TestPlainStepIsSGD(t *testing.T) {
	x, y := data.Arti(data.Moons, 100, data.DefaultArtiOptions(), rand.New(rand.NewPCG(1, 2)))
	y = data.SignsToBinary(nil, y)
	train := func(opt optim.Optimizer, poison bool) ([]float64, error) {
		net := newNetwork(rand.New(rand.NewPCG(1, 3)))
		if poison {
			net.Parameters()[0].Value.Data[0] = math.NaN()
		}
		o := optim.New(net, losses.NewBCE(), 0.2)
		if opt != nil {
			o.WithOptimizer(opt)
		}
		return sgd(o, x, y, 5, 32, 7, cli.NewProgress(io.Discard, "", 5))
	}
	plain, err := train(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	torch, err := train(optim.NewSGD(0.2), false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plain, torch) {
		t.Errorf("plain step %v\nSGD        %v", plain, torch)
	}
	if _, err := train(nil, true); err == nil || !strings.Contains(err.Error(), "diverged: mean loss NaN at epoch 1 ") {
		t.Errorf("a NaN weight gave error %v", err)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-momentum", "1"}, "-momentum"},
		{[]string{"-momentum", "0"}, "-momentum"},
		{[]string{"-momentum-lr", "-1"}, "-momentum-lr"},
		{[]string{"-adam-lr", "0"}, "-adam-lr"},
		{[]string{"-adam-lr", "Inf"}, "-adam-lr"},
		{[]string{"-momentum-lr", "Inf"}, "-momentum-lr"},
		{[]string{"-momentum", "NaN"}, "-momentum"},
		{[]string{"-lr", "-0.2"}, "-lr"},
		{[]string{"-nosuchflag"}, "not defined"},
		{[]string{"stray"}, "unexpected arguments"},
	} {
		_, _, err := quick(t, c.args...)
		if cli.ExitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want a usage error naming %q", c.args, err, c.want)
		}
	}
}

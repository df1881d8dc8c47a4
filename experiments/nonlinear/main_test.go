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
	"github.com/nndiy/nndiy/tensor"
)

// solved is the test accuracy (%) of a data set the network solves, in
// the quick run.
const solved = 97.0

// quick runs the command with -quick into a new directory and extra
// flags, and returns its stdout, stderr and the output directory.
func quick(t *testing.T, extra ...string) (stdout, stderr, dir string, err error) {
	t.Helper()
	dir = t.TempDir()
	var out, errs bytes.Buffer
	err = run(append([]string{"-quick", "-out", dir}, extra...), &out, &errs)
	return out.String(), errs.String(), dir, err
}

// number reads a cell such as "0.2265" or "56.40 %".
func number(t *testing.T, cell string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(cell, " %"), 64)
	if err != nil {
		t.Fatalf("cell %q: %v", cell, err)
	}
	return v
}

func TestQuick(t *testing.T) {
	out, _, dir, err := quick(t)
	if err != nil {
		t.Fatal(err)
	}
	// Two tables, the MSE's (with the report's verdicts) then the BCE's:
	// both solve the two Gaussians and XOR.
	mse, bce, ok := strings.Cut(out, "Beyond the report")
	if !ok {
		t.Fatalf("no second part in:\n%s", out)
	}
	for _, part := range []struct {
		name, text string
		cells      int
	}{{"MSE", mse, 5}, {"BCE", bce, 4}} {
		for _, data := range []string{"two Gaussians", "XOR"} {
			r := cli.FindRow(part.text, data)
			if len(r) != part.cells {
				t.Errorf("%s, %s: row %q", part.name, data, r)
				continue
			}
			if acc := number(t, r[3]); acc < solved {
				t.Errorf("%s, %s: test accuracy %g %%, want ≥ %g %%", part.name, data, acc, solved)
			}
		}
	}
	if r := cli.FindRow(mse, "checkerboard"); len(r) != 5 || r[4] != "not solved" {
		t.Errorf("checkerboard row %q", r)
	}
	for _, name := range []string{"loss.svg", "boundaries.svg", "bce_loss.svg", "bce_boundaries.svg"} {
		if err := plot.CheckSVG(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

func TestMarkdown(t *testing.T) {
	out, _, _, err := quick(t, "-markdown", "-hidden", "4")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "The report:") || strings.Contains(out, "Figures:") {
		t.Errorf("Markdown body with a summary's lines:\n%s", out)
	}
	for _, want := range []string{"The report's setting: ", "Linear(2, 4) → TanH → Linear(4, 1) → Sigmoid", "| XOR ", "![boundaries](boundaries.svg)\n", "![bce_boundaries](bce_boundaries.svg)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, out)
		}
	}
}

// The loss falls, and a loss that stops being finite stops the training
// with its epoch (a sigmoid output keeps the loss finite whatever -lr, so
// the test starts from weights that are not).
func TestFit(t *testing.T) {
	x, y := data.Arti(data.FourGaussians, 100, data.DefaultArtiOptions(), rand.New(rand.NewPCG(1, 2)))
	y = data.SignsToBinary(nil, y)
	for _, c := range parts() {
		net := newNetwork(5, rand.New(rand.NewPCG(1, 3)))
		means, err := fit(net, c.loss, x, y, 20, 10, 0.5, rand.New(rand.NewPCG(1, 4)), cli.NewProgress(io.Discard, "", 20))
		if err != nil || len(means) != 20 || !(means[19] < means[0]) {
			t.Errorf("%s: loss %v, error %v; want 20 epochs of a falling loss", c.name, means, err)
		}
		net.output.Weight.Value.Data[0] = math.NaN()
		_, err = fit(net, c.loss, x, y, 20, 10, 0.5, rand.New(rand.NewPCG(1, 4)), cli.NewProgress(io.Discard, "", 20))
		if err == nil || !strings.Contains(err.Error(), "diverged: mean loss NaN at epoch 1 ") {
			t.Errorf("%s: a NaN weight gave error %v", c.name, err)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-loss", "mse"}, 2, "not defined"},
		{[]string{"-hidden", "0"}, 2, "-hidden"},
		{[]string{"-batch", "-5"}, 2, "-batch"},
		{[]string{"x"}, 2, "unexpected arguments"},
	} {
		_, _, _, err := quick(t, c.args...)
		if cli.ExitCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want exit %d and %q", c.args, err, c.code, c.want)
		}
	}
}

// The modules chained by hand compute what Sequential computes: from the
// same weights on the same batches, the losses and the weights after
// training are the same to the last bit.
func TestChainIsSequential(t *testing.T) {
	x, y := data.Arti(data.Checkerboard, 100, data.DefaultArtiOptions(), rand.New(rand.NewPCG(1, 2)))
	y = data.SignsToBinary(nil, y)
	for _, c := range parts() {
		net := newNetwork(4, rand.New(rand.NewPCG(1, 3)))
		means, err := fit(net, c.loss, x, y, 5, 16, 0.5, rand.New(rand.NewPCG(1, 4)), cli.NewProgress(io.Discard, "", 5))
		if err != nil {
			t.Fatal(err)
		}

		ref := newNetwork(4, rand.New(rand.NewPCG(1, 3)))
		seq := layers.NewSequential(ref.hidden, ref.tanh, ref.output, ref.sigmoid)
		batches := data.NewBatches(x, y, 16, rand.New(rand.NewPCG(1, 4)))
		xb, yb := batches.NewBuffers()
		for epoch := range 5 {
			sum := 0.0
			for batches.Next(xb, yb) {
				seq.ZeroGrad()
				yhat := seq.Forward(xb)
				sum += float64(xb.Rows()) * c.loss.Forward(yb, yhat)
				seq.BackwardUpdateGradient(xb, c.loss.Backward(yb, yhat))
				seq.UpdateParameters(0.5)
			}
			if sum/100 != means[epoch] {
				t.Errorf("%s, epoch %d: loss %v by hand, %v with Sequential", c.name, epoch+1, means[epoch], sum/100)
			}
		}
		for i, p := range seq.Parameters() {
			if want := []*tensor.Tensor{net.hidden.Weight.Value, net.hidden.Bias.Value, net.output.Weight.Value, net.output.Bias.Value}[i]; !slices.Equal(p.Value.Data, want.Data) {
				t.Errorf("%s: %s differs from the hand-chained network's", c.name, p.Name)
			}
		}
	}
}

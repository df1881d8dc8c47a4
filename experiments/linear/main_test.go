package main

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
)

// Tolerances of the quick run's numbers.
const (
	lineTol     = 0.1  // on the learned slope and intercept
	mseMax      = 0.02 // test MSE; the noise alone gives 0.01
	separated   = 99.0 // test accuracy (%) on the two Gaussians
	noBetterXOR = 75.0 // no line gets the XOR problem much better than chance
)

// quick runs the command with -quick into a new directory and extra
// flags, and returns its stdout, stderr and the output directory.
func quick(t *testing.T, extra ...string) (stdout, stderr, dir string, err error) {
	t.Helper()
	dir = t.TempDir()
	var out, errs bytes.Buffer
	err = run(append([]string{"-quick", "-out", dir}, extra...), &out, &errs)
	return out.String(), errs.String(), dir, err
}

// number reads a cell such as "3.0011" or "44.70 %".
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
	learned := cli.FindRow(out, "learned")
	if len(learned) != 4 {
		t.Fatalf("no learned line in:\n%s", out)
	}
	if a, b := number(t, learned[1]), number(t, learned[2]); math.Abs(a-3) > lineTol || math.Abs(b-4) > lineTol {
		t.Errorf("learned y = %g·x + %g, want 3·x + 4 within %g", a, b, lineTol)
	}
	if mse := number(t, learned[3]); !(mse < mseMax) {
		t.Errorf("test MSE %g, want < %g", mse, mseMax)
	}
	for _, c := range []struct {
		row     string
		lo, hi  float64
		verdict string
	}{
		{"two Gaussians", separated, 100, "solved"},
		{"XOR", 0, noBetterXOR, "not solved"},
		{"checkerboard", 0, noBetterXOR, "not solved"},
	} {
		r := cli.FindRow(out, c.row)
		if len(r) != 5 {
			t.Errorf("row %q: %q", c.row, r)
			continue
		}
		if acc := number(t, r[3]); acc < c.lo || acc > c.hi || r[4] != c.verdict {
			t.Errorf("%s: test accuracy %s, report %q; want within [%g, %g] %%, %q", c.row, r[3], r[4], c.lo, c.hi, c.verdict)
		}
	}
	for _, name := range []string{"regression_loss.svg", "regression_fit.svg", "classifier_loss.svg", "classifier_boundaries.svg"} {
		path := filepath.Join(dir, name)
		if err := plot.CheckSVG(path); err != nil {
			t.Error(err)
		}
		if !strings.Contains(out, path) {
			t.Errorf("the summary does not list %s:\n%s", path, out)
		}
	}
}

// With -markdown, stdout is the body of the report's section: the tables
// and the figures linked by file name; the same seed gives the same
// numbers.
func TestMarkdown(t *testing.T) {
	a, _, _, err := quick(t, "-markdown")
	if err != nil {
		t.Fatal(err)
	}
	b, _, _, err := quick(t, "-markdown")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("two runs with the same seed differ:\n%s\n%s", a, b)
	}
	if !strings.HasPrefix(a, "Linear regression of y = 3x + 4 + noise:\n\n|") || !strings.HasSuffix(a, "![classifier_boundaries](classifier_boundaries.svg)\n") || strings.Contains(a, "Figures:") {
		t.Errorf("Markdown body:\n%s", a)
	}
}

func TestErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-nosuchflag"}, 2, "not defined"},
		{[]string{"stray"}, 2, "unexpected arguments"},
		{[]string{"-lr", "0"}, 2, "-lr"},
		{[]string{"-epochs", "-1"}, 2, "-epochs"},
		{[]string{"-lr", "10"}, 1, "diverged"},
		{[]string{"-out", filepath.Join(file, "sub")}, 1, "-out"},
	} {
		out, errs, _, err := quick(t, c.args...)
		if cli.ExitCode(err) != c.code || err == nil || !strings.Contains(err.Error(), c.want) || (c.code == 1 && c.want == "diverged" && !strings.Contains(err.Error(), " at epoch ")) {
			t.Errorf("%q: error %v (exit %d), want exit %d and %q", c.args, err, cli.ExitCode(err), c.code, c.want)
		}
		if c.code == 2 && errs != "" && !strings.Contains(errs, "Usage of linear:") {
			t.Errorf("%q: stderr %q does not give the usage of linear", c.args, errs)
		}
		if c.args[0] == "-out" && (out != "" || strings.Contains(errs, "epoch")) {
			t.Errorf("a bad -out trained before failing: %q %q", out, errs)
		}
	}
}

// fit's epoch loss is the mean of its step losses weighted by the batch
// sizes, and the regression's loss falls a hundredfold.
func TestFit(t *testing.T) {
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(1, stream)) }
	x, y := data.Regression(50, data.DefaultRegressionOptions(), rng(1))
	net := layers.NewLinear(1, 1, rng(2))
	steps, means, err := fit(net, x, y, 30, 16, 0.05, rng(3), cli.NewProgress(io.Discard, "", 30))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 4*30 || len(means) != 30 {
		t.Fatalf("%d steps and %d epochs, want 120 and 30", len(steps), len(means))
	}
	for e := range means {
		// Batches of 16, 16, 16 and 2 rows.
		s := steps[4*e : 4*e+4]
		if want := (16*(s[0]+s[1]+s[2]) + 2*s[3]) / 50; math.Abs(means[e]-want) > 1e-14*want {
			t.Errorf("epoch %d: mean loss %v, want %v", e+1, means[e], want)
		}
	}
	if !(steps[len(steps)-1] < steps[0]/100) {
		t.Errorf("the regression's loss did not fall a hundredfold: %v … %v", steps[0], steps[len(steps)-1])
	}
}

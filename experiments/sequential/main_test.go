package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/losses"
)

const (
	// sameComputation is the largest relative gap between nndiy's and
	// PyTorch's loss over the first epochs, where the training is stable
	// on every data set: both compute the same sums, rounded differently.
	sameComputation = 1e-12
	// solved is the test accuracy (%) of the two Gaussians after a quick run.
	solved = 97.0
	// fallen is below the two Gaussians' training loss after a quick run;
	// the BCE of a network that knows nothing is ln 2 ≈ 0.69.
	fallen = 0.05
)

// runIn runs the command with args and -out a new directory, and returns
// its stdout and the directory.
func runIn(t *testing.T, args ...string) (stdout, dir string, err error) {
	t.Helper()
	dir = t.TempDir()
	var out bytes.Buffer
	err = run(append([]string{"-out", dir}, args...), &out, io.Discard)
	return out.String(), dir, err
}

// number reads a cell such as "2.242e-05" or "99.90 %".
func number(t *testing.T, cell string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(cell, " %"), 64)
	if err != nil {
		t.Fatalf("cell %q: %v", cell, err)
	}
	return v
}

func checkFigures(t *testing.T, dir string, want []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if err := plot.CheckSVG(filepath.Join(dir, e.Name())); err != nil {
			t.Error(err)
		}
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("figures %v, want %v", names, want)
	}
}

func TestQuick(t *testing.T) {
	out, dir, err := runIn(t, "-quick")
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range titles {
		if r := cli.FindRow(out, title); len(r) != 4 { // no PyTorch columns: a quick run has no reference
			t.Errorf("row %s: %q", title, r)
		}
	}
	if r := cli.FindRow(out, "two Gaussians"); number(t, r[3]) < solved || !(number(t, r[1]) < fallen) {
		t.Errorf("two Gaussians: final loss %s, test accuracy %s; want < %g and ≥ %g %%", r[1], r[3], fallen, solved)
	}
	checkFigures(t, dir, []string{"loss.svg", "boundaries.svg"})
}

// The committed reference is PyTorch replaying nndiy's full run: the first
// epochs of a run with the same settings must match it to rounding.
func TestMatchesPyTorchReference(t *testing.T) {
	out, dir, err := runIn(t, "-epochs", "3", "-markdown")
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range titles {
		r := cli.FindRow(out, title)
		if len(r) != 7 {
			t.Errorf("%s: not compared: %q", title, r)
			continue
		}
		if gap := number(t, r[4]); !(gap <= sameComputation) || r[5] != "3/3" || r[6] != "3/3" {
			t.Errorf("%s: relative gap %s to PyTorch, %s epochs within 1e-12, twin %s; want ≤ %g, 3/3, 3/3", title, r[4], r[5], r[6], sameComputation)
		}
	}
	checkFigures(t, dir, []string{"loss.svg", "pytorch_gap.svg", "boundaries.svg"})
	if !strings.Contains(out, "![pytorch_gap](pytorch_gap.svg)\n") || !strings.HasPrefix(out, "| data set ") {
		t.Errorf("Markdown:\n%s", out)
	}

	// Another learning rate is another computation: no comparison.
	out, _, err = runIn(t, "-epochs", "1", "-lr", "0.1")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "not compared with PyTorch: the reference was trained differently: learning rate 0.2, this run 0.1"); n != len(kinds) {
		t.Errorf("%d data sets say why they are not compared, want %d:\n%s", n, len(kinds), out)
	}
}

// The export holds what PyTorch needs to replay the run exactly.
func TestExport(t *testing.T) {
	exportDir := t.TempDir()
	out, _, err := runIn(t, "-quick", "-epochs", "2", "-export", exportDir)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, exportDir); n != len(kinds) {
		t.Errorf("%d exports listed, want %d:\n%s", n, len(kinds), out)
	}
	b, err := os.ReadFile(filepath.Join(exportDir, "four-gaussians.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e export
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if e.Dataset != "four-gaussians" || e.Seed != 1 || e.LR != 0.2 || e.Batch != 32 || e.Loss != "bce" || e.Epochs != 2 {
		t.Errorf("settings %+v", e)
	}
	// The points, labels and initial weights are those of the run's
	// streams, and so is the fingerprint.
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(1, stream)) }
	x, y := data.Arti(data.FourGaussians, 200, data.DefaultArtiOptions(), rng(100+uint64(data.FourGaussians)))
	y = data.SignsToBinary(nil, y)
	if !slices.Equal(e.X, x.Data) || !slices.Equal(e.Y, y.Data) {
		t.Error("exported points or labels differ from the training set")
	}
	fresh := newNetwork(rng(200 + uint64(data.FourGaussians)))
	if got, want := e.Fingerprint, fingerprint(x, y, fresh); got != want {
		t.Errorf("fingerprint %s, want %s", got, want)
	}
	var types []string
	k := 0
	params := fresh.Parameters()
	for _, l := range e.Layers {
		types = append(types, l.Type)
		if l.Type == "linear" {
			if !slices.Equal(l.Weight, params[k].Value.Data) || !slices.Equal(l.Bias, params[k+1].Value.Data) {
				t.Errorf("layer %d: exported weights are not the initial ones", k/2)
			}
			k += 2
		}
	}
	if want := []string{"linear", "tanh", "linear", "tanh", "linear", "tanh", "linear", "sigmoid"}; !slices.Equal(types, want) {
		t.Errorf("layers %v, want %v", types, want)
	}
	if len(e.Orders) != 2 {
		t.Fatalf("%d epoch orders, want 2", len(e.Orders))
	}
	for i, o := range e.Orders {
		s := slices.Sorted(slices.Values(o))
		for j := range s {
			if s[j] != j {
				t.Fatalf("order of epoch %d is not a permutation of 0…%d", i+1, len(s)-1)
			}
		}
	}
	if slices.Equal(e.Orders[0], e.Orders[1]) {
		t.Error("both epochs visited the points in the same order")
	}
}

// A loss that stops being finite stops the training with its epoch (a
// sigmoid output keeps the loss finite whatever -lr, so the test starts
// from weights that are not).
func TestFitDiverges(t *testing.T) {
	x, y := data.Arti(data.Moons, 100, data.DefaultArtiOptions(), rand.New(rand.NewPCG(1, 2)))
	y = data.SignsToBinary(nil, y)
	net := newNetwork(rand.New(rand.NewPCG(1, 3)))
	net.Parameters()[0].Value.Data[0] = math.NaN()
	_, err := fit(net, losses.NewBCE(), x, y, 5, 10, 0.2, rand.New(rand.NewPCG(1, 4)), cli.NewProgress(io.Discard, "", 5), nil)
	if err == nil || !strings.Contains(err.Error(), "diverged: mean loss NaN at epoch 1 ") {
		t.Errorf("a NaN weight gave error %v", err)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-loss", "hinge"}, 2, "-loss"},
		{[]string{"-epochs", "0"}, 2, "-epochs"},
		{[]string{"-nosuchflag"}, 2, "not defined"},
		{[]string{"extra"}, 2, "unexpected arguments"},
	} {
		_, _, err := runIn(t, append([]string{"-quick"}, c.args...)...)
		if cli.ExitCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want exit %d and %q", c.args, err, c.code, c.want)
		}
	}
}

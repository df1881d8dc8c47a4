package sequential

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
)

const (
	// sameComputation is the largest relative gap between nndiy's and
	// PyTorch's loss over the first epochs, where the training is stable
	// on every data set: both compute the same sums, rounded differently.
	sameComputation = 1e-12
	// solved is the test accuracy of the two Gaussians after a quick run.
	solved = 0.97
)

func config(t *testing.T, quick bool) *cli.Config {
	cfg := Defaults
	cfg.Out, cfg.Quick, cfg.Stdout, cfg.Stderr = t.TempDir(), quick, io.Discard, io.Discard
	return &cfg
}

func TestRunQuick(t *testing.T) {
	r, err := Run(config(t, true), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Models) != len(Kinds) {
		t.Fatalf("%d models, want %d", len(r.Models), len(Kinds))
	}
	if m := r.Models[0]; m.TestAccuracy < solved {
		t.Errorf("%s: test accuracy %g, want ≥ %g", m.Problem.Title, m.TestAccuracy, solved)
	}
	for _, m := range r.Models {
		if c := m.Curve.Epoch; len(c) != quickEpochs || !(c[len(c)-1] < c[0]) {
			t.Errorf("%s: loss %g → %g over %d epochs, want a fall over %d", m.Problem.Title, c[0], c[len(c)-1], len(c), quickEpochs)
		}
	}
	if r.compared() {
		t.Error("a quick run compared itself with PyTorch")
	}
	checkFigures(t, r, []string{"loss.svg", "boundaries.svg"})
}

func checkFigures(t *testing.T, r *Result, want []string) {
	t.Helper()
	var names []string
	for _, f := range r.Figures {
		names = append(names, filepath.Base(f))
		if err := planar.CheckSVG(f); err != nil {
			t.Error(err)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("figures %v, want %v", names, want)
	}
}

// The committed reference is PyTorch replaying nndiy's full run: the first
// epochs of a run with the same settings must match it to rounding.
func TestMatchesPyTorchReference(t *testing.T) {
	ref := PyTorchLosses
	cfg := config(t, false)
	cfg.Epochs = 3
	opts := DefaultOptions()
	opts.Reference = ref
	r, err := Run(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range r.Comparisons {
		name := r.Models[i].Problem.Title
		if c.PyTorch == nil {
			t.Errorf("%s: not compared: %s", name, c.Missing)
			continue
		}
		if !(c.RelGap <= sameComputation) || c.Agree != cfg.Epochs {
			t.Errorf("%s: relative gap %g to PyTorch over %d epochs (agree %d), want ≤ %g", name, c.RelGap, cfg.Epochs, c.Agree, sameComputation)
		}
		if len(c.Twin) != cfg.Epochs {
			t.Errorf("%s: twin has %d epochs, want %d", name, len(c.Twin), cfg.Epochs)
		}
	}
	checkFigures(t, r, []string{"loss.svg", "pytorch_gap.svg", "boundaries.svg"})
	if md := r.Markdown(); !strings.Contains(md, "largest relative gap to PyTorch") || !strings.Contains(md, "| spirals ") {
		t.Errorf("Markdown:\n%s", md)
	}

	// Another learning rate is another computation: no comparison.
	cfg.LR, cfg.Epochs = 0.1, 1
	r, err = Run(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Comparisons {
		if c.PyTorch != nil || !strings.Contains(c.Missing, "learning rate") {
			t.Errorf("lr 0.1 compared with a reference made at 0.2: %+v", c)
		}
	}
}

// The export holds what PyTorch needs to replay the run exactly.
func TestExport(t *testing.T) {
	cfg := config(t, true)
	cfg.Epochs = 2
	opts := DefaultOptions()
	opts.Export = t.TempDir()
	r, err := Run(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Exports) != len(Kinds) {
		t.Fatalf("exports %v, want %d", r.Exports, len(Kinds))
	}
	b, err := os.ReadFile(filepath.Join(opts.Export, "four-gaussians.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e export
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	p := r.Models[1].Problem
	n := p.X.Rows()
	if e.Dataset != "four-gaussians" || e.Seed != cfg.Seed || e.LR != cfg.LR || e.Batch != cfg.Batch || e.Loss != "bce" || e.Epochs != 2 {
		t.Errorf("settings %+v", e)
	}
	if !slices.Equal(e.X, p.X.Data) || !slices.Equal(e.Y, p.Y.Data) {
		t.Error("exported points or labels differ from the training set")
	}
	// The initial weights are those of a new network from the same stream,
	// and so is the fingerprint.
	fresh := NewNet(planar.RNG(cfg.Seed, planar.StreamInit, p.Kind))
	if got, want := e.Fingerprint, Fingerprint(p, fresh); got != want {
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
				t.Fatalf("order of epoch %d is not a permutation of 0…%d", i+1, n-1)
			}
		}
	}
	if slices.Equal(e.Orders[0], e.Orders[1]) {
		t.Error("both epochs visited the points in the same order")
	}
}

func TestRunRejectsBadLoss(t *testing.T) {
	if _, err := Run(config(t, true), Options{Loss: "hinge"}); err == nil {
		t.Error("-loss hinge: no error")
	}
}

func TestGaps(t *testing.T) {
	a := []float64{1, 2, 3, 4}
	b := []float64{1, 2 * (1 + 1e-13), 3 * (1 + 1e-9), 4}
	gap, rel, agree := gaps(a, b)
	if agree != 2 || math.Abs(rel-1e-9) > 1e-15 || math.Abs(gap-3e-9) > 1e-15 {
		t.Errorf("gaps = %g, %g, %d; want 3e-9, 1e-9, 2", gap, rel, agree)
	}
	if _, _, agree := gaps(a, a); agree != len(a) {
		t.Errorf("gaps(a, a) agree %d, want %d", agree, len(a))
	}
	if got := runningMax([]float64{0, 1, 3, 2, 5}); !slices.Equal(got, []float64{gapFloor, 1, 3, 3, 5}) {
		t.Errorf("runningMax = %v", got)
	}
}

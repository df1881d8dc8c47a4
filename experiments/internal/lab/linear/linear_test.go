package linear

import (
	"io"
	"math"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
)

// Tolerances of the quick run's numbers.
const (
	lineTol     = 0.1  // on the learned slope and intercept
	mseMax      = 0.02 // test MSE; the noise alone gives 0.01
	separated   = 0.99 // accuracy on the two Gaussians
	noBetterXOR = 0.75 // no line gets the XOR problem much better than chance
)

func quickConfig(t *testing.T) *cli.Config {
	cfg := Defaults
	cfg.Out, cfg.Quick, cfg.Stdout, cfg.Stderr = t.TempDir(), true, io.Discard, io.Discard
	return &cfg
}

func TestRunQuick(t *testing.T) {
	cfg := quickConfig(t)
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Slope-3) > lineTol || math.Abs(r.Intercept-4) > lineTol {
		t.Errorf("learned y = %.4f·x + %.4f, want 3·x + 4 within %g", r.Slope, r.Intercept, lineTol)
	}
	if !(r.TestMSE < mseMax) {
		t.Errorf("test MSE %g, want < %g", r.TestMSE, mseMax)
	}
	if n := len(r.RegressionLoss); n == 0 || !(r.RegressionLoss[n-1] < r.RegressionLoss[0]/100) {
		t.Errorf("regression loss did not fall a hundredfold: %v … %v", r.RegressionLoss[0], r.RegressionLoss[n-1])
	}

	acc := map[string]float64{}
	for _, c := range r.Classifiers {
		acc[c.Problem] = c.TestAccuracy
	}
	if len(acc) != 3 {
		t.Fatalf("classifiers %+v, want the three course data sets", r.Classifiers)
	}
	if a := acc[planar.Title(planar.CourseKinds[0])]; a < separated {
		t.Errorf("two Gaussians: test accuracy %g, want ≥ %g", a, separated)
	}
	if a := acc["XOR"]; a > noBetterXOR {
		t.Errorf("XOR: test accuracy %g of a linear classifier, want ≤ %g", a, noBetterXOR)
	}

	if len(r.Figures) != 4 {
		t.Errorf("figures %v, want 4", r.Figures)
	}
	for _, f := range r.Figures {
		if err := planar.CheckSVG(f); err != nil {
			t.Error(err)
		}
	}
	md := r.Markdown()
	for _, want := range []string{"| learned |", "| XOR ", "](figures/linear/classifier_boundaries.svg)"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestRunIsDeterministic(t *testing.T) {
	a, err := Run(quickConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(quickConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if a.Slope != b.Slope || a.Intercept != b.Intercept || a.Markdown() != b.Markdown() {
		t.Errorf("two runs with the same seed differ:\n%s\n%s", a.Markdown(), b.Markdown())
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	cfg := quickConfig(t)
	cfg.LR = 0
	if _, err := Run(cfg); err == nil {
		t.Error("Run with -lr 0: no error")
	}
}

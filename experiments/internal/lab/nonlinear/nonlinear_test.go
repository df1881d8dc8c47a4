package nonlinear

import (
	"io"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
)

// solved is the test accuracy of a data set the network solves, in the
// quick run.
const solved = 0.97

func quickConfig(t *testing.T) *cli.Config {
	cfg := Defaults
	cfg.Out, cfg.Quick, cfg.Stdout, cfg.Stderr = t.TempDir(), true, io.Discard, io.Discard
	return &cfg
}

func TestRunQuick(t *testing.T) {
	for _, loss := range []string{"bce", "mse"} {
		t.Run(loss, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Loss = loss
			r, err := Run(quickConfig(t), opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Models) != 3 {
				t.Fatalf("%d models, want 3", len(r.Models))
			}
			// The hidden layer solves the two Gaussians and XOR.
			for _, m := range r.Models[:2] {
				if m.TestAccuracy < solved {
					t.Errorf("%s: test accuracy %g, want ≥ %g", m.Problem.Title, m.TestAccuracy, solved)
				}
				if c := m.Curve.Epoch; !(c[len(c)-1] < c[0]) {
					t.Errorf("%s: loss did not fall: %g → %g", m.Problem.Title, c[0], c[len(c)-1])
				}
			}
			if len(r.Figures) != 2 {
				t.Errorf("figures %v, want 2", r.Figures)
			}
			for _, f := range r.Figures {
				if err := planar.CheckSVG(f); err != nil {
					t.Error(err)
				}
			}
			if md := r.Markdown(); !strings.Contains(md, "| XOR ") || !strings.Contains(md, "](figures/nonlinear/boundaries.svg)") {
				t.Errorf("Markdown:\n%s", md)
			}
		})
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{{Hidden: 10, Loss: "hinge"}, {Hidden: 0, Loss: "bce"}} {
		if _, err := Run(quickConfig(t), opts); err == nil {
			t.Errorf("Run(%+v): no error", opts)
		}
	}
}

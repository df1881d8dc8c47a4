package optimlab

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
	"github.com/nndiy/nndiy/optim"
)

// solved is the test accuracy every method reaches on the two Gaussians
// in a quick run.
const solved = 0.97

func quickConfig(t *testing.T) *cli.Config {
	cfg := Defaults
	cfg.Out, cfg.Quick, cfg.Stdout, cfg.Stderr = t.TempDir(), true, io.Discard, io.Discard
	return &cfg
}

func TestRunQuick(t *testing.T) {
	r, err := Run(quickConfig(t), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Methods) != 4 || len(r.Runs) != len(r.Problems) {
		t.Fatalf("%d methods, %d×%d runs", len(r.Methods), len(r.Runs), len(r.Problems))
	}
	for j, m := range r.Methods {
		run := r.Runs[0][j]
		if run.TestAccuracy < solved {
			t.Errorf("%s on %s: test accuracy %g, want ≥ %g", m.Name, r.Problems[0].Title, run.TestAccuracy, solved)
		}
		if l := run.History.TrainLoss; len(l) != quickEpochs || !(run.FinalLoss < l[0]) {
			t.Errorf("%s: %d epochs, loss %g → %g", m.Name, len(l), l[0], run.FinalLoss)
		}
	}
	if !strings.HasPrefix(r.Methods[1].Name, "momentum 0.9, lr 0.02") {
		t.Errorf("momentum's default learning rate: %q, want lr·(1 − μ) = 0.02", r.Methods[1].Name)
	}
	if len(r.Figures) != 1 {
		t.Fatalf("figures %v", r.Figures)
	}
	if err := planar.CheckSVG(r.Figures[0]); err != nil {
		t.Error(err)
	}
	md := r.Markdown()
	for _, want := range []string{"| spirals ", "Adam, lr 0.01", "](figures/optim/loss.svg)"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// The course's plain step is torch's SGD without momentum: through Fit,
// from the same weights on the same batches, the two give the same history
// to the last bit, so the curves of the figure differ by the rule alone.
func TestPlainStepIsSGD(t *testing.T) {
	cfg := quickConfig(t)
	cfg.Epochs = 5
	problems, err := planar.Problems(planar.CourseKinds[1:2], 100, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	p := problems[0].Binary()
	plain, err := train(p, Method{Name: "plain"}, cfg, cfg.Epochs, 7)
	if err != nil {
		t.Fatal(err)
	}
	sgd, err := train(p, Method{Name: "sgd", New: func() optim.Optimizer { return optim.NewSGD(cfg.LR) }}, cfg, cfg.Epochs, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plain.History.TrainLoss, sgd.History.TrainLoss) {
		t.Errorf("plain step %v\nSGD        %v", plain.History.TrainLoss, sgd.History.TrainLoss)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{
		{Momentum: 1, AdamLR: 0.01},
		{Momentum: 0, AdamLR: 0.01},
		{Momentum: 0.9, MomentumLR: -1, AdamLR: 0.01},
		{Momentum: 0.9, AdamLR: 0},
	} {
		if _, err := Run(quickConfig(t), opts); err == nil {
			t.Errorf("Run(%+v): no error", opts)
		}
	}
}

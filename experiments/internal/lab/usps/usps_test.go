package usps

import (
	"bytes"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/digits/digitstest"
)

// setupsAgree is how far apart the two set-ups' losses may be: the same
// gradient, computed in a different order, parts them by rounding only.
const setupsAgree = 1e-9

func TestQuickRun(t *testing.T) {
	var out bytes.Buffer
	cfg := digitstest.QuickConfig(t, Defaults, &out)
	ckpt := filepath.Join(t.TempDir(), "new", "mlp.ckpt") // -save creates the directory
	res, err := Run(cfg, Options{Data: digits.TestSource(), Save: ckpt})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Setups) != 2 {
		t.Fatalf("%d set-ups ran, want 2", len(res.Setups))
	}
	// The quick run beats 80 % with both set-ups, on USPS as on the
	// synthetic digits.
	for _, s := range res.Setups {
		if s.Accuracy < 0.8 {
			t.Errorf("%s: test accuracy %.3f, want at least 0.8", s.Name, s.Accuracy)
		}
		h := s.History
		if len(h.TrainLoss) != quick.epochs || !(h.TrainLoss[len(h.TrainLoss)-1] < h.TrainLoss[0]/2) {
			t.Errorf("%s: training loss %v does not fall by half over %d epochs", s.Name, h.TrainLoss, quick.epochs)
		}
	}
	// Same initial weights and batches, same gradient: the two set-ups
	// differ only by rounding.
	soft, fused := res.Setup("softmax").History, res.Setup("fused").History
	for e := range soft.TrainLoss {
		if d := math.Abs(soft.TrainLoss[e] - fused.TrainLoss[e]); d > setupsAgree {
			t.Errorf("epoch %d: losses %v and %v differ by %.2g", e+1, soft.TrainLoss[e], fused.TrainLoss[e], d)
		}
	}
	for _, name := range []string{"loss.svg", "accuracy.svg", "confusion.svg", "digits.svg"} {
		digitstest.CheckSVG(t, filepath.Join(cfg.Out, name))
	}
	if len(res.Figures) < 4 {
		t.Errorf("figures %v", res.Figures)
	}
	for _, want := range []string{"fused softmax cross-entropy", "Confusion matrix", "| 9 ", "figure: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	md := res.Markdown()
	for _, want := range []string{"## §6", "78.00 %", "92.00 %", "](loss.svg)"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}

	// The checkpoint holds the fused network: loading it gives its accuracy.
	loaded, err := Run(digitstest.QuickConfig(t, Defaults, io.Discard), Options{Data: digits.TestSource(), Setups: "fused", Load: ckpt})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := loaded.Setups[0].Accuracy, res.Setup("fused").Accuracy; got != want || loaded.Setups[0].History != nil {
		t.Errorf("loaded checkpoint: accuracy %v, want %v without training", got, want)
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"setup", Options{Setups: "relu"}, "-setup"},
		{"optimizer", Options{Optimizer: "lbfgs"}, "-optimizer"},
		{"save and load", Options{Save: "a", Load: "b"}, "-save and -load"},
		{"validation", Options{Validation: 1}, "-val"},
		{"no data", Options{Data: digits.Source{Dir: t.TempDir()}}, "-synthetic"},
		{"bad checkpoint", Options{Data: digits.Source{Synthetic: true}, Load: filepath.Join(t.TempDir(), "none")}, "none"},
	} {
		_, err := Run(digitstest.QuickConfig(t, Defaults, io.Discard), tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

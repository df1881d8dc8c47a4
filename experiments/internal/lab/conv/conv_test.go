package conv

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/digits/digitstest"
	"github.com/nndiy/nndiy/tensor"
)

// minQuickAccuracy is the least accuracy of a quick run, on USPS as on the
// synthetic digits: three times chance. A quick run is too short to do
// much better: the 2-D CNN gets about 60 % of USPS after three epochs on
// 500 images. The race detector's shorter runs lower it (race_test.go).
var minQuickAccuracy = 0.3

func TestRunQuick(t *testing.T) {
	cfg := digitstest.QuickConfig(t, Defaults, io.Discard)
	var summary bytes.Buffer
	cfg.Stdout = &summary
	opts := DefaultOptions()
	opts.Data = digits.TestSource()
	res, err := Run(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Models) != 2 || res.Model("conv1d") == nil || res.Model("conv2d") == nil {
		t.Fatalf("%d models ran, want conv1d and conv2d", len(res.Models))
	}
	if res.Train != quick.train || res.Test != quick.test || res.Config.Epochs != quick.epochs {
		t.Errorf("quick run on %d and %d images for %d epochs, want %d, %d, %d",
			res.Train, res.Test, res.Config.Epochs, quick.train, quick.test, quick.epochs)
	}
	for _, m := range res.Models {
		h := m.History
		if h == nil || len(h.TrainLoss) != quick.epochs || len(h.ValAccuracy) != quick.epochs {
			t.Fatalf("%s: history %+v, want %d epochs", m.Name, h, quick.epochs)
		}
		last := quick.epochs - 1
		if !(h.TrainLoss[last] < h.TrainLoss[0]) {
			t.Errorf("%s: training did not lower the loss: %v", m.Name, h.TrainLoss)
		}
		// The final evaluation is the last epoch's, computed again.
		if math.Abs(m.Loss-h.ValLoss[last]) > 1e-12 || m.Accuracy != h.ValAccuracy[last] {
			t.Errorf("%s: loss %v and accuracy %v, last epoch's %v and %v", m.Name, m.Loss, m.Accuracy, h.ValLoss[last], h.ValAccuracy[last])
		}
		if !(m.Accuracy > minQuickAccuracy && m.Accuracy <= 1) {
			t.Errorf("%s: test accuracy %v, want in (%v, 1]", m.Name, m.Accuracy, minQuickAccuracy)
		}
		if m.Confusion.Total() != res.Test || len(m.Pred) != res.Test {
			t.Errorf("%s: %d images in the confusion matrix, %d predictions, want %d", m.Name, m.Confusion.Total(), len(m.Pred), res.Test)
		}
		if !strings.Contains(summary.String(), "| "+m.Name+" ") {
			t.Errorf("summary lacks a row for %s:\n%s", m.Name, summary.String())
		}
	}

	want := []string{"loss.svg", "accuracy.svg"}
	for _, name := range []string{"conv1d", "conv2d"} {
		for _, fig := range []string{"confusion", "mistakes", "filters", "maps"} {
			want = append(want, name+"-"+fig+".svg")
		}
	}
	var got []string
	for _, f := range res.Figures {
		got = append(got, filepath.Base(f))
		digitstest.CheckSVG(t, f)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("figures %v, want %v", got, want)
	}
	md := res.Markdown()
	for _, s := range append([]string{"## Convolutions", "Conv1D(k=3, 1→32, stride=1, no bias) → MaxPool1D(k=2, stride=2) → Flatten() → Linear(4064→100) → ReLU → Linear(100→10)", "| conv2d "}, want...) {
		if !strings.Contains(md, s) {
			t.Errorf("Markdown lacks %q:\n%s", s, md)
		}
	}
}

// A checkpoint saved after training gives, once loaded into a new network,
// exactly the same test results; the same seed trains the same network.
func TestSaveLoadAndDeterminism(t *testing.T) {
	cfg := digitstest.QuickConfig(t, Defaults, io.Discard)
	cfg.Epochs = 1
	ckpt := filepath.Join(t.TempDir(), "new", "net.ckpt") // Run makes the directory
	src := digits.TestSource()
	trained, err := Run(cfg, Options{Data: src, Model: "conv2d", Save: ckpt})
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Run(cfg, Options{Data: src, Model: "conv2d", Load: ckpt})
	if err != nil {
		t.Fatal(err)
	}
	a, b := trained.Models[0], loaded.Models[0]
	if a.Saved != ckpt || b.History != nil || b.Loaded != ckpt {
		t.Errorf("loaded model: history %v, loaded from %q", b.History, b.Loaded)
	}
	if a.Loss != b.Loss || !slices.Equal(a.Pred, b.Pred) {
		t.Errorf("trained: loss %v, accuracy %v; loaded: %v, %v", a.Loss, a.Accuracy, b.Loss, b.Accuracy)
	}
	again, err := Run(cfg, Options{Data: src, Model: "conv2d"})
	if err != nil {
		t.Fatal(err)
	}
	if c := again.Models[0]; c.Loss != a.Loss || !slices.Equal(c.History.TrainLoss, a.History.TrainLoss) {
		t.Errorf("same seed, different runs: test loss %v and %v, train losses %v and %v", a.Loss, c.Loss, a.History.TrainLoss, c.History.TrainLoss)
	}
	if _, err := Run(cfg, Options{Data: src, Model: "conv1d", Load: ckpt}); err == nil {
		t.Error("loading conv2d weights into conv1d: no error")
	}
}

func TestRunRejects(t *testing.T) {
	cfg := digitstest.QuickConfig(t, Defaults, io.Discard)
	for _, opts := range []Options{ // each fails before loading data
		{Model: "conv3d"},
		{Optimizer: "rmsprop"},
		{Save: "a", Load: "b"},
		{Shift: -1},
		{Validation: 1.5},
	} {
		if _, err := Run(cfg, opts); err == nil {
			t.Errorf("Run(%+v): no error", opts)
		}
	}
	bad := *cfg
	bad.Epochs = 0
	if _, err := Run(&bad, Options{}); err == nil {
		t.Error("Run with 0 epochs: no error")
	}
}

func TestModels(t *testing.T) {
	for _, tc := range []struct {
		m      Model
		params int
	}{
		// 3·32 kernel weights; 4064·100 + 100; 100·10 + 10.
		{Conv1DNet, 3*32 + 4064*100 + 100 + 100*10 + 10},
		// 5·5·16 + 16; 5·5·16·32 + 32; 512·100 + 100; 100·10 + 10.
		{Conv2DNet, 5*5*16 + 16 + 5*5*16*32 + 32 + 512*100 + 100 + 100*10 + 10},
	} {
		net := tc.m.Build(rand.New(rand.NewPCG(1, 1)))
		if got := countParameters(net); got != tc.params {
			t.Errorf("%s: %d parameters, want %d", tc.m.Name, got, tc.params)
		}
		x := tensor.New(append([]int{3}, tc.m.Shape...)...)
		if y := net.Forward(x); !slices.Equal(y.Shape, []int{3, 10}) {
			t.Errorf("%s: output shape %v, want [3 10]", tc.m.Name, y.Shape)
		}
	}
	for name, want := range map[string]int{"": 2, "both": 2, "conv1d": 1, "conv2d": 1} {
		if ms, err := selectModels(name); err != nil || len(ms) != want {
			t.Errorf("selectModels(%q) = %d models, %v", name, len(ms), err)
		}
	}
}

func TestCheckpointPath(t *testing.T) {
	for _, tc := range []struct {
		path    string
		several bool
		want    string
	}{
		{"out/cnn.ckpt", false, "out/cnn.ckpt"},
		{"out/cnn.ckpt", true, "out/cnn.conv2d.ckpt"},
		{"cnn", true, "cnn.conv2d"},
	} {
		if got := checkpointPath(tc.path, "conv2d", tc.several); got != tc.want {
			t.Errorf("checkpointPath(%q, %v) = %q, want %q", tc.path, tc.several, got, tc.want)
		}
	}
}

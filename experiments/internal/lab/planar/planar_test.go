package planar

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// sumTol is the relative tolerance of a mean recomputed in another order.
const sumTol = 1e-14

func TestNewProblem(t *testing.T) {
	a, err := NewProblem(data.Moons, 100, 7)
	if err != nil {
		t.Fatal(err)
	}
	// The same seed gives the same points whatever else is drawn.
	ps, err := Problems([]data.Kind{data.TwoGaussians, data.Moons}, 100, 7)
	if err != nil {
		t.Fatal(err)
	}
	b := ps[1]
	if !slices.Equal(a.X.Data, b.X.Data) || !slices.Equal(a.TestY.Data, b.TestY.Data) {
		t.Error("the moons changed when two Gaussians were drawn first")
	}
	if slices.Equal(a.X.Data, a.TestX.Data) {
		t.Error("the training and the test set are the same points")
	}
	if a.X.Rows() != 100 || a.TestX.Rows() != 100 || a.Title != "moons" {
		t.Errorf("problem %q with %d and %d points", a.Title, a.X.Rows(), a.TestX.Rows())
	}
	bin := a.Binary()
	for i, v := range bin.Y.Data {
		if want := (a.Y.Data[i] + 1) / 2; v != want {
			t.Fatalf("Binary: label %g for %g", v, a.Y.Data[i])
		}
	}
	if a.Y.Data[0] != -1 && a.Y.Data[0] != 1 {
		t.Errorf("Binary changed the original labels: %g", a.Y.Data[0])
	}
	if _, err := NewProblem(data.FourGaussians, 101, 1); err == nil {
		t.Error("101 points of four Gaussians: no error")
	}
}

func TestTitle(t *testing.T) {
	for k, want := range map[data.Kind]string{data.TwoGaussians: "two Gaussians", data.FourGaussians: "XOR", data.Spirals: "spirals"} {
		if got := Title(k); got != want {
			t.Errorf("Title(%v) = %q, want %q", k, got, want)
		}
	}
}

// Run's epoch loss is the mean of its step losses weighted by the batch
// sizes, and the steps are the course's: a Linear trained by hand gives the
// same numbers.
func TestTrainingRun(t *testing.T) {
	p, err := NewProblem(data.TwoGaussians, 50, 3)
	if err != nil {
		t.Fatal(err)
	}
	net := layers.NewLinear(2, 1, RNG(3, StreamInit, p.Kind))
	ref := layers.NewLinear(2, 1, RNG(3, StreamInit, p.Kind))
	tr := Training{Net: net, Loss: losses.NewMSE(), LR: 0.1, Epochs: 2, Batch: 16, RNG: RNG(3, StreamBatches, p.Kind)}
	var batches [][]int
	tr.OnBatch = func(epoch int, rows []int) { batches = append(batches, slices.Clone(rows)) }
	c := tr.Run(p.X, p.Y)
	if len(c.Step) != 8 || len(c.Epoch) != 2 || len(batches) != 8 {
		t.Fatalf("%d steps, %d epochs, %d batches; want 8, 2, 8", len(c.Step), len(c.Epoch), len(batches))
	}
	mse := losses.NewMSE()
	for s, rows := range batches {
		x := data.GatherRows(nil, p.X, rows)
		y := data.GatherRows(nil, p.Y, rows)
		ref.ZeroGrad()
		yhat := ref.Forward(x)
		if l := mse.Forward(y, yhat); l != c.Step[s] {
			t.Errorf("step %d: loss %v, by hand %v", s, c.Step[s], l)
		}
		ref.BackwardUpdateGradient(x, mse.Backward(y, yhat))
		ref.UpdateParameters(0.1)
	}
	if !slices.Equal(ref.Weight.Value.Data, net.Weight.Value.Data) {
		t.Errorf("weights %v, by hand %v", net.Weight.Value.Data, ref.Weight.Value.Data)
	}
	for e := range 2 {
		sum := 0.0
		for s := 4 * e; s < 4*e+4; s++ {
			sum += float64(len(batches[s])) * c.Step[s]
		}
		if want := sum / 50; math.Abs(c.Epoch[e]-want) > sumTol*want {
			t.Errorf("epoch %d: loss %v, want %v", e+1, c.Epoch[e], want)
		}
	}
}

func TestAccuracy(t *testing.T) {
	net := layers.NewLinear(2, 1, RNG(1, StreamInit, 0))
	copy(net.Weight.Value.Data, []float64{1, 0})
	net.Bias.Value.Data[0] = 0
	x := tensor.FromSlice([]float64{1, 0, -1, 0, 2, 5, -3, 1}, 4, 2)
	for _, c := range []struct {
		y     []float64
		level float64
		want  float64
	}{
		{[]float64{1, -1, 1, -1}, 0, 1},
		{[]float64{1, -1, -1, -1}, 0, 0.75},
		{[]float64{1, 0, 1, 0}, 0.5, 1},   // scores 1, −1, 2, −3: the first and third are > 0.5
		{[]float64{1, 1, 0, 0}, 0.5, 0.5}, // and so are the labels of the first two
	} {
		if got := Accuracy(net, x, tensor.FromSlice(c.y, 4, 1), c.level); got != c.want {
			t.Errorf("Accuracy(y = %v, level %g) = %g, want %g", c.y, c.level, got, c.want)
		}
	}
}

func TestCheckSVG(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, content string
		ok            bool
	}{
		{"good.svg", `<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>`, true},
		{"empty.svg", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`, false},
		{"html.svg", `<html><body/></html>`, false},
		{"broken.svg", `<svg><rect></svg>`, false},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := CheckSVG(path); (err == nil) != c.ok {
			t.Errorf("CheckSVG(%s) = %v, want ok = %v", c.name, err, c.ok)
		}
	}
	if CheckSVG(filepath.Join(dir, "missing.svg")) == nil {
		t.Error("CheckSVG of a missing file: no error")
	}
}

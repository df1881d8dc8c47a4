package autoencoder

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/digits/digitstest"
)

func TestQuickRun(t *testing.T) {
	var out bytes.Buffer
	cfg := digitstest.QuickConfig(t, Defaults, &out)
	res, err := Run(cfg, Options{Data: digits.TestSource(), Grid: true, Studies: true})
	if err != nil {
		t.Fatal(err)
	}
	// The loss falls, and the test loss is near the training loss.
	h := res.Final.History
	first, last := h.TrainLoss[0], h.TrainLoss[len(h.TrainLoss)-1]
	if !(last < 0.9*first) {
		t.Errorf("training BCE %v: does not fall by 10 %%", h.TrainLoss)
	}
	if !(res.TestLoss < first) || res.TestLoss > 2*last {
		t.Errorf("test BCE %.4f, training BCE from %.4f to %.4f", res.TestLoss, first, last)
	}
	if res.TSNE.Y.Rows() != res.Test || res.TSNE.Y.Cols() != 2 {
		t.Errorf("t-SNE map shape %v, want %d×2", res.TSNE.Y.Shape, res.Test)
	}
	if len(res.Grid) != len(quickGrid) || res.Hyper != bestWithCode(res.Grid, DefaultCode).Hyper {
		t.Errorf("grid %v, retrained %v", res.Grid, res.Hyper)
	}
	// Denoising: noise clipped to [0, 1] moves a pixel by less than σ on
	// average, and both auto-encoders do better than a grey 0.5 everywhere
	// (whose error is at least 0.25 where pixels are 0 or 1). Too short a
	// run to say which of the two wins: docs/results.md does.
	if len(res.Denoising) != 1+len(quickNoiseLevels) || res.Denoising[0].Sigma != 0 || res.Denoising[0].PlainMSE != res.TestMSE {
		t.Fatalf("noise levels %+v", res.Denoising)
	}
	for _, n := range res.Denoising[1:] {
		if !(n.InputMSE > 0 && n.InputMSE < n.Sigma*n.Sigma) || !(n.PlainMSE < 0.2) || !(n.DenoisingMSE < 0.2) {
			t.Errorf("σ = %g: input %.4f, plain %.4f, denoising %.4f", n.Sigma, n.InputMSE, n.PlainMSE, n.DenoisingMSE)
		}
	}
	if len(res.Classify) != 4 {
		t.Fatalf("%d classifiers", len(res.Classify))
	}
	for _, c := range res.Classify {
		if c.Accuracy < 0.2 {
			t.Errorf("%s from the %s: accuracy %.3f, want better than 0.2 (chance is 0.1)", c.Model, c.Input, c.Accuracy)
		}
	}
	for _, name := range []string{"reconstructions.svg", "loss.svg", "tsne.svg", "denoising.svg", "denoised.svg"} {
		digitstest.CheckSVG(t, filepath.Join(cfg.Out, name))
	}
	for _, want := range []string{"t-SNE", "Grid search", "← retrained", "Denoising", "Classification"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if md := res.Markdown(); !strings.Contains(md, "## §7") || !strings.Contains(md, "](tsne.svg)") {
		t.Errorf("Markdown:\n%s", md)
	}
}

// The grid's results do not depend on the number of workers.
func TestGridDeterministic(t *testing.T) {
	src := digits.Source{Synthetic: true}
	train, test, err := src.LoadHead(200, 50)
	if err != nil {
		t.Fatal(err)
	}
	cfg := digitstest.QuickConfig(t, Defaults, io.Discard)
	one, err := searchGrid(cfg, Options{GridEpochs: 1, Workers: 1}, train, test)
	if err != nil {
		t.Fatal(err)
	}
	two, err := searchGrid(cfg, Options{GridEpochs: 1, Workers: 2}, train, test)
	if err != nil {
		t.Fatal(err)
	}
	for i := range one {
		if one[i] != two[i] {
			t.Errorf("configuration %d: %+v with one worker, %+v with two", i, one[i], two[i])
		}
	}
}

// The grid trains on five sixths of the training set and scores on the rest.
func TestGridSplit(t *testing.T) {
	train := digits.Generate(600, 1)
	fit, val, err := gridSplit(train, 1)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Len() != 500 || val.Len() != 100 {
		t.Errorf("split of 600 images: %d to train on, %d to score, want 500 and 100", fit.Len(), val.Len())
	}
}

func TestBestWithCode(t *testing.T) {
	points := []GridPoint{
		{Hyper: Hyper{Code: 5}, ValLoss: 0.3},
		{Hyper: Hyper{Code: 10, Hidden: 1}, ValLoss: 0.25},
		{Hyper: Hyper{Code: 10, Hidden: 2}, ValLoss: 0.2},
		{Hyper: Hyper{Code: 20}, ValLoss: 0.1},
	}
	for _, tc := range []struct {
		code int
		want GridPoint
	}{{10, points[2]}, {5, points[0]}, {7, points[3]}} {
		if got := bestWithCode(points, tc.code); got != tc.want {
			t.Errorf("code %d: %+v, want %+v", tc.code, got, tc.want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"hidden", Options{Hidden: -1}, "-hidden"},
		{"grid epochs", Options{GridEpochs: -2}, "-grid-epochs"},
		{"no data", Options{Data: digits.Source{Dir: t.TempDir()}}, "-synthetic"},
	} {
		_, err := Run(digitstest.QuickConfig(t, Defaults, io.Discard), tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

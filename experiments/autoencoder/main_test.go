package main

import (
	"bytes"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/clitest"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

func number(t *testing.T, s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, " %"), 64)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return v
}

// A quick run of every part: the grid, the auto-encoder, t-SNE and the
// studies.
func TestQuickRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(append([]string{"-quick", "-grid", "-out", dir, "-markdown"}, digits.TestFlags()...), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	// The reconstruction beats a grey 0.5 everywhere (BCE ln 2 = 0.693),
	// and the test loss is near the training loss.
	trainBCE, testBCE := number(t, cli.FindRow(md, "training (last epoch, running)")[1]), number(t, cli.FindRow(md, "test")[1])
	if !(testBCE < 0.6) || testBCE > 1.2*trainBCE {
		t.Errorf("test BCE %v, training BCE %v", testBCE, trainBCE)
	}
	// The grid's two configurations, the better retrained.
	if !strings.Contains(md, "Grid search (2 configurations") || strings.Count(md, "← retrained") != 1 {
		t.Errorf("grid search:\n%s", md)
	}
	// Denoising: noise clipped to [0, 1] moves a pixel by less than σ on
	// average, and both auto-encoders do better than a grey 0.5 everywhere
	// (whose error is at least 0.25 where pixels are 0 or 1). Too short a
	// run to say which of the two wins: docs/results.md does.
	if r := cli.FindRow(md, "0.3"); len(r) != 4 || !(number(t, r[1]) > 0 && number(t, r[1]) < 0.09) || !(number(t, r[2]) < 0.2) || !(number(t, r[3]) < 0.2) {
		t.Errorf("denoising at σ = 0.3: %q", r)
	}
	// Classification: the pixels are well above chance (10 %) even so short.
	if r := cli.FindRow(md, "pixels (256-d)"); len(r) != 4 || number(t, r[3]) < 60 {
		t.Errorf("linear classifier of the pixels: %q", r)
	}
	if strings.HasPrefix(md, "#") || !strings.Contains(md, "](tsne.svg)") {
		t.Errorf("Markdown body: a heading, or no figure links:\n%s", md)
	}
	// The suggestions: the tied auto-encoder has the encoder's parameters
	// and the decoder's two biases; k-means of the pixels is well above
	// chance (purity 10 %, NMI 0) and every score is in range.
	for _, c := range []struct {
		row    string
		params int
	}{
		{"untied (the report's)", 256*100 + 100 + 100*10 + 10 + 10*100 + 100 + 100*256 + 256},
		{"tied", 256*100 + 100 + 100*10 + 10 + 100 + 256},
		{"untied, 2-d linear code", 256*100 + 100 + 100*2 + 2 + 2*100 + 100 + 100*256 + 256},
	} {
		if r := cli.FindRow(md, c.row); len(r) != 5 || r[2] != strconv.Itoa(c.params) || !(number(t, r[3]) < 0.6) {
			t.Errorf("auto-encoder %s: %q, want %d parameters and a test BCE below 0.6", c.row, r, c.params)
		}
	}
	for _, name := range []string{"pixels", "codes of the untied auto-encoder", "codes of the tied auto-encoder", "codes of the 2-d auto-encoder"} {
		r := cli.FindRow(md, name)
		if len(r) != 4 || !(number(t, r[2]) > 10 && number(t, r[2]) <= 100) || !(number(t, r[3]) >= 0 && number(t, r[3]) <= 1) {
			t.Errorf("k-means of the %s: %q", name, r)
		}
	}
	if r := cli.FindRow(md, "pixels"); len(r) == 4 && !(number(t, r[2]) > 30 && number(t, r[3]) > 0.2) {
		t.Errorf("k-means of the pixels: purity %s, NMI %s; want more than 30 %% and 0.2", r[2], r[3])
	}
	for _, name := range []string{"reconstructions.svg", "loss.svg", "tsne.svg", "denoising.svg", "denoised.svg",
		"tied-reconstructions.svg", "latent2d.svg", "latent2d-decoded.svg"} {
		clitest.CheckSVG(t, filepath.Join(dir, name))
	}
}

// The tied auto-encoder's decoder uses the encoder's weights: its output
// changes when they do, and its parameters are listed once.
func TestTiedAutoencoder(t *testing.T) {
	net, encoder := newTiedAutoencoder(20, 3, rand.New(rand.NewPCG(1, 1)))
	var names []string
	for _, p := range net.Parameters() {
		names = append(names, p.Name)
	}
	if want := []string{"0.0.weight", "0.0.bias", "0.2.weight", "0.2.bias", "1.0.bias", "1.2.bias"}; !slices.Equal(names, want) {
		t.Errorf("parameters %v, want %v", names, want)
	}
	x := tensor.New(2, 256).Fill(0.5)
	before := net.Forward(x).Clone()
	// A change of the first encoder weight changes the decoder's last
	// layer, whose weight it is, transposed: the decoder's output at pixel
	// 0 moves even with the code held fixed.
	code := encoder.Forward(x).Clone()
	decoder := net.Modules()[1]
	d0 := decoder.Forward(code).Clone()
	encoder.Modules()[0].(*layers.Linear).Weight.Value.Data[0] += 1
	if d1 := decoder.Forward(code); d1.Data[0] == d0.Data[0] || d1.Data[1] != d0.Data[1] {
		t.Errorf("decoder output at pixels 0, 1: %v, %v before, %v, %v after changing the weight from pixel 0", d0.Data[0], d0.Data[1], d1.Data[0], d1.Data[1])
	}
	if net.Forward(x).Data[0] == before.Data[0] {
		t.Error("the auto-encoder's output did not change with its encoder's weight")
	}
}

// The grid's results do not depend on the number of workers.
func TestGridDeterministic(t *testing.T) {
	var grids [2]string
	for i, workers := range []string{"1", "2"} {
		var out bytes.Buffer
		args := []string{"-quick", "-synthetic", "-grid", "-grid-epochs", "1", "-epochs", "1", "-studies=false", "-workers", workers, "-out", t.TempDir()}
		if err := run(args, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		_, grids[i], _ = strings.Cut(out.String(), "Grid search")
		grids[i], _, _ = strings.Cut(grids[i], "figure:")
		grids[i] = grids[i][strings.Index(grids[i], "|"):] // the tables, not the time
	}
	if grids[0] != grids[1] {
		t.Errorf("one worker:\n%s\ntwo:\n%s", grids[0], grids[1])
	}
}

func TestBestWithCode(t *testing.T) {
	points := []gridPoint{
		{hyper: hyper{code: 5}, valLoss: 0.3},
		{hyper: hyper{code: 10, hidden: 1}, valLoss: 0.25},
		{hyper: hyper{code: 10, hidden: 2}, valLoss: 0.2},
		{hyper: hyper{code: 20}, valLoss: 0.1},
	}
	for _, tc := range []struct {
		code int
		want gridPoint
	}{{10, points[2]}, {5, points[0]}, {7, points[3]}} {
		if got := bestWithCode(points, tc.code); got != tc.want {
			t.Errorf("code %d: %+v, want %+v", tc.code, got, tc.want)
		}
	}
}

// Bad command lines fail before any training: usage errors (exit status 2)
// for the flags, an error (1) for missing data or an output directory that
// cannot be made.
func TestBadCommandLines(t *testing.T) {
	clitest.CheckFailures(t, run, []string{"-quick"}, []clitest.Failure{
		{Args: []string{"-epochs", "0", "-synthetic"}, Usage: true},
		{Args: []string{"-code", "-1", "-synthetic"}, Usage: true},
		{Args: []string{"-grid-epochs", "-2", "-synthetic"}, Usage: true},
		{Args: []string{"-nosuchflag"}, Usage: true},
		{Args: []string{"extra"}, Usage: true},
		{Args: []string{"-data", t.TempDir()}, Usage: false},
		{Args: []string{"-synthetic", "-out", clitest.NotADirectory(t)}, Usage: false},
	})
}

package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// comparisonJSON is a compare.py --json file cut to what the figures read,
// with the MLP's epoch time and the 1024 product's rate of one thread set
// by the caller.
func comparisonJSON(mlpSec, gflops1 float64) string {
	r := strings.NewReplacer("MLP", ftoa(mlpSec), "G1", ftoa(gflops1))
	return r.Replace(`{
  "nndiy": {"default": {"mlp": {"sec_per_epoch": MLP}, "autoencoder": {"sec_per_epoch": 0.17},
    "gemm": [{"label": "square", "m": 1024, "k": 1024, "n": 1024, "threads": 1, "gflops": G1},
             {"label": "square", "m": 1024, "k": 1024, "n": 1024, "threads": 2, "gflops": 70}]}},
  "torch": {"mlp": {"sec_per_epoch": 0.1}, "autoencoder": {"sec_per_epoch": 0.16}},
  "numpy": {"mlp": {"sec_per_epoch": 0.08}},
  "openblas": [{"m": 1024, "k": 1024, "n": 1024, "threads": 1, "gflops": 50}],
  "load_before": "1.2 1.3 1.4"
}`)
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// TestComparisonFigures draws three runs: the bars are the medians, every
// run is a dot, and sides or products that were not measured have no bar.
func TestComparisonFigures(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, v := range [][2]float64{{0.09, 38}, {0.07, 40}, {0.08, 30}} {
		p := filepath.Join(dir, "run"+string(rune('1'+i))+".json")
		if err := os.WriteFile(p, []byte(comparisonJSON(v[0], v[1])), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var runs []*Comparison
	for _, p := range paths {
		c, err := ReadComparison(p)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, c)
	}
	epochs, gemm := ComparisonFigures(runs)

	var names []string
	for _, s := range epochs.Series {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "nndiy,PyTorch,NumPy" {
		t.Errorf("epoch series %s, want nndiy,PyTorch,NumPy (no SIMD build measured)", got)
	}
	nndiy := epochs.Series[0]
	if nndiy.Values[0] != 0.08 || nndiy.Values[1] != 0.17 {
		t.Errorf("nndiy's bars %v, want the medians 0.08 and 0.17", nndiy.Values)
	}
	if len(nndiy.Others[0]) != 3 || nndiy.Others[0][1] != 0.07 {
		t.Errorf("nndiy's MLP dots %v, want the three runs", nndiy.Others[0])
	}
	if v := epochs.Series[2].Values[1]; !math.IsNaN(v) {
		t.Errorf("NumPy's auto-encoder bar %v, want none (NaN)", v)
	}
	if got := gemm.Series[0].Values[:2]; got[0] != 38 || got[1] != 70 {
		t.Errorf("nndiy's 1024 bars %v, want 38 (median of 38, 40, 30) and 70", got)
	}

	written, err := WriteComparisonFigures(filepath.Join(dir, "figs"), paths)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2 || !strings.HasSuffix(written[0], "epochs.svg") || !strings.HasSuffix(written[1], "gemm.svg") {
		t.Errorf("wrote %v", written)
	}
}

func TestReadComparisonErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"bad.json":   "{not json",
		"other.json": `{"torch": {}}`,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := ReadComparison(p); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
	if _, err := ReadComparison(filepath.Join(dir, "missing.json")); err == nil {
		t.Errorf("missing file: no error")
	}
	if _, err := WriteComparisonFigures(dir, nil); err == nil {
		t.Errorf("no file: no error")
	}
}

// TestCNNFigure draws the CNNs of two runs: one bar per side measured, the
// median of the runs, and no figure for runs without the CNNs.
func TestCNNFigure(t *testing.T) {
	run := func(one, two float64) *Comparison {
		c := &Comparison{Nndiy: map[string]*Result{
			"default":        {Machine: Machine{GOMAXPROCS: 2}, Conv1D: &MLPResult{Timing: Timing{SecPerEpoch: two}}, Conv2D: &MLPResult{Timing: Timing{SecPerEpoch: 2 * two}}},
			"default 1 core": {Conv1D: &MLPResult{Timing: Timing{SecPerEpoch: one}}, Conv2D: &MLPResult{Timing: Timing{SecPerEpoch: 2 * one}}},
		}}
		c.Torch = &OtherSide{Conv1D: &SideTiming{SecPerEpoch: 1.6}, Conv2D: &SideTiming{SecPerEpoch: 2.1}}
		return c
	}
	f := CNNFigure([]*Comparison{run(1.2, 0.7), run(1.0, 0.6)})
	if f == nil {
		t.Fatal("no CNN figure")
	}
	var names []string
	for _, s := range f.Series {
		names = append(names, s.Name)
	}
	if got, want := strings.Join(names, ","), "nndiy 1 core,nndiy 2 cores,PyTorch f64"; got != want {
		t.Errorf("series %s, want %s", got, want)
	}
	if v := f.Series[0].Values; v[0] != 1.1 || v[1] != 2.2 {
		t.Errorf("1-core bars %v, want the medians [1.1 2.2]", v)
	}
	if CNNFigure([]*Comparison{{Nndiy: map[string]*Result{"default": {}}}}) != nil {
		t.Error("a CNN figure for runs without the CNNs")
	}
}

// TestWriteCNNFiguresOnly draws a run of the CNNs alone: cnn.svg, and
// neither the MLP's figure nor Gemm's, which other runs drew.
func TestWriteCNNFiguresOnly(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cnn-run.json")
	run := `{"nndiy": {"default": {"machine": {"gomaxprocs": 2}, "conv1d": {"sec_per_epoch": 0.9}, "conv2d": {"sec_per_epoch": 1.5}},
	  "default 1 core": {"conv1d": {"sec_per_epoch": 1.6}, "conv2d": {"sec_per_epoch": 2.8}}},
	  "torch": {"conv1d": {"sec_per_epoch": 1.6}, "conv2d": {"sec_per_epoch": 2.1}},
	  "torch32": {"conv1d": {"sec_per_epoch": 0.75}, "conv2d": {"sec_per_epoch": 0.72}},
	  "openblas": [], "gonum": "not measured"}`
	if err := os.WriteFile(p, []byte(run), 0o644); err != nil {
		t.Fatal(err)
	}
	written, err := WriteComparisonFigures(filepath.Join(dir, "out"), []string{p})
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 1 || filepath.Base(written[0]) != "cnn.svg" {
		t.Fatalf("wrote %v, want cnn.svg alone", written)
	}
	svg, err := os.ReadFile(written[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"nndiy 1 core", "nndiy 2 cores", "PyTorch f32", "Conv1D net", "2-D CNN"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("cnn.svg lacks %q", want)
		}
	}
}

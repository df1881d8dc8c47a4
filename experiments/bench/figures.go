package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/plot"
)

// Comparison is the part of a file written by compare.py --json that the
// figures draw: each side's seconds per epoch and GFLOPS.
type Comparison struct {
	// Nndiy holds experiments/bench's results by build: "default" and,
	// with --simd, "SIMD".
	Nndiy map[string]*Result `json:"nndiy"`
	// Torch is PyTorch in float64, Torch32 in float32 (the CNNs only).
	Torch    *OtherSide   `json:"torch"`
	Torch32  *OtherSide   `json:"torch32"`
	NumPy    *OtherSide   `json:"numpy"`
	OpenBLAS []GemmResult `json:"openblas"`
	Gonum    gonumResults `json:"gonum"`
}

// gonumResults is compare.py's "gonum": the rates measured, or a string
// saying why there are none ("skipped (--no-gonum)"), read as none.
type gonumResults []GemmResult

// UnmarshalJSON reads a list of rates, or a string as none.
func (g *gonumResults) UnmarshalJSON(b []byte) error {
	var why string
	if json.Unmarshal(b, &why) == nil {
		*g = nil
		return nil
	}
	return json.Unmarshal(b, (*[]GemmResult)(g))
}

// OtherSide is PyTorch's or NumPy's training results in a Comparison.
type OtherSide struct {
	MLP         *SideTiming `json:"mlp"`
	Autoencoder *SideTiming `json:"autoencoder"`
	Conv1D      *SideTiming `json:"conv1d"`
	Conv2D      *SideTiming `json:"conv2d"`
}

// SideTiming is a network's seconds per epoch on PyTorch's or NumPy's side.
type SideTiming struct {
	SecPerEpoch float64 `json:"sec_per_epoch"`
}

// ReadComparison reads a file written by compare.py --json.
func ReadComparison(path string) (*Comparison, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Comparison
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Nndiy["default"] == nil {
		return nil, fmt.Errorf("%s: no nndiy results: not a file of compare.py --json", path)
	}
	return &c, nil
}

// The sides of the figures, in the order of their bars.
var (
	trainingSides = []string{"nndiy", "nndiy SIMD", "PyTorch", "NumPy"}
	gemmSides     = []string{"nndiy", "nndiy SIMD", "OpenBLAS", "gonum"}
)

// cnnSides are the bars of the CNN figure: nndiy's default build on one
// core and on all, its SIMD build on all, PyTorch in float64 and float32.
var cnnSides = []string{"nndiy 1 core", "nndiy", "nndiy SIMD", "PyTorch float64", "PyTorch float32"}

// cnnSeconds returns side's seconds per epoch of the Conv1D net and the 2-D
// CNN in c, NaN where it was not measured.
func cnnSeconds(c *Comparison, side string) [2]float64 {
	out := [2]float64{math.NaN(), math.NaN()}
	var r *Result
	switch side {
	case "nndiy 1 core":
		r = c.Nndiy["default 1 core"]
	case "nndiy", "nndiy SIMD":
		r = nndiyBuild(c, side)
	}
	if r != nil {
		if r.Conv1D != nil {
			out[0] = r.Conv1D.SecPerEpoch
		}
		if r.Conv2D != nil {
			out[1] = r.Conv2D.SecPerEpoch
		}
		return out
	}
	o := map[string]*OtherSide{"PyTorch float64": c.Torch, "PyTorch float32": c.Torch32}[side]
	if o != nil && o.Conv1D != nil {
		out[0] = o.Conv1D.SecPerEpoch
	}
	if o != nil && o.Conv2D != nil {
		out[1] = o.Conv2D.SecPerEpoch
	}
	return out
}

// CNNFigure draws the CNNs' seconds per epoch of runs of compare.py, the
// median of the runs as bars and each run as a dot; nil when no run
// measured them.
func CNNFigure(runs []*Comparison) *plot.BarChart {
	found := false
	for _, c := range runs {
		if r := c.Nndiy["default"]; r != nil && r.Conv1D != nil {
			found = true
		}
	}
	if !found {
		return nil
	}
	f := plot.NewBarChart("Training the CNNs on USPS, batch 32 (nndiy in float64)",
		"seconds per epoch, "+ofRuns(len(runs))+" (shorter is faster)", "Conv1D net", "2-D CNN")
	f.Format, f.OthersLabel = "%.2f s", "each run"
	for _, side := range cnnSides {
		per := make([][]float64, 2)
		for _, c := range runs {
			v := cnnSeconds(c, side)
			for i := range per {
				per[i] = append(per[i], v[i])
			}
		}
		// Short names, so that the five fit in the legend's line.
		cores := runs[0].Nndiy["default"].Machine.GOMAXPROCS
		name := map[string]string{
			"nndiy":           fmt.Sprintf("nndiy %d cores", cores),
			"nndiy SIMD":      fmt.Sprintf("SIMD %d cores", cores),
			"PyTorch float64": "PyTorch f64",
			"PyTorch float32": "PyTorch f32",
		}[side]
		if name == "" {
			name = side
		}
		addMedianBars(f, name, per)
	}
	return f
}

// gemmFigureProducts are the products of the Gemm figure: 1024 on one and
// two threads, and the MLP's three.
var gemmFigureProducts = []Product{
	{Label: "1024×1024·1024×1024, 1 thread", M: 1024, K: 1024, N: 1024, Threads: 1},
	{Label: "1024×1024·1024×1024, 2 threads", M: 1024, K: 1024, N: 1024, Threads: 2},
	{Label: "MLP X·W 32×256·256×128", M: 32, K: 256, N: 128, Threads: 2},
	{Label: "MLP Xᵀ·δ 256×32ᵀ·32×128", M: 256, K: 32, N: 128, TransA: true, Threads: 2},
	{Label: "MLP δ·Wᵀ 32×128·128×256ᵀ", M: 32, K: 128, N: 256, TransB: true, Threads: 2},
}

// nndiyBuild returns the results of the nndiy side ("nndiy" is the default
// build, "nndiy SIMD" the SIMD one) in c, or nil.
func nndiyBuild(c *Comparison, side string) *Result {
	switch side {
	case "nndiy":
		return c.Nndiy["default"]
	case "nndiy SIMD":
		return c.Nndiy["SIMD"]
	}
	return nil
}

// trainingSeconds returns side's seconds per epoch of the MLP and the
// auto-encoder in c, NaN where it was not measured.
func trainingSeconds(c *Comparison, side string) [2]float64 {
	out := [2]float64{math.NaN(), math.NaN()}
	if r := nndiyBuild(c, side); r != nil {
		if r.MLP != nil {
			out[0] = r.MLP.SecPerEpoch
		}
		if r.Autoencoder != nil {
			out[1] = r.Autoencoder.SecPerEpoch
		}
		return out
	}
	o := map[string]*OtherSide{"PyTorch": c.Torch, "NumPy": c.NumPy}[side]
	if o != nil && o.MLP != nil {
		out[0] = o.MLP.SecPerEpoch
	}
	if o != nil && o.Autoencoder != nil {
		out[1] = o.Autoencoder.SecPerEpoch
	}
	return out
}

// gemmRates returns side's GFLOPS on each of gemmFigureProducts in c, NaN
// where it was not measured.
func gemmRates(c *Comparison, side string) []float64 {
	rs := map[string][]GemmResult{"OpenBLAS": c.OpenBLAS, "gonum": []GemmResult(c.Gonum)}[side]
	if r := nndiyBuild(c, side); r != nil {
		rs = r.Gemm
	}
	out := make([]float64, len(gemmFigureProducts))
	for i, p := range gemmFigureProducts {
		out[i] = math.NaN()
		for _, r := range rs {
			if r.M == p.M && r.K == p.K && r.N == p.N && r.TransA == p.TransA && r.TransB == p.TransB && r.Threads == p.Threads {
				out[i] = r.GFLOPS
			}
		}
	}
	return out
}

// ComparisonFigures draws runs of compare.py as two bar charts: seconds per
// epoch of the two networks, and Gemm GFLOPS. Each bar is the median of
// the runs and each run is a dot on it.
func ComparisonFigures(runs []*Comparison) (epochs, gemm *plot.BarChart) {
	n := len(runs)
	epochs = plot.NewBarChart("Training on USPS, batch 32, one thread",
		"seconds per epoch, "+ofRuns(n)+" (shorter is faster)", "MLP", "auto-encoder")
	epochs.Format, epochs.OthersLabel = "%.3f s", "each run"
	for _, side := range trainingSides {
		per := make([][]float64, 2)
		for _, c := range runs {
			v := trainingSeconds(c, side)
			for i := range per {
				per[i] = append(per[i], v[i])
			}
		}
		addMedianBars(epochs, side, per)
	}

	var labels []string
	for _, p := range gemmFigureProducts {
		labels = append(labels, p.Label)
	}
	gemm = plot.NewBarChart("Matrix products in float64",
		"GFLOPS, "+ofRuns(n)+" (longer is faster)", labels...)
	gemm.Format, gemm.OthersLabel = "%.1f", "each run"
	for _, side := range gemmSides {
		per := make([][]float64, len(gemmFigureProducts))
		for _, c := range runs {
			for i, v := range gemmRates(c, side) {
				per[i] = append(per[i], v)
			}
		}
		addMedianBars(gemm, side, per)
	}
	return epochs, gemm
}

// addMedianBars adds a series to b whose bars are the medians of per[i]
// (its finite values) and whose dots are all of them; a side measured in no
// run is left out.
func addMedianBars(b *plot.BarChart, name string, per [][]float64) {
	medians := make([]float64, len(per))
	found := false
	for i, vs := range per {
		var finite []float64
		for _, v := range vs {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				finite = append(finite, v)
			}
		}
		medians[i] = math.NaN()
		if len(finite) > 0 {
			slices.Sort(finite)
			m := len(finite) / 2
			medians[i] = finite[m]
			if len(finite)%2 == 0 {
				medians[i] = (finite[m-1] + finite[m]) / 2
			}
			found = true
		}
	}
	if !found {
		return
	}
	s := b.Add(name, medians)
	if len(per) > 0 && len(per[0]) > 1 { // one run's dot would sit on its bar
		s.AddOthers(per)
	}
}

// ofRuns says what a bar stands for: "one run" or "median of n runs".
func ofRuns(n int) string {
	if n == 1 {
		return "one run"
	}
	return fmt.Sprintf("median of %d runs", n)
}

// WriteComparisonFigures reads the compare.py --json files and writes into
// dir epochs.svg when they hold the MLP's training, gemm.svg when they hold
// Gemm's rates, and cnn.svg when they hold the CNNs.
func WriteComparisonFigures(dir string, paths []string) ([]string, error) {
	var runs []*Comparison
	for _, p := range paths {
		c, err := ReadComparison(p)
		if err != nil {
			return nil, err
		}
		runs = append(runs, c)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no compare.py --json file to draw")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Each figure is drawn only when some run measured what it shows, so
	// that runs of the CNNs alone (compare.py --nets cnn --no-gemm) leave
	// the MLP's and Gemm's figures of other runs alone.
	var mlp, products bool
	for _, c := range runs {
		if r := c.Nndiy["default"]; r.MLP != nil {
			mlp = true
		}
		if r := c.Nndiy["default"]; len(r.Gemm) > 0 {
			products = true
		}
	}
	epochs, gemm := ComparisonFigures(runs)
	figures := map[string]*plot.BarChart{}
	if mlp {
		figures["epochs.svg"] = epochs
	}
	if products {
		figures["gemm.svg"] = gemm
	}
	if f := CNNFigure(runs); f != nil {
		figures["cnn.svg"] = f
	}
	if len(figures) == 0 {
		return nil, fmt.Errorf("nothing to draw in %s", strings.Join(paths, ", "))
	}
	var written []string
	for name, f := range figures {
		path := filepath.Join(dir, name)
		if err := f.SaveSVG(path); err != nil {
			return nil, err
		}
		written = append(written, path)
	}
	slices.Sort(written)
	return written, nil
}

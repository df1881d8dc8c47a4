package main

// The comparison with PyTorch, which is not course material: the files
// pytorch_reference.py reads and writes, the fingerprint that says whether
// a reference belongs to a run, and the measures of the gap between two
// curves.
//
// PyTorch replays the computation of this command: with -export it writes,
// per data set, the training points, the network's layers with their
// initial weights and the order in which each epoch visited the points, as
// JSON. pytorch_reference.py reads them, trains torch.nn.Sequential of the
// same layers in float64 with torch.optim.SGD on the same batches, and
// writes its per-epoch losses to pytorch_losses.csv, committed beside it and
// embedded in this command. The CSV records the settings it was made with
// and a fingerprint of each data set and initial weights: a run with other
// settings has no reference to compare with, and says so instead of
// reporting a meaningless gap.

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// pytorchLosses is PyTorch's training losses on the same data, weights and
// batches as this command's full run, written by pytorch_reference.py.
//
//go:embed pytorch_losses.csv
var pytorchLosses []byte

// settings are what a reference must have been trained with.
type settings struct {
	Seed   uint64
	LR     float64
	Batch  int
	Epochs int
	Loss   string
}

// An export is what pytorch_reference.py needs to replay the training of
// one data set: the JSON document written with -export.
type export struct {
	Dataset     string  `json:"dataset"`
	Fingerprint string  `json:"fingerprint"`
	Seed        uint64  `json:"seed"`
	LR          float64 `json:"lr"`
	Batch       int     `json:"batch"`
	Epochs      int     `json:"epochs"`
	Loss        string  `json:"loss"`
	// X holds the n training points, row-major (x₁, x₂ of point i at
	// 2i, 2i+1), and Y their labels 0/1.
	X []float64 `json:"x"`
	Y []float64 `json:"y"`
	// Layers are the network's modules in order, with the initial weights.
	Layers []exportLayer `json:"layers"`
	// Orders[e] is the order in which epoch e+1 visited the points; its
	// batches are consecutive runs of Batch rows of it, the last one
	// shorter when Batch does not divide n.
	Orders [][]int `json:"orders"`
}

// An exportLayer is one module of the network: "linear" with its in×out
// weight W (row-major, the transpose of torch's weight) and its bias, or
// "tanh" or "sigmoid".
type exportLayer struct {
	Type   string    `json:"type"`
	In     int       `json:"in,omitempty"`
	Out    int       `json:"out,omitempty"`
	Weight []float64 `json:"weight,omitempty"`
	Bias   []float64 `json:"bias,omitempty"`
}

// newExport returns the export of the training of net, with its initial
// weights, on the points x with labels y of the named data set.
func newExport(dataset, fingerprint string, x, y *tensor.Tensor, net *layers.Sequential, s settings) (*export, error) {
	e := &export{
		Dataset: dataset, Fingerprint: fingerprint,
		Seed: s.Seed, LR: s.LR, Batch: s.Batch, Epochs: s.Epochs, Loss: s.Loss,
		X: append([]float64(nil), x.Data...), Y: append([]float64(nil), y.Data...),
	}
	for _, m := range net.Modules() {
		switch m := m.(type) {
		case *layers.Linear:
			if m.Bias == nil {
				return nil, fmt.Errorf("export: a Linear without bias")
			}
			e.Layers = append(e.Layers, exportLayer{
				Type: "linear", In: m.In(), Out: m.Out(),
				Weight: append([]float64(nil), m.Weight.Value.Data...),
				Bias:   append([]float64(nil), m.Bias.Value.Data...),
			})
		case *layers.Tanh:
			e.Layers = append(e.Layers, exportLayer{Type: "tanh"})
		case *layers.Sigmoid:
			e.Layers = append(e.Layers, exportLayer{Type: "sigmoid"})
		default:
			return nil, fmt.Errorf("export: no PyTorch counterpart for module %T", m)
		}
	}
	return e, nil
}

// write saves e as dir/DATASET.json. Go writes each float64 in the
// shortest form that reads back to the same bits, and Python's json module
// reads it back exactly.
func (e *export) write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, e.Dataset+".json")
	return path, os.WriteFile(path, b, 0o644)
}

// addBatch records the rows of a batch of the given epoch: the batches of
// an epoch are consecutive runs of its order.
func (e *export) addBatch(epoch int, rows []int) {
	if len(e.Orders) < epoch {
		e.Orders = append(e.Orders, make([]int, 0, len(e.Y)))
	}
	e.Orders[epoch-1] = append(e.Orders[epoch-1], rows...)
}

// fingerprint identifies the training set and the initial weights of a
// run: the first 16 hex digits of the SHA-256 of the bits of the points,
// the labels and every parameter in order (little-endian float64s). Two
// runs with the same fingerprint, learning rate, batch size and seed
// compute the same thing.
func fingerprint(x, y *tensor.Tensor, net layers.Module) string {
	h := sha256.New()
	var b [8]byte
	put := func(v []float64) {
		for _, x := range v {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
			h.Write(b[:])
		}
	}
	put(x.Data)
	put(y.Data)
	for _, prm := range net.Parameters() {
		put(prm.Value.Data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// A reference is the file pytorch_reference.py writes: PyTorch's per-epoch
// training losses for some data sets, each with the settings it was trained
// with. The format is CSV with comment lines:
//
//	# torch 1.13.1, float64
//	# dataset two-gaussians: fingerprint=0123456789abcdef seed=1 lr=0.2 batch=32 loss=bce epochs=500
//	dataset,epoch,loss
//	two-gaussians,1,0.40816326530612246
//
// A "# dataset" line comes before the rows of its data set; the losses are
// written with 17 significant digits, so they read back exactly. Other
// comment lines are kept in Comments.
type reference struct {
	Comments []string
	Runs     map[string]*referenceRun
}

// A referenceRun is PyTorch's training of one data set.
type referenceRun struct {
	Dataset     string
	Fingerprint string
	Seed        uint64
	LR          float64
	Batch       int
	Loss        string
	// Losses[e] is the mean training loss of epoch e+1.
	Losses []float64
}

// parseReference reads a Reference. It returns an error naming the line
// for anything it does not understand: a reference that does not parse is
// better fixed than half used.
func parseReference(r io.Reader) (*reference, error) {
	ref := &reference{Runs: map[string]*referenceRun{}}
	sc := bufio.NewScanner(r)
	header := false
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		fail := func(format string, args ...any) error {
			return fmt.Errorf("PyTorch reference, line %d: %s", line, fmt.Sprintf(format, args...))
		}
		switch {
		case text == "":
		case strings.HasPrefix(text, "# dataset "):
			run, err := parseRunLine(strings.TrimPrefix(text, "# dataset "))
			if err != nil {
				return nil, fail("%v", err)
			}
			if ref.Runs[run.Dataset] != nil {
				return nil, fail("data set %q described twice", run.Dataset)
			}
			ref.Runs[run.Dataset] = run
		case strings.HasPrefix(text, "#"):
			ref.Comments = append(ref.Comments, strings.TrimSpace(strings.TrimPrefix(text, "#")))
		case !header:
			if text != "dataset,epoch,loss" {
				return nil, fail("header %q, want dataset,epoch,loss", text)
			}
			header = true
		default:
			f := strings.Split(text, ",")
			if len(f) != 3 {
				return nil, fail("%d fields, want 3", len(f))
			}
			run := ref.Runs[f[0]]
			if run == nil {
				return nil, fail("losses of data set %q before its # dataset line", f[0])
			}
			epoch, err := strconv.Atoi(f[1])
			if err != nil || epoch != len(run.Losses)+1 {
				return nil, fail("epoch %q of %s, want %d", f[1], f[0], len(run.Losses)+1)
			}
			loss, err := strconv.ParseFloat(f[2], 64)
			if err != nil || math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fail("loss %q is not a finite number", f[2])
			}
			run.Losses = append(run.Losses, loss)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("PyTorch reference: %w", err)
	}
	return ref, nil
}

// parseRunLine reads "NAME: key=value …" of a # dataset line.
func parseRunLine(s string) (*referenceRun, error) {
	name, rest, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " ,") {
		return nil, fmt.Errorf("want \"# dataset NAME: key=value …\", have %q", s)
	}
	run := &referenceRun{Dataset: name}
	seen := map[string]bool{}
	for _, kv := range strings.Fields(rest) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return nil, fmt.Errorf("bad or repeated setting %q", kv)
		}
		seen[k] = true
		var err error
		switch k {
		case "fingerprint":
			run.Fingerprint = v
		case "seed":
			run.Seed, err = strconv.ParseUint(v, 10, 64)
		case "lr":
			run.LR, err = strconv.ParseFloat(v, 64)
		case "batch":
			run.Batch, err = strconv.Atoi(v)
		case "loss":
			run.Loss = v
		case "epochs":
			// The number of rows says it; kept for readers.
		default:
			return nil, fmt.Errorf("unknown setting %q", k)
		}
		if err != nil {
			return nil, fmt.Errorf("setting %q: %v", kv, err)
		}
	}
	for _, k := range []string{"fingerprint", "seed", "lr", "batch", "loss"} {
		if !seen[k] {
			return nil, fmt.Errorf("data set %s: no %s", name, k)
		}
	}
	return run, nil
}

// mismatch returns why run is not a reference for a training with the
// given fingerprint and settings, or "" if it is.
func (run *referenceRun) mismatch(fingerprint string, s settings) string {
	switch {
	case run.Fingerprint != fingerprint:
		return "other data or initial weights (fingerprint " + run.Fingerprint + ", this run " + fingerprint + ")"
	case run.Seed != s.Seed:
		return fmt.Sprintf("seed %d, this run %d", run.Seed, s.Seed)
	case run.LR != s.LR:
		return fmt.Sprintf("learning rate %g, this run %g", run.LR, s.LR)
	case run.Batch != s.Batch:
		return fmt.Sprintf("batch size %d, this run %d", run.Batch, s.Batch)
	case run.Loss != s.Loss:
		return fmt.Sprintf("loss %s, this run %s", run.Loss, s.Loss)
	case len(run.Losses) < s.Epochs:
		return fmt.Sprintf("%d epochs recorded, this run trains %d", len(run.Losses), s.Epochs)
	}
	return ""
}

// A comparison is the training loss of nndiy and PyTorch on one data set,
// and of nndiy's twin: the same training with every initial weight and
// bias moved by one unit in the last place (to the next float64 up). The
// twin shows how far rounding alone carries a trajectory: where
// training is unstable, a change of 10⁻¹⁶ grows until the curves part, and
// PyTorch, which rounds differently, cannot be expected to stay closer.
type comparison struct {
	// PyTorch holds PyTorch's loss of each epoch; nil when the reference
	// has none for this run, and Missing says why.
	PyTorch []float64
	Missing string
	// Twin holds the twin's loss of each epoch, computed only when
	// PyTorch's is there.
	Twin []float64
	// Gap is the largest |nndiy − PyTorch| over the epochs and RelGap the
	// largest |nndiy − PyTorch| / |PyTorch|; TwinGap and TwinRelGap the
	// same for the twin.
	Gap, RelGap, TwinGap, TwinRelGap float64
	// Agree is the number of epochs from the first for which PyTorch's
	// loss is within a relative agreeTol of nndiy's; TwinAgree the same for
	// the twin.
	Agree, TwinAgree int
}

// agreeTol is the relative difference of two losses that still counts as
// the same computation rounded differently.
const agreeTol = 1e-12

// gaps returns the largest absolute and relative difference of the curves
// a and b, and the number of leading epochs where they agree.
func gaps(a, b []float64) (gap, rel float64, agree int) {
	agree = -1
	for e := range a {
		d := math.Abs(a[e] - b[e])
		gap, rel = math.Max(gap, d), math.Max(rel, d/math.Abs(b[e]))
		if agree < 0 && !(d <= agreeTol*math.Abs(b[e])) {
			agree = e
		}
	}
	if agree < 0 {
		agree = len(a)
	}
	return gap, rel, agree
}

// gapFloor is the least gap drawn on the log axis of the gap figure:
// smaller gaps, 0 included, are drawn there.
const gapFloor = 1e-17

// runningMax returns the largest value of v up to each index, at least
// gapFloor.
func runningMax(v []float64) []float64 {
	out := make([]float64, len(v))
	m := gapFloor
	for i, x := range v {
		m = math.Max(m, x)
		out[i] = m
	}
	return out
}

// relDiff returns |a − b| / |b| per epoch.
func relDiff(a, b []float64) []float64 {
	d := make([]float64, len(a))
	for e := range a {
		d[e] = math.Abs(a[e]-b[e]) / math.Abs(b[e])
	}
	return d
}

// nextUp moves every parameter of net to the next float64 up: the twin's
// initial weights.
func nextUp(net layers.Module) {
	for _, prm := range net.Parameters() {
		for i, v := range prm.Value.Data {
			prm.Value.Data[i] = math.Nextafter(v, math.Inf(1))
		}
	}
}

const noReference = "no PyTorch reference given"

// compare finds the reference of the training of curve on the named data
// set and measures the gap.
func compare(curve []float64, name string, ref *reference, fingerprint string, s settings) comparison {
	if ref == nil {
		return comparison{Missing: noReference, Gap: math.NaN(), RelGap: math.NaN()}
	}
	run := ref.Runs[name]
	if run == nil {
		return comparison{Missing: "the reference has no " + name, Gap: math.NaN(), RelGap: math.NaN()}
	}
	if why := run.mismatch(fingerprint, s); why != "" {
		return comparison{Missing: "the reference was trained differently: " + why, Gap: math.NaN(), RelGap: math.NaN()}
	}
	c := comparison{PyTorch: run.Losses[:len(curve)]}
	c.Gap, c.RelGap, c.Agree = gaps(curve, c.PyTorch)
	return c
}

// lossFigure returns nndiy's training loss on each data set, titles[i]'s
// in curves[i], with PyTorch's dashed where compared.
func lossFigure(titles []string, curves [][]float64, cs []comparison, compared bool) *plot.Grid {
	var panels []plot.Figure
	for i, curve := range curves {
		c := plot.NewLineChart(titles[i], "epoch", "mean training loss")
		c.LogY = true
		c.Width, c.Height = 320, 260
		c.AddY("nndiy", curve)
		if py := cs[i].PyTorch; py != nil {
			c.AddY("PyTorch", py).Dashed = true
		}
		if i > 0 {
			c.Legend = plot.LegendHidden
		}
		panels = append(panels, c)
	}
	title := "Training loss of the §5.1 network"
	if compared {
		title += ": nndiy, and PyTorch on the same batches"
	}
	return plot.NewGrid(title, 3, panels...)
}

// gapFigure returns the gaps of nndiy's training loss to PyTorch's and to
// the twin's, a panel per data set compared; curves[i] is nndiy's loss on
// the data set titles[i].
func gapFigure(titles []string, curves [][]float64, cs []comparison) *plot.Grid {
	var panels []plot.Figure
	for i, c := range cs {
		if c.PyTorch == nil {
			continue
		}
		g := plot.NewLineChart(titles[i], "epoch", "largest relative gap so far")
		g.LogY = true
		g.Width, g.Height = 320, 280
		g.AddY("PyTorch", runningMax(relDiff(curves[i], c.PyTorch)))
		g.AddY("nndiy, weights + 1 ulp", runningMax(relDiff(curves[i], c.Twin))).Dashed = true
		g.Legend = plot.LegendBelow
		panels = append(panels, g)
	}
	return plot.NewGrid("Gap of nndiy's training loss to PyTorch's, and to its own from initial weights moved by 1 ulp", 3, panels...)
}

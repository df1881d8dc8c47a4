package sequential

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
)

// Sizes of the runs, in full and with -quick.
const (
	pointsN         = 1000 // points of each training and test set
	pointsNQuick    = 200
	quickEpochs     = 30 // the most epochs a -quick run trains
	quickResolution = 40 // grid points per side of a -quick decision boundary
)

// Kinds are the data sets of §5.1: the course's three, then circles, moons
// and spirals.
var Kinds = append(append([]data.Kind(nil), planar.CourseKinds...), planar.OtherKinds...)

// Architecture describes the network of §5.1.
const Architecture = "Linear(2, 5) → TanH → Linear(5, 10) → TanH → Linear(10, 20) → TanH → Linear(20, 1) → Sigmoid"

// NewNet returns the network of §5.1, with PyTorch's initialisation drawn
// from rng layer by layer.
func NewNet(rng *rand.Rand) *layers.Sequential {
	return layers.NewSequential(
		layers.NewLinear(2, 5, rng), layers.NewTanh(),
		layers.NewLinear(5, 10, rng), layers.NewTanh(),
		layers.NewLinear(10, 20, rng), layers.NewTanh(),
		layers.NewLinear(20, 1, rng), layers.NewSigmoid(),
	)
}

// Options are the settings of Run beyond the common flags.
type Options struct {
	// Loss is "bce" (the binary cross-entropy) or "mse".
	Loss string
	// Export, when not empty, is a directory where Run writes one JSON
	// file per data set for pytorch_reference.py.
	Export string
	// Reference is the content of the CSV file pytorch_reference.py
	// wrote; nil for none.
	Reference []byte
}

// DefaultOptions returns the BCE, no export and no reference.
func DefaultOptions() Options { return Options{Loss: "bce"} }

// settings are what a reference must have been trained with.
type settings struct {
	Seed   uint64
	LR     float64
	Batch  int
	Epochs int
	Loss   string
}

// Defaults are the settings of the command's full run, those of
// docs/results.md.
var Defaults = cli.Config{Epochs: 500, LR: 0.2, Batch: 32, Seed: 1}

// Result holds what Run measured and the files it wrote.
type Result struct {
	Models []*planar.Model
	// Comparisons[i] compares Models[i] with PyTorch.
	Comparisons []Comparison
	// Figures are the paths of the SVG files written, Exports those of
	// the JSON files for PyTorch.
	Figures, Exports []string
	figures          planar.Figures
}

// A Comparison is the training loss of nndiy and PyTorch on one data set,
// and of nndiy's twin: the same training with every initial weight and
// bias moved by one unit in the last place (to the next float64 up). The
// twin shows how far rounding alone carries a trajectory: where
// training is unstable, a change of 10⁻¹⁶ grows until the curves part, and
// PyTorch, which rounds differently, cannot be expected to stay closer.
type Comparison struct {
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

// Run trains the network of §5.1 on each data set of Kinds with cfg's
// epochs, learning rate, batch size and seed, writes the figures into
// cfg.Out, prints a progress line per data set on cfg.Stderr and the table
// on cfg.Stdout. With cfg.Quick it trains on fewer points for at most
// quickEpochs epochs, and ignores opts.Reference, made on other data.
func Run(cfg *cli.Config, opts Options) (*Result, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	var loss losses.Loss
	switch opts.Loss {
	case "bce":
		loss = losses.NewBCE()
	case "mse":
		loss = losses.NewMSE()
	default:
		return nil, fmt.Errorf("-loss must be bce or mse, have %q", opts.Loss)
	}
	var ref *Reference
	if opts.Reference != nil && !cfg.Quick { // a -quick run trains on other data
		var err error
		if ref, err = ParseReference(bytes.NewReader(opts.Reference)); err != nil {
			return nil, err
		}
	}
	n, epochs, resolution := pointsN, cfg.Epochs, 0
	if cfg.Quick {
		n, epochs, resolution = pointsNQuick, min(epochs, quickEpochs), quickResolution
	}
	s := settings{Seed: cfg.Seed, LR: cfg.LR, Batch: cfg.Batch, Epochs: epochs, Loss: opts.Loss}
	problems, err := planar.Problems(Kinds, n, cfg.Seed)
	if err != nil {
		return nil, err
	}
	for i, p := range problems {
		problems[i] = p.Binary()
	}

	r := &Result{figures: planar.Figures{Config: cfg}}
	rec := &recorder{settings: s, export: opts.Export != ""}
	t := planar.Trainer{
		Build: func(rng *rand.Rand) layers.Module { return NewNet(rng) },
		Loss:  loss, Level: 0.5,
		LR: cfg.LR, Epochs: epochs, Batch: cfg.Batch, Seed: cfg.Seed,
		Progress: cfg.Stderr,
		OnStart:  rec.start,
	}
	if rec.export {
		t.OnBatch = rec.batch
	}
	twin := t
	twin.OnStart, twin.OnBatch, twin.Progress = func(_ *planar.Problem, net layers.Module) { nextUp(net) }, nil, nil

	for _, p := range problems {
		m := t.Fit(p)
		r.Models = append(r.Models, m)
		c := compare(m, ref, rec.fingerprint, s)
		if c.PyTorch != nil {
			c.Twin = twin.Fit(p).Curve.Epoch
			c.TwinGap, c.TwinRelGap, c.TwinAgree = gaps(m.Curve.Epoch, c.Twin)
		}
		r.Comparisons = append(r.Comparisons, c)
		if rec.export {
			if rec.err != nil {
				return nil, rec.err
			}
			path, err := rec.ex.write(opts.Export)
			if err != nil {
				return nil, err
			}
			r.Exports = append(r.Exports, path)
		}
	}

	if err := r.saveFigures(resolution); err != nil {
		return nil, err
	}
	r.Figures = r.figures.Paths
	r.print(cfg.Stdout)
	return r, nil
}

// A recorder keeps what the comparison with PyTorch needs of the training
// under way: the fingerprint of its data and initial weights and, when
// exporting, the export with the order of every epoch.
type recorder struct {
	settings    settings
	export      bool
	fingerprint string
	ex          *export
	err         error
}

// start is the Trainer's OnStart: net holds the initial weights.
func (rec *recorder) start(p *planar.Problem, net layers.Module) {
	rec.fingerprint = Fingerprint(p, net)
	if rec.export {
		rec.ex, rec.err = newExport(p, net.(*layers.Sequential), rec.settings)
	}
}

// batch is the Trainer's OnBatch: the batches of an epoch are consecutive
// runs of its order.
func (rec *recorder) batch(p *planar.Problem, epoch int, rows []int) {
	if rec.ex == nil {
		return
	}
	if len(rec.ex.Orders) < epoch {
		rec.ex.Orders = append(rec.ex.Orders, make([]int, 0, p.X.Rows()))
	}
	rec.ex.Orders[epoch-1] = append(rec.ex.Orders[epoch-1], rows...)
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

// compare finds the reference of m's training and measures the gap.
func compare(m *planar.Model, ref *Reference, fingerprint string, s settings) Comparison {
	name := m.Problem.Kind.String()
	if ref == nil {
		return Comparison{Missing: noReference, Gap: math.NaN(), RelGap: math.NaN()}
	}
	run := ref.Runs[name]
	if run == nil {
		return Comparison{Missing: "the reference has no " + name, Gap: math.NaN(), RelGap: math.NaN()}
	}
	if why := run.mismatch(fingerprint, s); why != "" {
		return Comparison{Missing: "the reference was trained differently: " + why, Gap: math.NaN(), RelGap: math.NaN()}
	}
	c := Comparison{PyTorch: run.Losses[:len(m.Curve.Epoch)]}
	c.Gap, c.RelGap, c.Agree = gaps(m.Curve.Epoch, c.PyTorch)
	return c
}

// compared reports whether any data set has a PyTorch curve.
func (r *Result) compared() bool {
	for _, c := range r.Comparisons {
		if c.PyTorch != nil {
			return true
		}
	}
	return false
}

func (r *Result) saveFigures(resolution int) error {
	var panels []plot.Figure
	for i, m := range r.Models {
		c := plot.NewLineChart(m.Problem.Title, "epoch", "mean training loss")
		c.LogY = true
		c.Width, c.Height = 320, 260
		c.AddY("nndiy", m.Curve.Epoch)
		if py := r.Comparisons[i].PyTorch; py != nil {
			c.AddY("PyTorch", py).Dashed = true
		}
		if i > 0 {
			c.Legend = plot.LegendHidden
		}
		panels = append(panels, c)
	}
	title := "Training loss of the §5.1 network"
	if r.compared() {
		title += ": nndiy, and PyTorch on the same batches"
	}
	if err := r.figures.Save("loss.svg", plot.NewGrid(title, 3, panels...)); err != nil {
		return err
	}

	if r.compared() {
		panels = panels[:0]
		for i, m := range r.Models {
			c := r.Comparisons[i]
			if c.PyTorch == nil {
				continue
			}
			g := plot.NewLineChart(m.Problem.Title, "epoch", "largest relative gap so far")
			g.LogY = true
			g.Width, g.Height = 320, 280
			g.AddY("PyTorch", runningMax(relDiff(m.Curve.Epoch, c.PyTorch)))
			g.AddY("nndiy, weights + 1 ulp", runningMax(relDiff(m.Curve.Epoch, c.Twin))).Dashed = true
			g.Legend = plot.LegendBelow
			panels = append(panels, g)
		}
		grid := plot.NewGrid("Gap of nndiy's training loss to PyTorch's, and to its own from initial weights moved by 1 ulp", 3, panels...)
		if err := r.figures.Save("pytorch_gap.svg", grid); err != nil {
			return err
		}
	}

	grid := planar.Boundaries("Decision boundaries of the §5.1 network on the test points", 3, r.Models, 0.5, resolution)
	return r.figures.Save("boundaries.svg", grid)
}

// Table returns the summary table: accuracies and the gap to PyTorch.
func (r *Result) Table() *cli.Table {
	t := &cli.Table{Header: []string{"data set", "final training loss", "training accuracy", "test accuracy"}}
	if r.compared() {
		t.Header = append(t.Header, "largest relative gap to PyTorch", "epochs within 1e-12", "same for the 1-ulp twin")
	}
	for i, m := range r.Models {
		row := []any{m.Problem.Title, m.FinalLoss(), planar.Percent(m.TrainAccuracy), planar.Percent(m.TestAccuracy)}
		if c := r.Comparisons[i]; r.compared() {
			if c.PyTorch == nil {
				row = append(row, "—", "—", "—")
			} else {
				row = append(row, fmt.Sprintf("%.1e", c.RelGap), fmt.Sprintf("%d/%d", c.Agree, len(c.PyTorch)), fmt.Sprintf("%d/%d", c.TwinAgree, len(c.Twin)))
			}
		}
		t.Add(row...)
	}
	return t
}

func (r *Result) print(w io.Writer) {
	fmt.Fprintln(w, Architecture+":")
	r.Table().Write(w)
	for i, c := range r.Comparisons {
		if c.PyTorch == nil && c.Missing != noReference {
			fmt.Fprintf(w, "%s: not compared with PyTorch: %s\n", r.Models[i].Problem.Title, c.Missing)
		}
	}
	fmt.Fprintln(w, "\nFigures:")
	for _, f := range r.Figures {
		fmt.Fprintln(w, " ", f)
	}
	if len(r.Exports) > 0 {
		fmt.Fprintln(w, "\nExported for pytorch_reference.py:")
		for _, f := range r.Exports {
			fmt.Fprintln(w, " ", f)
		}
	}
}

// Markdown returns the results as a section of docs/results.md: the table
// and the figures, linked as figures/sequential/NAME.svg.
func (r *Result) Markdown() string {
	var sb strings.Builder
	r.Table().Write(&sb)
	sb.WriteString("\n")
	sb.WriteString(r.figures.Markdown("sequential"))
	return sb.String()
}

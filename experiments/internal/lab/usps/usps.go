package usps

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
)

// Defaults are the flags of experiments/usps: the settings of the run
// recorded in docs/results.md, chosen on a validation split of the training
// set to fit in two minutes on a 2-core machine.
var Defaults = cli.Config{Epochs: 40, LR: 0.05, Batch: 32, Seed: 1}

// The defaults of the options, chosen with Defaults.
const (
	DefaultWeightDecay = 0
	DefaultShift       = 1
)

// quick holds the sizes of quick mode: enough for every digit, little
// enough for a test. Tests shrink them under the race detector.
var quick = struct{ train, test, epochs int }{train: 1000, test: 500, epochs: 4}

// The report's numbers (test accuracy after 200 epochs).
const (
	ReportSoftmaxAccuracy = 0.78
	ReportFusedAccuracy   = 0.92
)

// Options are the experiment's own flags, beyond the common ones of cli.
type Options struct {
	// Data says where the digits come from (-data, -synthetic).
	Data digits.Source
	// Setups selects the set-ups to train: "both" (also ""), "fused" or
	// "softmax".
	Setups string
	// Optimizer is "sgd" (the default, also ""): SGD with Nesterov
	// momentum 0.9; "plain": the course's θ ← θ − lr·∇θ; or "adam".
	// The learning rate follows a cosine from -lr to 0 over the epochs.
	Optimizer string
	// WeightDecay is the L2 penalty λ of the optimizer (λ·θ added to the
	// gradient).
	WeightDecay float64
	// Shift, when positive, moves each training image by a random number
	// of pixels in −Shift … Shift along each axis, drawn anew every epoch
	// (digits.Augment).
	Shift int
	// Validation, in (0, 1), holds out that fraction of the training set
	// and evaluates on it instead of the test set: the way to choose
	// settings without looking at the test set. 0 uses the test set.
	Validation float64
	// Save, when not empty, is the file the trained fused network (or the
	// only one trained) is written to, by optim.SaveFile; its directory is
	// created before training. Load, when not empty, is such a file to
	// evaluate instead of training, in the fused set-up unless Setups says
	// "softmax".
	Save, Load string
}

// DefaultOptions returns the options of the recorded run: both set-ups, SGD
// with Nesterov momentum, shifts of one pixel, no weight decay, the test set.
func DefaultOptions() Options {
	return Options{Setups: "both", Optimizer: "sgd", Shift: DefaultShift, WeightDecay: DefaultWeightDecay}
}

// A Setup is one of the two ways of training the classifier.
type Setup struct {
	Name, Title string
	// Softmax says whether the network ends with a Softmax module.
	Softmax bool
	Loss    func() losses.Loss
}

// Setups are the report's two set-ups, in its order.
var Setups = []Setup{
	{Name: "softmax", Title: "Softmax + cross-entropy", Softmax: true, Loss: func() losses.Loss { return losses.NewCrossEntropy() }},
	{Name: "fused", Title: "fused softmax cross-entropy", Loss: func() losses.Loss { return losses.NewSoftmaxCrossEntropy() }},
}

// Network returns the report's MLP 256 → 128 → 64 → 10 with TanH, ending
// with a Softmax when softmax is set, initialised from rng as PyTorch would.
// Its parameters are named alike either way, so a checkpoint of one loads
// into the other.
func Network(softmax bool, rng *rand.Rand) *layers.Sequential {
	net := layers.NewSequential(
		layers.NewLinear(data.USPSPixels, 128, rng), layers.NewTanh(),
		layers.NewLinear(128, 64, rng), layers.NewTanh(),
		layers.NewLinear(64, digits.Classes, rng),
	)
	if softmax {
		net.Add(layers.NewSoftmax())
	}
	return net
}

// Result is what a run produced.
type Result struct {
	Source      string // "USPS" or "synthetic digits"
	Train, Test int    // images in the training and evaluation sets
	Validation  bool   // evaluated on a held-out part of the training set
	Quick       bool
	Config      cli.Config // the settings used (epochs cut in quick mode)
	Optimizer   string
	Shift       int
	WeightDecay float64
	Setups      []*SetupResult
	Saved       string   // the checkpoint written, if any
	Figures     []string // paths of the figures written, in cfg.Out
}

// Main returns the set-up whose details the summary shows and -save writes:
// the fused one when it ran, else the only one.
func (r *Result) Main() *SetupResult {
	for _, s := range r.Setups {
		if s.Name == "fused" {
			return s
		}
	}
	return r.Setups[0]
}

// Setup returns the result of the named set-up, nil if it did not run.
func (r *Result) Setup(name string) *SetupResult {
	for _, s := range r.Setups {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// SetupResult is the outcome of one set-up.
type SetupResult struct {
	Setup
	Net    *layers.Sequential
	Loaded string // the checkpoint evaluated, when not trained

	History   *optim.History // per-epoch losses and accuracies; nil when loaded
	TrainTime time.Duration  // wall time of training, evaluation included

	Accuracy  float64 // on the evaluation set
	Confusion *digits.Confusion
	Pred      []int // the prediction of each evaluation image
}

// Run trains (or loads) the set-ups that opts selects, evaluates them,
// prints the summary on cfg.Stdout and writes the figures into cfg.Out.
func Run(cfg *cli.Config, opts Options) (*Result, error) {
	c := *cfg
	if c.Quick {
		c.Epochs = min(c.Epochs, quick.epochs)
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	if opts.Load != "" && (opts.Setups == "" || opts.Setups == "both") {
		opts.Setups = "fused" // the two would evaluate the same weights
	}
	setups, err := selectSetups(opts.Setups)
	if err != nil {
		return nil, err
	}
	switch opts.Optimizer {
	case "", "sgd", "plain", "adam":
	default:
		return nil, fmt.Errorf("-optimizer %q: want sgd, plain or adam", opts.Optimizer)
	}
	if opts.Optimizer == "" {
		opts.Optimizer = "sgd"
	}
	if opts.Save != "" && opts.Load != "" {
		return nil, errors.New("-save and -load cannot be used together")
	}
	if err := digits.PrepareSave(opts.Save); err != nil {
		return nil, err
	}
	train, test, err := digits.LoadSets(opts.Data, c.Quick, quick.train, quick.test, opts.Validation, rand.New(rand.NewPCG(c.Seed, streamSplit)))
	if err != nil {
		return nil, err
	}

	res := &Result{
		Source: opts.Data.String(), Train: train.Len(), Test: test.Len(),
		Validation: opts.Validation > 0, Quick: c.Quick, Config: c, Optimizer: opts.Optimizer,
		Shift: opts.Shift, WeightDecay: opts.WeightDecay,
	}
	for _, s := range setups {
		sr, err := runSetup(&c, opts, s, train, test)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		res.Setups = append(res.Setups, sr)
	}
	if opts.Save != "" {
		if err := optim.SaveFile(opts.Save, res.Main().Net); err != nil {
			return nil, err
		}
		res.Saved = opts.Save
	}
	if err := res.writeFigures(&c, test); err != nil {
		return nil, err
	}
	return res, res.writeSummary(c.Stdout)
}

// Streams of random numbers drawn from the seed, one per use, so that
// changing one use leaves the others alone.
const (
	streamInit  = 1 // initial weights (the same for both set-ups)
	streamSplit = 2 // the validation split
	streamShift = 3 // the shifts of the training images
)

func selectSetups(name string) ([]Setup, error) {
	switch name {
	case "", "both":
		return Setups, nil
	}
	for _, s := range Setups {
		if s.Name == name {
			return []Setup{s}, nil
		}
	}
	return nil, fmt.Errorf("-setup %q: want both, fused or softmax", name)
}

// runSetup trains (or loads) one set-up and evaluates it.
func runSetup(cfg *cli.Config, opts Options, s Setup, train, test *data.Dataset) (*SetupResult, error) {
	net := Network(s.Softmax, rand.New(rand.NewPCG(cfg.Seed, streamInit)))
	sr := &SetupResult{Setup: s, Net: net}
	if opts.Load != "" {
		if err := optim.LoadFile(opts.Load, net); err != nil {
			return nil, err
		}
		sr.Loaded = opts.Load
	} else {
		opt := digits.NewOptimizer(opts.Optimizer, cfg.LR, opts.WeightDecay)
		o := optim.New(net, s.Loss(), cfg.LR).WithOptimizer(opt)
		progress := cli.NewProgress(cfg.Stderr, s.Name, cfg.Epochs)
		x, reshift := digits.Shifted(train.X, opts.Shift, rand.New(rand.NewPCG(cfg.Seed, streamShift)))
		start := time.Now()
		h, err := optim.Fit(o, x, train.OneHot(), optim.Config{
			BatchSize: cfg.Batch,
			Epochs:    cfg.Epochs,
			Seed:      cfg.Seed,
			ValX:      test.X,
			ValY:      test.OneHot(),
			Accuracy:  optim.Accuracy,
			Schedule:  optim.NewCosineAnnealingLR(opt, cfg.Epochs, 0),
			OnEpoch: func(epoch int, h *optim.History) error {
				progress.Update(epoch, h.TrainLoss[epoch-1])
				reshift()
				return nil
			},
		})
		if err != nil {
			return nil, err
		}
		sr.History, sr.TrainTime = h, time.Since(start)
	}
	sr.Pred = digits.Predict(net, test.X, 500)
	sr.Confusion = digits.NewConfusion(test.Labels, sr.Pred)
	sr.Accuracy = sr.Confusion.Accuracy()
	return sr, nil
}

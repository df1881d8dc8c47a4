package conv

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// Defaults are the flags of experiments/conv: the settings of the runs
// recorded in docs/results.md, chosen on a validation split of the training
// set (see the package documentation).
var Defaults = cli.Config{Epochs: 40, LR: 0.05, Batch: 32, Seed: 1}

// The defaults of the options, chosen with Defaults.
const (
	DefaultOptimizer = "sgd"
	DefaultShift     = 1
)

// quick holds the sizes of quick mode: enough for every digit, little
// enough for a test. Tests shrink them under the race detector.
var quick = struct{ train, test, epochs int }{train: 500, test: 250, epochs: 3}

// Options are the experiment's own flags, beyond the common ones of cli.
type Options struct {
	// Data says where the digits come from (-data, -synthetic).
	Data digits.Source
	// Model selects the networks: "conv1d", "conv2d" or "both" (also "").
	Model string
	// Optimizer is "sgd" (also ""): SGD with Nesterov momentum 0.9; or
	// "adam". The learning rate follows a cosine from -lr to 0 over the
	// epochs.
	Optimizer string
	// Shift, when positive, moves each training image by a random number
	// of pixels in −Shift … Shift along each axis, drawn anew every epoch
	// (digits.Augment).
	Shift int
	// Validation, in (0, 1), holds out that fraction of the training set
	// and evaluates on it instead of the test set: the way to choose
	// settings without looking at the test set. 0 uses the test set.
	Validation float64
	// Save, when not empty, is the file the trained weights are written
	// to, by optim.SaveFile; Load, when not empty, is such a file to
	// evaluate instead of training. With both models the model's name goes
	// before the extension: cnn.ckpt stands for cnn.conv1d.ckpt and
	// cnn.conv2d.ckpt.
	Save, Load string
}

// DefaultOptions returns the options of the runs recorded in
// docs/results.md, the flags' defaults: both models, SGD and shifts of one
// pixel, the data found by data.FindUSPS. (The zero Options differ: no
// augmentation.)
func DefaultOptions() Options {
	return Options{Model: "both", Optimizer: DefaultOptimizer, Shift: DefaultShift}
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
	Models      []*ModelResult
	Figures     []string // paths of the figures written, in cfg.Out
}

// Model returns the result of the named model, nil if it did not run.
func (r *Result) Model(name string) *ModelResult {
	for _, m := range r.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// ModelResult is the outcome of one network.
type ModelResult struct {
	Model
	Net    *layers.Sequential
	Params int    // trainable values
	Loaded string // the checkpoint evaluated, when not trained
	Saved  string // the checkpoint written, if any

	History *optim.History // per-epoch losses and accuracies; nil when loaded
	// TrainTime is the wall time of training (optim.Fit, with the
	// evaluation after each epoch), EvalTime that of the final pass over
	// the evaluation set.
	TrainTime, EvalTime time.Duration

	Loss, Accuracy float64 // on the evaluation set
	Confusion      *digits.Confusion
	Pred           []int // the prediction of each evaluation image
}

// Run trains (or loads) the networks that opts selects, evaluates them,
// prints the summary on cfg.Stdout and writes the figures into cfg.Out.
func Run(cfg *cli.Config, opts Options) (*Result, error) {
	c := *cfg
	if c.Quick {
		c.Epochs = min(c.Epochs, quick.epochs)
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	models, err := selectModels(opts.Model)
	if err != nil {
		return nil, err
	}
	switch opts.Optimizer {
	case "":
		opts.Optimizer = DefaultOptimizer
	case "sgd", "adam":
	default:
		return nil, fmt.Errorf("-optimizer %q: want sgd or adam", opts.Optimizer)
	}
	if opts.Shift < 0 {
		return nil, fmt.Errorf("-shift must be ≥ 0, have %d", opts.Shift)
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
		Validation: opts.Validation > 0, Quick: c.Quick, Config: c,
		Optimizer: opts.Optimizer, Shift: opts.Shift,
	}
	for _, m := range models {
		mr, err := runModel(&c, opts, m, len(models) > 1, train, test)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name, err)
		}
		res.Models = append(res.Models, mr)
	}
	if err := res.writeFigures(&c, test); err != nil {
		return nil, err
	}
	return res, res.writeSummary(c.Stdout)
}

// Streams of random numbers drawn from the seed, one per use, so that
// changing one use leaves the others alone.
const (
	streamInit  = 1 // initial weights (each model's own generator)
	streamSplit = 2 // the validation split
	streamShift = 3 // the shifts of the training images
)

// evalBatch is the batch size of the final pass over the evaluation set.
const evalBatch = 500

// runModel trains (or loads) one network and evaluates it.
func runModel(cfg *cli.Config, opts Options, m Model, several bool, train, test *data.Dataset) (*ModelResult, error) {
	net := m.Build(rand.New(rand.NewPCG(cfg.Seed, streamInit)))
	mr := &ModelResult{Model: m, Net: net, Params: countParameters(net)}
	xTest, yTest := asExamples(test.X, m.Shape), test.OneHot()
	loss := losses.NewSoftmaxCrossEntropy()

	if opts.Load != "" {
		path := checkpointPath(opts.Load, m.Name, several)
		if err := optim.LoadFile(path, net); err != nil {
			return nil, err
		}
		mr.Loaded = path
	} else {
		opt := digits.NewOptimizer(opts.Optimizer, cfg.LR, 0)
		o := optim.New(net, loss, cfg.LR).WithOptimizer(opt)
		progress := cli.NewProgress(cfg.Stderr, m.Name, cfg.Epochs)
		x, reshift := digits.Shifted(train.X, opts.Shift, rand.New(rand.NewPCG(cfg.Seed, streamShift)))
		start := time.Now()
		h, err := optim.Fit(o, asExamples(x, m.Shape), train.OneHot(), optim.Config{
			BatchSize: cfg.Batch,
			Epochs:    cfg.Epochs,
			Seed:      cfg.Seed,
			ValX:      xTest,
			ValY:      yTest,
			Accuracy:  optim.Accuracy,
			Schedule:  optim.NewCosineAnnealingLR(opt, cfg.Epochs, 0),
			OnEpoch: func(epoch int, h *optim.History) error {
				progress.Update(epoch, h.TrainLoss[epoch-1])
				if epoch < cfg.Epochs {
					reshift()
				}
				return nil
			},
		})
		if err != nil {
			return nil, err
		}
		mr.History, mr.TrainTime = h, time.Since(start)
		if opts.Save != "" {
			mr.Saved = checkpointPath(opts.Save, m.Name, several)
			if err := optim.SaveFile(mr.Saved, net); err != nil {
				return nil, err
			}
		}
	}

	start := time.Now()
	mr.Loss, _ = optim.Evaluate(net, loss, xTest, yTest, evalBatch, nil)
	mr.Pred = digits.Predict(net, xTest, evalBatch)
	mr.Confusion = digits.NewConfusion(test.Labels, mr.Pred)
	mr.Accuracy = mr.Confusion.Accuracy()
	mr.EvalTime = time.Since(start)
	return mr, nil
}

// asExamples views the n×256 images as n examples of the given shape.
func asExamples(x *tensor.Tensor, shape []int) *tensor.Tensor {
	return x.Reshape(append([]int{x.Shape[0]}, shape...)...)
}

// checkpointPath returns the checkpoint file of one model: path itself when
// a single model runs, else path with the model's name before the
// extension.
func checkpointPath(path, name string, several bool) string {
	if !several {
		return path
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + name + ext
}

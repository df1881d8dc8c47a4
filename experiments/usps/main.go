// Command usps is the report's §6: the USPS digits classified by the MLP
// 256 → 128 → 64 → 10 with TanH, trained two ways from the same initial
// weights on the same batches: a Softmax module followed by the
// cross-entropy of the probabilities, and the cross-entropy fused with the
// log-softmax on the logits.
//
// A run has two parts, each a group of rows of one table:
//
//  1. The report's setting: the course's plain step θ ← θ − lr·∇θ, 200
//     epochs of batches of 32, lr 0.01, no augmentation, with the report's
//     78 % and 92 % beside it.
//
//  2. A better recipe (-recipe, on by default): SGD with Nesterov momentum
//     0.9, the learning rate falling from 0.05 to 0 along a cosine over 40
//     epochs, each training image shifted by up to one pixel, anew every
//     epoch. Its rows are the ones above 95 %.
//
// For example:
//
//	go run ./experiments/usps                  # both parts, about a minute
//	go run ./experiments/usps -recipe=false    # the report's setting only
//	go run ./experiments/usps -quick           # a subset, a few seconds
//	go run ./experiments/usps -setup fused -save mlp.ckpt
//	go run ./experiments/usps -load mlp.ckpt   # evaluate a checkpoint
//	go run ./experiments/usps -val 0.2         # score on a held-out fifth of the training set
//
// The digits are found by -data, $NNDIY_DATA, the cache, or downloaded;
// -synthetic runs on generated digits instead.
package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
)

func main() {
	cli.Main("usps", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// newNetwork returns the report's MLP, ending with a Softmax when softmax
// is set, initialised from rng as PyTorch would. Its parameters are named
// alike either way, so a checkpoint of one loads into the other.
func newNetwork(softmax bool, rng *rand.Rand) *layers.Sequential {
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

// A setup is one of the report's two ways of training the classifier, and
// the test accuracy the report got with it after 200 epochs.
type setup struct {
	name, title string
	softmax     bool // the network ends with a Softmax module
	loss        func() losses.Loss
	report      float64
}

var setups = []setup{
	{"softmax", "Softmax + cross-entropy", true, func() losses.Loss { return losses.NewCrossEntropy() }, 0.78},
	{"fused", "fused softmax cross-entropy", false, func() losses.Loss { return losses.NewSoftmaxCrossEntropy() }, 0.92},
}

// A recipe is how a network is trained.
type recipe struct {
	name      string // "report's setting" or "better recipe"
	epochs    int
	lr        float64
	optimizer string  // "plain" (the course's step), "nesterov" or "adam"
	cosine    bool    // the learning rate falls to 0 along a cosine
	shift     int     // training images shifted by up to shift pixels, anew every epoch
	decay     float64 // weight decay (L2 penalty) of the optimizer
}

// Streams of random numbers drawn from -seed, one per use, so that changing
// one use leaves the others alone.
const (
	streamInit  = 1 // initial weights (the same for every network)
	streamSplit = 2 // the validation split of -val
	streamShift = 3 // the shifts of the training images
)

// A result is one network trained (or loaded) and scored: a row of the table.
type result struct {
	recipe    *recipe // nil when loaded
	setup     setup
	net       *layers.Sequential
	history   *optim.History
	time      time.Duration
	pred      []int // the prediction of each evaluation image
	confusion *digits.Confusion
}

// run parses the command line args and runs the experiment, the summary on
// stdout and the progress on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("usps", stderr)
	cfg := cli.Register(fs, "usps", cli.Config{Epochs: 200, LR: 0.01, Batch: 32, Seed: 1})
	var src digits.Source
	src.RegisterFlags(fs)
	setupName := fs.String("setup", "both", "set-ups to train: both, fused or softmax")
	withRecipe := fs.Bool("recipe", true, "after the report's setting, train with the better recipe (the flags below)")
	better := recipe{name: "better recipe", epochs: 40, lr: 0.05, optimizer: "nesterov", cosine: true, shift: 1}
	fs.IntVar(&better.epochs, "recipe-epochs", better.epochs, "`epochs` of the better recipe")
	fs.Float64Var(&better.lr, "recipe-lr", better.lr, "starting learning `rate` of the better recipe")
	fs.StringVar(&better.optimizer, "optimizer", better.optimizer, "update rule of the better recipe: nesterov (momentum 0.9), adam or plain")
	fs.IntVar(&better.shift, "shift", better.shift, "better recipe: shift training images by up to `n` pixels, anew every epoch (0: none)")
	fs.Float64Var(&better.decay, "wd", 0, "better recipe: weight decay (L2 penalty) `λ`")
	val := fs.Float64("val", 0, "hold out this `fraction` of the training set and evaluate on it instead of the test set")
	save := fs.String("save", "", "write the last network trained (by default the better recipe's fused one) to `file`")
	load := fs.String("load", "", "evaluate the network in `file` instead of training")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	report := recipe{name: "report's setting", epochs: cfg.Epochs, lr: cfg.LR, optimizer: "plain"}
	if cfg.Quick { // a subset of the images, fewer epochs
		report.epochs, better.epochs = min(report.epochs, 20), min(better.epochs, 4)
	}
	chosen, err := check(cfg, better, *setupName, *val, *save, *load)
	if err != nil {
		return err
	}
	recipes := []*recipe{&report}
	if *withRecipe {
		recipes = append(recipes, &better)
	}
	if err := cfg.MakeOut(); err != nil { // fail now, not after training
		return err
	}
	train, eval, err := digits.LoadSets(src, cfg.Quick, 1000, 500, *val, rand.New(rand.NewPCG(cfg.Seed, streamSplit)))
	if err != nil {
		return err
	}

	var results []*result
	if *load != "" {
		s := setups[1] // the fused set-up, unless -setup softmax
		if len(chosen) == 1 {
			s = chosen[0]
		}
		net := newNetwork(s.softmax, rand.New(rand.NewPCG(cfg.Seed, streamInit)))
		if err := optim.LoadFile(*load, net); err != nil {
			return err
		}
		results = append(results, &result{setup: s, net: net})
	} else {
		// Every network starts from the same weights: the two set-ups'
		// networks differ only by the Softmax module, which has none.
		for _, r := range recipes {
			for _, s := range chosen {
				net := newNetwork(s.softmax, rand.New(rand.NewPCG(cfg.Seed, streamInit)))
				progress := cli.NewProgress(stderr, s.name+", "+r.name, r.epochs)
				start := time.Now()
				h, err := fit(net, s.loss(), r, train, eval, cfg.Batch, cfg.Seed, progress)
				if err != nil {
					return fmt.Errorf("%s, %s: %w", s.name, r.name, err)
				}
				results = append(results, &result{recipe: r, setup: s, net: net, history: h, time: time.Since(start)})
			}
		}
	}

	// The evaluation: each network's prediction on every evaluation image.
	for _, r := range results {
		r.pred = digits.Predict(r.net, eval.X, 500)
		r.confusion = digits.NewConfusion(eval.Labels, r.pred)
	}
	last := results[len(results)-1] // the network -save writes
	if *save != "" {
		if err := optim.SaveFile(*save, last.net); err != nil {
			return err
		}
	}
	s := &summary{results: results, train: train, eval: eval, batch: cfg.Batch, seed: cfg.Seed,
		data: digits.Describe(train, eval), validation: *val > 0, quick: cfg.Quick, synthetic: src.Synthetic, loaded: *load}
	figures, err := s.writeFigures(cfg.Out)
	if err != nil {
		return err
	}
	if cfg.Markdown {
		return s.writeMarkdown(stdout, figures)
	}
	return s.writeText(stdout, figures, *save)
}

// fit trains net on the training images with the loss, as the recipe r
// says, in mini-batches of batch images shuffled anew every epoch, and
// scores it on the evaluation set after each epoch.
func fit(net *layers.Sequential, loss losses.Loss, r *recipe, train, eval *data.Dataset, batch int, seed uint64, progress *cli.Progress) (*optim.History, error) {
	o := optim.New(net, loss, r.lr) // the course's Optim: θ ← θ − lr·∇θ
	switch r.optimizer {
	case "nesterov":
		sgd := optim.NewSGD(r.lr)
		sgd.Momentum, sgd.Nesterov, sgd.WeightDecay = 0.9, true, r.decay
		o.WithOptimizer(sgd)
	case "adam":
		adam := optim.NewAdam(r.lr)
		adam.WeightDecay = r.decay
		o.WithOptimizer(adam)
	case "plain":
		if r.decay > 0 {
			sgd := optim.NewSGD(r.lr)
			sgd.WeightDecay = r.decay
			o.WithOptimizer(sgd)
		}
	}
	var schedule optim.Scheduler
	if r.cosine {
		schedule = optim.NewCosineAnnealingLR(o, r.epochs, 0)
	}
	// With r.shift > 0, x is a shifted copy of the images, shifted anew
	// at the end of each epoch; Fit copies each batch from x as it goes.
	x, reshift := digits.Shifted(train.X, r.shift, rand.New(rand.NewPCG(seed, streamShift)))
	return optim.Fit(o, x, train.OneHot(), optim.Config{
		BatchSize: batch, Epochs: r.epochs, Seed: seed,
		ValX: eval.X, ValY: eval.OneHot(), Accuracy: optim.Accuracy,
		Schedule: schedule,
		OnEpoch: func(epoch int, h *optim.History) error {
			progress.Update(epoch, h.TrainLoss[epoch-1])
			reshift()
			return nil
		},
	})
}

// check returns the set-ups -setup names, or the error of a bad flag.
func check(cfg *cli.Config, better recipe, setupName string, val float64, save, load string) ([]setup, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	chosen := setups
	switch setupName {
	case "both":
	case "softmax":
		chosen = setups[:1]
	case "fused":
		chosen = setups[1:]
	default:
		return nil, cli.Usagef("-setup %q: want both, fused or softmax", setupName)
	}
	switch {
	case better.optimizer != "nesterov" && better.optimizer != "adam" && better.optimizer != "plain":
		return nil, cli.Usagef("-optimizer %q: want nesterov, adam or plain", better.optimizer)
	case better.epochs < 1 || !(better.lr > 0):
		return nil, cli.Usagef("-recipe-epochs must be at least 1 and -recipe-lr positive, have %d and %g", better.epochs, better.lr)
	case better.shift < 0:
		return nil, cli.Usagef("-shift must be ≥ 0, have %d", better.shift)
	case !(better.decay >= 0):
		return nil, cli.Usagef("-wd must be ≥ 0, have %g", better.decay)
	case val < 0 || val >= 1:
		return nil, cli.Usagef("-val must be in [0, 1), have %g", val)
	case save != "" && load != "":
		return nil, errors.New("-save and -load cannot be used together")
	}
	return chosen, digits.PrepareSave(save)
}

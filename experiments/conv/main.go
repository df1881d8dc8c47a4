// Command conv is the course's sixth part on the USPS digits: the course's
// network, which reads a digit as a sequence of 256 pixels through a
// Conv1D, then, beyond the course, a small LeNet-like 2-D CNN on the 16×16
// image, and the course's bonus, a network of two Conv1D branches, one
// over the rows and one over the columns of the digit, beside a control of
// as many parameters that reads rows only. All train with the fused
// softmax cross-entropy and §6's better recipe: SGD with Nesterov momentum
// 0.9, the learning rate falling from 0.05 to 0 along a cosine over 40
// epochs, each training image shifted by up to one pixel, anew every
// epoch. Last, issue 15's recipe, conv2d-best: an ensemble of five such
// 2-D CNNs, trained at once (one goroutine each) for 30 epochs on digits
// rotated, scaled, shifted and bent a little, anew every epoch, each from its
// own initial weights and distortions, whose softmax probabilities are
// averaged; chosen on a validation split to beat a human on USPS, it
// scores the test set once, after training.
//
// For example:
//
//	go run ./experiments/conv                        # the five models, several minutes
//	go run ./experiments/conv -quick                 # a subset, a few seconds
//	go run ./experiments/conv -model conv1d,wide,branches # the course's network and its bonus
//	go run ./experiments/conv -model conv2d -save cnn.ckpt
//	go run ./experiments/conv -model conv2d -load cnn.ckpt   # evaluate a checkpoint
//	go run ./experiments/conv -val 0.2               # choose settings on held-out training images
//	go run ./experiments/conv -model conv2d-best     # issue 15's recipe alone
//	go run ./experiments/conv -model conv2d-best -members 1  # one network of it
//
// With several networks, -save cnn.ckpt writes cnn.conv1d.ckpt,
// cnn.conv2d.ckpt and so on, an ensemble's members cnn.member1.ckpt …
// (cnn.conv2d-best.member1.ckpt … beside other models), and -load reads
// them. The digits are found by -data, $NNDIY_DATA, the cache, or
// downloaded; -synthetic runs on generated digits instead.
package main

import (
	"errors"
	"flag"
	"io"
	"math/rand/v2"
	"os"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

func main() {
	cli.Main("conv", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// A model is one of the networks the experiment trains: how to build it
// and how it reads a 16×16 digit.
type model struct {
	name  string // the value of -model
	title string
	// shape is one example without its batch axis: the 256 pixels as a
	// sequence of one channel, (256, 1), or an image of one channel,
	// (16, 16, 1).
	shape []int
	// build returns a new network with PyTorch's initialisation from rng.
	build  func(rng *rand.Rand) *layers.Sequential
	target float64 // the test accuracy issue 8 asks of it
	// distortion, when set, replaces the -shift shifts of the training
	// images by random small rotations, scalings and shifts, drawn anew
	// every epoch (the -distort flag sets it for every model).
	distortion *digits.Distortion
	// epochs, when set, is the model's own number of epochs, the cosine
	// of the learning rate falling to 0 over them (0: the -epochs flag's;
	// an -epochs given on the command line sets it for every model).
	epochs int
	// weightDecay is SGD's L2 penalty (0: none; the -wd flag sets it for
	// every model).
	weightDecay float64
	// members, when above 1, makes the model an ensemble of that many
	// networks (ensemble.go), trained at once, whose softmax
	// probabilities are averaged (the -members flag sets it for every
	// model). 0 and 1: one network.
	members int
	// views is the number of views of each evaluation digit whose
	// probabilities are averaged (testViews: 5 or 9, the digit and its
	// one-pixel shifts; 0 and 1: the digit alone; the -views flag sets it
	// for every model).
	views int
	// testOnce scores the test set once, after training, rather than
	// after every epoch for the curves: the model reports its test score
	// once, its recipe chosen on validation. With -val the validation set
	// is scored after every epoch as for the other models.
	testOnce bool
}

// newLeNet returns the LeNet-like 2-D CNN of the models conv2d and
// conv2d-best, initialised from rng as PyTorch would.
func newLeNet(rng *rand.Rand) *layers.Sequential {
	return layers.NewSequential(
		layers.NewConv2D(5, 5, 1, 16, 1, rng, layers.WithPadding(2)), layers.NewReLU(),
		layers.NewMaxPool2D(2, 2, 2),
		layers.NewConv2D(5, 5, 16, 32, 1, rng, layers.WithPadding(2)), layers.NewReLU(),
		layers.NewMaxPool2D(2, 2, 2),
		layers.NewFlatten(),
		layers.NewLinear(512, 100, rng), layers.NewReLU(),
		layers.NewLinear(100, 10, rng),
	)
}

var models = []model{
	{
		// The course's network: 32 kernels of 3 pixels on the digit read
		// row after row, a max-pooling that halves the length, two Linear
		// layers. The convolution has no bias, as the course's: since
		// max(x + b) = max(x) + b, the Linear layer's bias absorbs it.
		//
		//	(B, 256, 1) → Conv1D(3, 1→32) → (B, 254, 32) → MaxPool1D(2, 2) → (B, 127, 32)
		//	  → Flatten → (B, 4064) → Linear(4064, 100) → ReLU → Linear(100, 10)
		name: "conv1d", title: "course Conv1D net", shape: []int{256, 1}, target: 0.95,
		build: func(rng *rand.Rand) *layers.Sequential {
			return layers.NewSequential(
				layers.NewConv1D(3, 1, 32, 1, rng, layers.WithoutBias()),
				layers.NewMaxPool1D(2, 2),
				layers.NewFlatten(),
				layers.NewLinear(4064, 100, rng), layers.NewReLU(),
				layers.NewLinear(100, 10, rng),
			)
		},
	},
	{
		// Beyond the course, LeNet-like: two 5×5 convolutions, each
		// followed by a ReLU and a 2×2 max-pooling, two Linear layers.
		//
		//	(B, 16, 16, 1) → Conv2D(5×5, 1→16, padding 2) → ReLU → MaxPool2D(2) → (B, 8, 8, 16)
		//	  → Conv2D(5×5, 16→32, padding 2) → ReLU → MaxPool2D(2) → (B, 4, 4, 32)
		//	  → Flatten → (B, 512) → Linear(512, 100) → ReLU → Linear(100, 10)
		name: "conv2d", title: "LeNet-like 2-D CNN", shape: []int{16, 16, 1}, target: 0.97,
		build: newLeNet,
	},
	{
		// A control for the two-branch network below: the course's network
		// with 64 kernels instead of 32, so as many parameters as the two
		// branches (its Linear layer also reads 8128 features), all reading
		// rows.
		name: "wide", title: "course Conv1D net, 64 kernels", shape: []int{256, 1}, target: 0.95,
		build: func(rng *rand.Rand) *layers.Sequential {
			return layers.NewSequential(
				layers.NewConv1D(3, 1, 64, 1, rng, layers.WithoutBias()),
				layers.NewMaxPool1D(2, 2),
				layers.NewFlatten(),
				layers.NewLinear(8128, 100, rng), layers.NewReLU(),
				layers.NewLinear(100, 10, rng),
			)
		},
	},
	{
		// The course's bonus ("Mon tout s'améliore"): the course's Conv1D
		// over the rows of the digit, a second one over its columns (the
		// digit transposed first, so that the sequence runs down the
		// columns), each pooled; their features side by side feed the
		// course's Linear → ReLU → Linear.
		//
		//	(B, 256, 1) ─┬→ Conv1D(3, 1→32) → MaxPool1D(2, 2) → Flatten → (B, 4064) ──────────────┬→ Concat → (B, 8128)
		//	             └→ TransposeImage(16×16) → Conv1D(3, 1→32) → MaxPool1D(2, 2) → Flatten ─┘
		//	  → Linear(8128, 100) → ReLU → Linear(100, 10)
		name: "branches", title: "two-branch Conv1D net (rows and columns)", shape: []int{256, 1},
		target: 0.95, // the course network's: the bonus is to do better than it
		build: func(rng *rand.Rand) *layers.Sequential {
			rows := layers.NewSequential(
				layers.NewConv1D(3, 1, 32, 1, rng, layers.WithoutBias()),
				layers.NewMaxPool1D(2, 2),
				layers.NewFlatten(),
			)
			columns := layers.NewSequential(
				layers.NewTransposeImage(data.USPSSide, data.USPSSide),
				layers.NewConv1D(3, 1, 32, 1, rng, layers.WithoutBias()),
				layers.NewMaxPool1D(2, 2),
				layers.NewFlatten(),
			)
			return layers.NewSequential(
				layers.NewConcat(rows, columns),
				layers.NewLinear(2*4064, 100, rng), layers.NewReLU(),
				layers.NewLinear(100, 10, rng),
			)
		},
	},
	{
		// Issue 15's recipe: an ensemble of five LeNet-like CNNs
		// (ensemble.go), each trained for 30 epochs on digits distorted
		// anew every epoch by a small rotation, scaling and shift and a
		// gentle elastic bend of the strokes (the changes of a digit
		// written by another hand) instead of whole-pixel shifts, from its
		// own initial weights and its own
		// distortions; the ensemble answers with the mean of the five
		// networks' softmax probabilities. Chosen on a validation split
		// of the training set (docs/results.md) to beat a human's 2.5 %
		// on the test set, which it scores once, after training.
		name: "conv2d-best", title: "ensemble of LeNet-like 2-D CNNs, distorted digits", shape: []int{16, 16, 1}, target: 0.976,
		distortion: &digits.Distortion{MaxDegrees: 10, MaxScale: 0.1, MaxShift: 1, Elastic: 4, Sigma: 2},
		members:    5, epochs: 30, testOnce: true,
		build: newLeNet,
	},
}

// Streams of random numbers drawn from -seed, one per use.
const (
	streamInit  = 1 // initial weights (each model's own generator)
	streamSplit = 2 // the validation split of -val
	streamShift = 3 // the shifts of the training images
)

// run parses the command line args and runs the experiment, the summary on
// stdout and the progress on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("conv", stderr)
	cfg := cli.Register(fs, "conv", cli.Config{Epochs: 40, LR: 0.05, Batch: 32, Seed: 1})
	var src digits.Source
	src.RegisterFlags(fs)
	modelNames := fs.String("model", "all", "networks to train: all, or a comma-separated list of conv1d, conv2d, wide, branches, conv2d-best")
	optimizer := fs.String("optimizer", "nesterov", "update rule: nesterov (SGD, momentum 0.9) or adam")
	shift := fs.Int("shift", 1, "shift training images by up to `n` pixels, anew every epoch (0: no augmentation)")
	distort := fs.String("distort", "", "distort every training image anew each epoch, rotated by up to `deg,scale,shift[,alpha,sigma]` degrees, scaled by up to 1 ± scale, shifted by up to shift pixels, and with alpha > 0 bent by an elastic field of alpha pixels smoothed over sigma, for every model (default: each model's own augmentation)")
	wd := fs.String("wd", "", "SGD's weight decay `λ` for every model (default: each model's own)")
	members := fs.Int("members", 0, "train `n` networks of each chosen model at once and average their probabilities (default: each model's own, 1 but for conv2d-best)")
	views := fs.Int("views", 0, "average the probabilities over `n` views of each evaluation digit: 1 (the digit), 5 (and its shifts by a pixel left, right, up, down) or 9 (and diagonally) (default: each model's own)")
	val := fs.Float64("val", 0, "hold out this `fraction` of the training set and evaluate on it instead of the test set")
	save := fs.String("save", "", "write the trained weights to `file` (several networks: file.conv1d.ext, file.conv2d.ext, …)")
	load := fs.String("load", "", "evaluate the weights in `file` instead of training (named as for -save)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if cfg.Quick { // a subset, fewer epochs
		cfg.Epochs = min(cfg.Epochs, 3)
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	chosen, err := selectModels(*modelNames)
	if err != nil {
		return err
	}
	if chosen, err = overrideRecipe(chosen, *distort, *wd, *members, *views); err != nil {
		return err
	}
	epochsGiven := false
	fs.Visit(func(f *flag.Flag) { epochsGiven = epochsGiven || f.Name == "epochs" })
	for i := range chosen { // each model's epochs: its own, or -epochs
		if chosen[i].epochs == 0 || epochsGiven {
			chosen[i].epochs = cfg.Epochs
		}
		if cfg.Quick {
			chosen[i].epochs = min(chosen[i].epochs, 3)
		}
	}
	switch {
	case *optimizer != "nesterov" && *optimizer != "adam":
		return cli.Usagef("-optimizer %q: want nesterov or adam", *optimizer)
	case *shift < 0:
		return cli.Usagef("-shift must be ≥ 0, have %d", *shift)
	case *val < 0 || *val >= 1:
		return cli.Usagef("-val must be in [0, 1), have %g", *val)
	case *save != "" && *load != "":
		return errors.New("-save and -load cannot be used together")
	}
	if err := digits.PrepareSave(*save); err != nil {
		return err
	}
	if err := cfg.MakeOut(); err != nil { // fail now, not after training
		return err
	}
	train, eval, err := digits.LoadSets(src, cfg.Quick, 500, 250, *val, rand.New(rand.NewPCG(cfg.Seed, streamSplit)))
	if err != nil {
		return err
	}

	rc := &recipe{x: train.X, y: train.OneHot(), evalX: eval.X, evalY: eval.OneHot(), evalLabels: eval.Labels,
		validation: *val > 0, batch: cfg.Batch, lr: cfg.LR, seed: cfg.Seed, optimizer: *optimizer, shift: *shift,
		load: *load, save: *save, several: len(chosen) > 1, progress: stderr}
	var results []*result
	for _, m := range chosen {
		// The network, or the ensemble's members, each initialised as
		// PyTorch would from its own stream of the seed (memberStreams).
		var nets []*layers.Sequential
		for k := range max(m.members, 1) {
			nets = append(nets, m.build(rand.New(rand.NewPCG(cfg.Seed, streamInit+uint64(k)*memberStreams))))
		}
		r, err := rc.run(m, nets) // trains each by fit, below, then scores them
		if err != nil {
			return err
		}
		results = append(results, r)
	}

	// The settings' epochs: the models', when they all train as long.
	epochs := chosen[0].epochs
	for _, m := range chosen {
		if m.epochs != epochs {
			epochs = cfg.Epochs
		}
	}
	s := &summary{results: results, eval: eval, batch: cfg.Batch, epochs: epochs, lr: cfg.LR, seed: cfg.Seed,
		optimizer: *optimizer, shift: *shift, data: digits.Describe(train, eval), nTrain: train.Len(),
		validation: *val > 0, quick: cfg.Quick, synthetic: src.Synthetic}
	figures, err := s.writeFigures(cfg.Out)
	if err != nil {
		return err
	}
	if cfg.Markdown {
		return s.writeMarkdown(stdout, figures)
	}
	return s.writeText(stdout, figures)
}

// A recipe is how every network is trained and scored: the training and
// evaluation sets, and the flags' settings.
type recipe struct {
	x, y         *tensor.Tensor // the training images, n×256, and their one-hot labels
	evalX, evalY *tensor.Tensor // the evaluation images and their one-hot labels
	evalLabels   []int          // and their labels
	validation   bool           // the evaluation set is the validation split of -val
	batch        int
	lr           float64
	seed         uint64
	optimizer    string // nesterov or adam
	shift        int    // the -shift of the training images
	// load and save are the checkpoints of -load and -save ("": none),
	// named after each model's name when several models run.
	load, save string
	several    bool
	progress   io.Writer // where the members print their progress
}

// fit trains net, member k of model m (0 for a model of one network), and
// returns its history. The member's own shifts or distortions of the
// training images are drawn from its streams (see memberStreams).
func (rc *recipe) fit(net *layers.Sequential, m model, k int, progress *cli.Progress) (*optim.History, error) {
	loss := losses.NewSoftmaxCrossEntropy()
	o := optim.New(net, loss, rc.lr)
	if rc.optimizer == "adam" {
		o.WithOptimizer(optim.NewAdam(rc.lr))
	} else {
		sgd := optim.NewSGD(rc.lr)
		sgd.Momentum, sgd.Nesterov = 0.9, true
		sgd.WeightDecay = m.weightDecay
		o.WithOptimizer(sgd)
	}
	// x is a copy of the images shifted anew after each epoch (the images
	// themselves with -shift 0), or distorted anew; Fit copies each batch
	// from it as it goes.
	augment := rand.New(rand.NewPCG(rc.seed, streamShift+uint64(k)*memberStreams))
	var x *tensor.Tensor
	var reshift func()
	if m.distortion != nil { // rotations and scalings as well
		x, reshift = digits.Distorted(rc.x, *m.distortion, augment)
	} else {
		x, reshift = digits.Shifted(rc.x, rc.shift, augment)
	}
	c := optim.Config{
		BatchSize: rc.batch, Epochs: m.epochs, Seed: rc.seed, Accuracy: optim.Accuracy,
		Schedule: optim.NewCosineAnnealingLR(o, m.epochs, 0),
		OnEpoch: func(epoch int, h *optim.History) error {
			progress.Update(epoch, h.TrainLoss[epoch-1])
			if epoch < m.epochs {
				reshift()
			}
			return nil
		},
	}
	if rc.validation || !m.testOnce { // the curves of the evaluation set
		c.ValX, c.ValY = asExamples(rc.evalX, m.shape), rc.evalY
	}
	return optim.Fit(o, asExamples(x, m.shape), rc.y, c)
}

// asExamples views the n×256 images as n examples of the given shape.
func asExamples(x *tensor.Tensor, shape []int) *tensor.Tensor {
	return x.Reshape(append([]int{x.Shape[0]}, shape...)...)
}

package autoencoder

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/tsne"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// Defaults are the flags of experiments/autoencoder: the settings of the run
// recorded in docs/results.md.
var Defaults = cli.Config{Epochs: 20, LR: 3e-3, Batch: 16, Seed: 1}

// The report's architecture.
const (
	DefaultHidden = 100
	DefaultCode   = 10
)

// quick holds the sizes of quick mode; tests shrink them under the race
// detector.
var quick = struct {
	train, test, epochs, tsneSteps, gridEpochs int
}{train: 1000, test: 300, epochs: 8, tsneSteps: 300, gridEpochs: 2}

// evalBatch is the batch size of forward passes that train nothing.
const evalBatch = 500

// Options are the experiment's own flags, beyond the common ones of cli.
type Options struct {
	// Data says where the digits come from (-data, -synthetic).
	Data digits.Source
	// Hidden and Code are the widths of the hidden layers and of the code;
	// 0 means the report's 100 and 10. With Grid, Code selects the code
	// size of the configuration retrained, and Hidden is ignored.
	Hidden, Code int
	// Grid runs the grid search of GridSpace first and retrains its best
	// configuration (of code size Code) for the figures.
	Grid bool
	// GridEpochs is the number of epochs of each configuration of the
	// grid; 0 means the Config's (2 in quick mode), so that the best
	// configuration is retrained as it was scored, on more data.
	GridEpochs int
	// Workers is the number of configurations of the grid trained at
	// once; 0 means runtime.GOMAXPROCS(0). The results do not depend on it.
	Workers int
	// Studies runs the two studies beyond the report: denoising, and
	// classification from the code.
	Studies bool
}

// DefaultOptions returns the options of the command: the report's widths
// and the studies, without the grid search.
func DefaultOptions() Options {
	return Options{Hidden: DefaultHidden, Code: DefaultCode, Studies: true}
}

// Hyper are the settings the grid search varies.
type Hyper struct {
	LR                  float64
	Hidden, Code, Batch int
}

func (h Hyper) String() string {
	return fmt.Sprintf("lr %g, hidden %d, code %d, batch %d", h.LR, h.Hidden, h.Code, h.Batch)
}

// Model is an auto-encoder: Net is the Sequential of the Encoder and the
// Decoder.
type Model struct {
	Net, Encoder, Decoder *layers.Sequential
}

// NewModel returns the report's auto-encoder with the given widths,
// initialised from rng as PyTorch would. Its parameters are named
// "0.0.weight" (the encoder's first layer) to "1.2.bias".
func NewModel(hidden, code int, rng *rand.Rand) *Model {
	enc := layers.NewSequential(
		layers.NewLinear(data.USPSPixels, hidden, rng), layers.NewTanh(),
		layers.NewLinear(hidden, code, rng), layers.NewTanh(),
	)
	dec := layers.NewSequential(
		layers.NewLinear(code, hidden, rng), layers.NewTanh(),
		layers.NewLinear(hidden, data.USPSPixels, rng), layers.NewSigmoid(),
	)
	return &Model{Net: layers.NewSequential(enc, dec), Encoder: enc, Decoder: dec}
}

// Streams of random numbers drawn from the seed, one per use.
const (
	streamInit  = 1 // initial weights
	streamSplit = 2 // the grid's validation split
	streamNoise = 3 // the denoising study's noise
	streamTSNE  = 4 // t-SNE's initial map
	streamShow  = 5 // the test digits shown
	streamClass = 6 // the classifiers of the codes
)

// Training is one run of Adam on the binary cross-entropy of the pixels,
// the learning rate falling from LR to 0 along a cosine over the epochs.
type Training struct {
	Hyper
	Epochs int
	Seed   uint64
	// Noise, when positive, trains a denoising auto-encoder: the inputs
	// get Gaussian noise of this standard deviation, clipped to [0, 1],
	// drawn anew every epoch; the targets stay clean.
	Noise float64
	// Progress, when not nil, is told each epoch's loss.
	Progress *cli.Progress
}

// Trained is a trained auto-encoder and its record.
type Trained struct {
	*Model
	History *optim.History // ValLoss is on the evaluation set given to Train
	Time    time.Duration
}

// Train trains a new auto-encoder on the images x, scoring it after each
// epoch on eval (nil for none). x is not modified.
func (t Training) Train(x, eval *tensor.Tensor) (*Trained, error) {
	m := NewModel(t.Hidden, t.Code, rand.New(rand.NewPCG(t.Seed, streamInit)))
	adam := optim.NewAdam(t.LR)
	o := optim.New(m.Net, losses.NewBCE(), t.LR).WithOptimizer(adam)
	input := x
	var noisy func()
	if t.Noise > 0 {
		// Fit copies each batch from input as it goes, so rewriting
		// input at the end of an epoch gives the next one new noise.
		rng := rand.New(rand.NewPCG(t.Seed, streamNoise))
		input = tensor.New(x.Shape...)
		noisy = func() { addNoise(input, x, t.Noise, rng) }
		noisy()
	}
	start := time.Now()
	h, err := optim.Fit(o, input, x, optim.Config{
		BatchSize: t.Batch,
		Epochs:    t.Epochs,
		Seed:      t.Seed,
		ValX:      eval,
		ValY:      eval,
		Schedule:  optim.NewCosineAnnealingLR(adam, t.Epochs, 0),
		OnEpoch: func(epoch int, h *optim.History) error {
			if t.Progress != nil {
				t.Progress.Update(epoch, h.TrainLoss[epoch-1])
			}
			if noisy != nil {
				noisy()
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &Trained{Model: m, History: h, Time: time.Since(start)}, nil
}

// addNoise sets dst to src plus Gaussian noise of standard deviation sigma,
// clipped to [0, 1].
func addNoise(dst, src *tensor.Tensor, sigma float64, rng *rand.Rand) {
	for i, v := range src.Data {
		dst.Data[i] = min(1, max(0, v+sigma*rng.NormFloat64()))
	}
}

// Forward returns net's output on every row of x, computed in batches, as a
// new tensor.
func Forward(net layers.Module, x *tensor.Tensor) *tensor.Tensor {
	n, cols := x.Rows(), x.Cols()
	var out *tensor.Tensor
	for lo := 0; lo < n; lo += evalBatch {
		hi := min(lo+evalBatch, n)
		y := net.Forward(tensor.FromSlice(x.Data[lo*cols:hi*cols], hi-lo, cols))
		if out == nil {
			out = tensor.New(n, y.Cols())
		}
		copy(out.Data[lo*y.Cols():], y.Data)
	}
	return out
}

// BCE returns the mean binary cross-entropy of net's reconstructions of x.
func BCE(net layers.Module, x *tensor.Tensor) float64 {
	loss, _ := optim.Evaluate(net, losses.NewBCE(), x, x, evalBatch, nil)
	return loss
}

// Result is what a run produced.
type Result struct {
	Source      string
	Train, Test int
	Quick       bool
	Config      cli.Config // the settings of the final training
	Hyper       Hyper      // those of the final model

	Grid      []GridPoint // the grid search, in GridSpace's order; nil without -grid
	GridTime  time.Duration
	Final     *Trained
	TestLoss  float64 // BCE of the final model on the test set
	TestMSE   float64 // its mean squared error per pixel
	TSNE      *tsne.Result
	TSNETime  time.Duration
	Denoising []NoiseLevel // nil without Studies
	Classify  []Classifier // nil without Studies
	Figures   []string     // paths of the figures written, in cfg.Out
}

// Run trains the auto-encoder (after the grid search when opts.Grid),
// prints the summary on cfg.Stdout and writes the figures into cfg.Out.
func Run(cfg *cli.Config, opts Options) (*Result, error) {
	c := *cfg
	if c.Quick {
		c.Epochs = min(c.Epochs, quick.epochs)
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	if opts.Hidden == 0 {
		opts.Hidden = DefaultHidden
	}
	if opts.Code == 0 {
		opts.Code = DefaultCode
	}
	if opts.Hidden < 1 || opts.Code < 1 {
		return nil, fmt.Errorf("-hidden and -code must be positive, have %d and %d", opts.Hidden, opts.Code)
	}
	if opts.GridEpochs == 0 {
		opts.GridEpochs = c.Epochs
		if c.Quick {
			opts.GridEpochs = quick.gridEpochs
		}
	}
	if opts.GridEpochs < 1 {
		return nil, fmt.Errorf("-grid-epochs must be positive, have %d", opts.GridEpochs)
	}
	train, test, err := digits.LoadSets(opts.Data, c.Quick, quick.train, quick.test, 0, nil)
	if err != nil {
		return nil, err
	}
	res := &Result{Source: opts.Data.String(), Train: train.Len(), Test: test.Len(), Quick: c.Quick}

	hyper := Hyper{LR: c.LR, Hidden: opts.Hidden, Code: opts.Code, Batch: c.Batch}
	if opts.Grid {
		start := time.Now()
		res.Grid, err = searchGrid(&c, opts, train, test)
		if err != nil {
			return nil, err
		}
		res.GridTime = time.Since(start)
		hyper = bestWithCode(res.Grid, opts.Code).Hyper
		c.LR, c.Batch = hyper.LR, hyper.Batch
	}
	res.Config, res.Hyper = c, hyper

	t := Training{Hyper: hyper, Epochs: c.Epochs, Seed: c.Seed, Progress: cli.NewProgress(c.Stderr, "auto-encoder", c.Epochs)}
	res.Final, err = t.Train(train.X, test.X)
	if err != nil {
		return nil, err
	}
	res.TestLoss = BCE(res.Final.Net, test.X)
	res.TestMSE = meanSquaredError(Forward(res.Final.Net, test.X), test.X)

	codes := Forward(res.Final.Encoder, test.X)
	opt := tsne.Options{Rand: rand.New(rand.NewPCG(c.Seed, streamTSNE))}
	if c.Quick {
		opt.Iterations = quick.tsneSteps
	}
	start := time.Now()
	res.TSNE, err = tsne.Embed(codes, opt)
	if err != nil {
		return nil, fmt.Errorf("t-SNE: %w", err)
	}
	res.TSNETime = time.Since(start)

	if opts.Studies {
		if res.Denoising, err = denoising(&c, hyper, train, test, res.Final); err != nil {
			return nil, err
		}
		if res.Classify, err = classify(&c, res.Final, train, test); err != nil {
			return nil, err
		}
	}
	if err := res.writeFigures(&c, test); err != nil {
		return nil, err
	}
	return res, res.writeSummary(c.Stdout)
}

// meanSquaredError returns the mean of (a − b)² over all elements.
func meanSquaredError(a, b *tensor.Tensor) float64 {
	s := 0.0
	for i, v := range a.Data {
		d := v - b.Data[i]
		s += d * d
	}
	return s / float64(len(a.Data))
}

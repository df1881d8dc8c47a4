package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// The names of the networks in the tables.
const (
	MLPName         = "MLP 256→128→64→10"
	AutoencoderName = "auto-encoder 256→100→10→100→256"
	Conv1DName      = "course Conv1D net"
	Conv2DName      = "LeNet-like 2-D CNN"
)

// The convolutional networks train with SGD with Nesterov momentum, as
// experiments/conv does, at a learning rate that suits them (issue 15's
// setting); compare.py uses the same.
const (
	CNNLR       = 0.05
	CNNMomentum = 0.9
)

// Quick-mode sizes: a few batches per epoch, enough to exercise every path.
const (
	// evalBatch is the batch of the CNNs' test pass.
	evalBatch = 256

	quickTrain  = 256
	quickTest   = 128
	quickEpochs = 2
)

// allocSteps is the number of steady-state steps whose allocations are
// counted (fewer in quick mode), allocRounds the number of times they are:
// the least count is kept, since runtime.MemStats also counts what the
// runtime itself allocates now and then. Quick mode still counts 16
// steps: with 4, a burst of 4 such allocations in each round, which the
// arm64 tests under QEMU on a loaded machine met once, read as one
// allocation per step.
const (
	allocSteps      = 20
	allocStepsQuick = 16
	allocRounds     = 3
	allocWarmUp     = 20 // steps before counting (allocsPerStep)
)

// Timing is what the training of one network measured.
type Timing struct {
	// EpochSeconds is the wall time of each epoch.
	EpochSeconds []float64 `json:"epoch_seconds"`
	// SecPerEpoch is the median of EpochSeconds after the first (the first
	// also allocates the buffers), or the first with a single epoch.
	SecPerEpoch float64 `json:"sec_per_epoch"`
	// SamplesPerSec is the number of training examples over SecPerEpoch.
	SamplesPerSec float64 `json:"samples_per_sec"`
	// EpochCPUSeconds is the CPU time of the process during each epoch, on
	// all its threads, and CPUSecPerEpoch their median after the first, as
	// SecPerEpoch. On a machine that other programs keep busy, CPU time
	// varies much less than wall time. Both are empty where the CPU time
	// cannot be read (outside unix).
	EpochCPUSeconds []float64 `json:"epoch_cpu_seconds,omitempty"`
	CPUSecPerEpoch  float64   `json:"cpu_sec_per_epoch,omitempty"`
	// TrainLoss is the mean loss of the last epoch.
	TrainLoss float64 `json:"train_loss"`
	// AllocsPerStep is the mean number of heap allocations of a training
	// step (optim.Optim.Step) in steady state, counted by runtime.MemStats
	// over a few steps (the least of a few counts).
	AllocsPerStep float64 `json:"allocs_per_step"`
}

// MLPResult is a classifier's timing and test accuracy: the MLP's, and
// the convolutional networks'.
type MLPResult struct {
	Timing
	TestAccuracy float64 `json:"test_accuracy"`
}

// AutoencoderResult is the auto-encoder's timing and its mean BCE on the
// test images.
type AutoencoderResult struct {
	Timing
	TestLoss float64 `json:"test_loss"`
}

// MLP returns the classifier 256 → 128 → 64 → 10 with TanH, initialised
// from rng as PyTorch would. It ends with the logits, for
// losses.SoftmaxCrossEntropy.
func MLP(rng *rand.Rand) *layers.Sequential {
	return layers.NewSequential(
		layers.NewLinear(data.USPSPixels, 128, rng), layers.NewTanh(),
		layers.NewLinear(128, 64, rng), layers.NewTanh(),
		layers.NewLinear(64, data.USPSClasses, rng))
}

// Autoencoder returns the course's auto-encoder 256 → 100 → 10 → 100 → 256:
// TanH after every layer but the last, which ends with a Sigmoid, for
// losses.BCE against the input.
func Autoencoder(rng *rand.Rand) *layers.Sequential {
	return layers.NewSequential(
		layers.NewLinear(data.USPSPixels, 100, rng), layers.NewTanh(),
		layers.NewLinear(100, 10, rng), layers.NewTanh(),
		layers.NewLinear(10, 100, rng), layers.NewTanh(),
		layers.NewLinear(100, data.USPSPixels, rng), layers.NewSigmoid())
}

// Conv1DNet returns the course's network for USPS digits read as
// sequences of 256 pixels with one channel:
//
//	(B, 256, 1) → Conv1D(3, 1→32) → (B, 254, 32) → MaxPool1D(2, 2) → (B, 127, 32)
//	  → Flatten → (B, 4064) → Linear(4064, 100) → ReLU → Linear(100, 10)
//
// The convolution has no bias, as the course's.
func Conv1DNet(rng *rand.Rand) *layers.Sequential {
	return layers.NewSequential(
		layers.NewConv1D(3, 1, 32, 1, rng, layers.WithoutBias()),
		layers.NewMaxPool1D(2, 2),
		layers.NewFlatten(),
		layers.NewLinear(4064, 100, rng), layers.NewReLU(),
		layers.NewLinear(100, data.USPSClasses, rng))
}

// Conv2DNet returns the LeNet-like network of experiments/conv on the
// 16×16 image:
//
//	(B, 16, 16, 1) → Conv2D(5×5, 1→16, padding 2) → ReLU → MaxPool2D(2) → (B, 8, 8, 16)
//	  → Conv2D(5×5, 16→32, padding 2) → ReLU → MaxPool2D(2) → (B, 4, 4, 32)
//	  → Flatten → (B, 512) → Linear(512, 100) → ReLU → Linear(100, 10)
func Conv2DNet(rng *rand.Rand) *layers.Sequential {
	return layers.NewSequential(
		layers.NewConv2D(5, 5, 1, 16, 1, rng, layers.WithPadding(2)), layers.NewReLU(),
		layers.NewMaxPool2D(2, 2, 2),
		layers.NewConv2D(5, 5, 16, 32, 1, rng, layers.WithPadding(2)), layers.NewReLU(),
		layers.NewMaxPool2D(2, 2, 2),
		layers.NewFlatten(),
		layers.NewLinear(512, 100, rng), layers.NewReLU(),
		layers.NewLinear(100, data.USPSClasses, rng))
}

// cnnOptim returns the course's Optim on net with SGD, Nesterov momentum
// CNNMomentum and learning rate CNNLR, on the softmax cross-entropy.
func cnnOptim(net layers.Module) *optim.Optim {
	sgd := optim.NewSGD(CNNLR)
	sgd.Momentum, sgd.Nesterov = CNNMomentum, true
	return optim.New(net, losses.NewSoftmaxCrossEntropy(), CNNLR).WithOptimizer(sgd)
}

// asImages returns the rows of x, shaped (n, 256), as a batch shaped
// (n, shape...), sharing its storage.
func asImages(x *tensor.Tensor, shape ...int) *tensor.Tensor {
	return tensor.FromSlice(x.Data, append([]int{x.Shape[0]}, shape...)...)
}

// FindLocal finds the USPS data without ever downloading it: in dir when
// it is not empty, else in $NNDIY_DATA when it is set (both by
// data.FindUSPS, which does not download when given a directory), else in
// data.FindUSPS's cache directory, os.UserCacheDir()/nndiy/usps. It returns
// nil data sets and a nil error when the files are in none of these
// places, and an error when dir or $NNDIY_DATA names a directory without
// them, or a file is malformed. where says which directory the files were
// found in, or where they were looked for.
func FindLocal(dir string) (train, test *data.Dataset, where string, err error) {
	if dir != "" || os.Getenv(data.DataEnv) != "" {
		where = dir
		if where == "" {
			where = "$" + data.DataEnv + "=" + os.Getenv(data.DataEnv)
		}
		train, test, err = data.FindUSPS(dir)
		return train, test, where, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, nil, "no -data, no $" + data.DataEnv + ", no cache directory", nil
	}
	where = filepath.Join(cache, "nndiy", "usps")
	train, test, err = data.LoadUSPS(where)
	if errors.Is(err, data.ErrUSPSNotFound) {
		return nil, nil, "no -data, no $" + data.DataEnv + ", nothing in " + where, nil
	}
	return train, test, where, err
}

// randomDigits returns n random images of USPS's shape, pixels uniform in
// [0, 1), with uniform labels.
func randomDigits(n int, rng *rand.Rand) *data.Dataset {
	d := &data.Dataset{X: tensor.New(n, data.USPSPixels).FillUniform(rng, 0, 1), Labels: make([]int, n), Source: "random"}
	for i := range d.Labels {
		d.Labels[i] = rng.IntN(data.USPSClasses)
	}
	return d
}

// firstRows returns the first n examples of d (all of them when it has
// fewer), sharing its storage.
func firstRows(d *data.Dataset, n int) *data.Dataset {
	n = min(n, d.Len())
	return &data.Dataset{X: tensor.FromSlice(d.X.Data[:n*data.USPSPixels], n, data.USPSPixels), Labels: d.Labels[:n], Source: d.Source}
}

// train loads the data and trains the networks opts selects, filling r.
func (r *Result) train(cfg *cli.Config, opts Options) error {
	train, test, where, err := FindLocal(opts.Data)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	if train != nil {
		r.Data, r.DataNote = "USPS", "read from "+where
	} else {
		r.Data, r.DataNote = "random", "USPS not found locally ("+where+"), random pixels and labels of its shape"
		train, test = randomDigits(7291, rng), randomDigits(2007, rng)
	}
	if cfg.Quick {
		train, test = firstRows(train, quickTrain), firstRows(test, quickTest)
	}
	r.Train, r.Test = train.Len(), test.Len()
	yTrain, yTest := train.OneHot(), test.OneHot()
	steps := allocSteps
	if cfg.Quick {
		steps = allocStepsQuick
	}

	if opts.Train {
		// The MLP, on one-hot targets.
		mlp := MLP(rng)
		o := optim.New(mlp, losses.NewSoftmaxCrossEntropy(), cfg.LR)
		tm, err := fit(o, train.X, yTrain, r.Epochs, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", MLPName, err)
		}
		r.MLP = &MLPResult{Timing: tm, TestAccuracy: optim.Accuracy(yTest, mlp.Forward(test.X))}
		r.MLP.AllocsPerStep = allocsPerStep(o, train.X, yTrain, cfg.Batch, steps)

		// The auto-encoder, its own target.
		ae := Autoencoder(rng)
		bce := losses.NewBCE()
		o = optim.New(ae, bce, cfg.LR)
		tm, err = fit(o, train.X, train.X, r.Epochs, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", AutoencoderName, err)
		}
		r.Autoencoder = &AutoencoderResult{Timing: tm, TestLoss: bce.Forward(test.X, ae.Forward(test.X))}
		r.Autoencoder.AllocsPerStep = allocsPerStep(o, train.X, train.X, cfg.Batch, steps)
	}

	// The two convolutional networks, on one-hot targets, each with its
	// own generator so that selecting them does not change the others.
	if opts.CNN {
		for _, c := range []struct {
			name  string
			build func(*rand.Rand) *layers.Sequential
			shape []int
			dst   **MLPResult
		}{
			{Conv1DName, Conv1DNet, []int{data.USPSPixels, 1}, &r.Conv1D},
			{Conv2DName, Conv2DNet, []int{16, 16, 1}, &r.Conv2D},
		} {
			net := c.build(rand.New(rand.NewPCG(cfg.Seed, 2)))
			o := cnnOptim(net)
			x, xt := asImages(train.X, c.shape...), asImages(test.X, c.shape...)
			tm, err := fit(o, x, yTrain, r.Epochs, cfg)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			_, acc := optim.Evaluate(net, o.Loss, xt, yTest, evalBatch, optim.Accuracy)
			*c.dst = &MLPResult{Timing: tm, TestAccuracy: acc}
			(*c.dst).AllocsPerStep = allocsPerStep(o, x, yTrain, cfg.Batch, steps)
		}
	}
	return nil
}

// fit trains o on x and y for the given epochs with optim.Fit and returns
// its timing; AllocsPerStep is left to the caller.
func fit(o *optim.Optim, x, y *tensor.Tensor, epochs int, cfg *cli.Config) (Timing, error) {
	var t Timing
	lastCPU, cpuOK := processCPU()
	onEpoch := func(int, *optim.History) error {
		if cpu, ok := processCPU(); ok && cpuOK {
			t.EpochCPUSeconds = append(t.EpochCPUSeconds, (cpu - lastCPU).Seconds())
			lastCPU = cpu
		}
		return nil
	}
	h, err := optim.Fit(o, x, y, optim.Config{BatchSize: cfg.Batch, Epochs: epochs, Seed: cfg.Seed, OnEpoch: onEpoch})
	if err != nil {
		return Timing{}, err
	}
	for _, d := range h.EpochTime {
		t.EpochSeconds = append(t.EpochSeconds, d.Seconds())
	}
	t.SecPerEpoch = median(steady(t.EpochSeconds))
	t.SamplesPerSec = float64(x.Shape[0]) / t.SecPerEpoch
	if len(t.EpochCPUSeconds) > 0 {
		t.CPUSecPerEpoch = median(steady(t.EpochCPUSeconds))
	}
	t.TrainLoss = h.TrainLoss[len(h.TrainLoss)-1]
	return t, nil
}

// steady returns the epochs after the first, or the first alone.
func steady(v []float64) []float64 {
	if len(v) > 1 {
		return v[1:]
	}
	return v
}

// median returns the median of v, the mean of the two middle values when
// their number is even.
func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// allocsPerStep returns the mean number of heap allocations of a training
// step of o on the first batch of x and y: the least of allocRounds counts
// over the given number of steps, after warm-up steps.
//
// The collector is off while it counts, and fillWaitRecords first gives
// the runtime all the records of waiting goroutines it can keep: the
// count is then the step's own allocations, not the runtime refilling its
// caches, which the convolutions' helpers and Gemm's workers make it do
// whenever they block (see fillWaitRecords).
func allocsPerStep(o *optim.Optim, x, y *tensor.Tensor, batch, steps int) float64 {
	n := min(batch, x.Shape[0])
	xb := tensor.FromSlice(x.Data[:n*(x.Len()/x.Shape[0])], append([]int{n}, x.Shape[1:]...)...)
	yb := tensor.FromSlice(y.Data[:n*y.Shape[1]], n, y.Shape[1])
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	fillWaitRecords()
	for range allocWarmUp {
		o.Step(xb, yb)
	}
	least := uint64(1<<64 - 1)
	for range allocRounds {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range steps {
			o.Step(xb, yb)
		}
		runtime.ReadMemStats(&after)
		least = min(least, after.Mallocs-before.Mallocs)
	}
	return float64(least) / float64(steps)
}

// fillWaitRecords makes the Go runtime hold more records of waiting
// goroutines (sudogs) than blocking can ever run out of while the
// collector is off, so that blocking allocates none.
//
// A goroutine that blocks on a channel, a WaitGroup or a contended Mutex,
// as the helpers of internal/parts and Gemm's workers do when no work
// comes for parts.SpinFor, and as Run and Gemm do when they wait for them,
// takes a record from the cache of the processor (P) it runs on, refilled
// from a central list, and allocates a new one when both are empty
// (runtime.acquireSudog). When it wakes it puts the record back in the
// cache of the processor it then runs on, which keeps at most 128 and
// passes half of them to the central list when full; a collection empties
// the central list. Records thus drift from processor to processor, and a
// cache runs dry now and then, until more records exist than the other
// caches can hold. Until then, steps that allocate nothing themselves
// were counted 0.05 to 0.45 allocations each now and then (the 2-D CNN on
// two cores at 09129c0: 5 of 36 counts; the Conv1D net's 0.2 once).
// Blocking 256 goroutines per processor at once, then waking them, leaves
// the runtime about that many records.
func fillWaitRecords() {
	n := 256 * runtime.GOMAXPROCS(0)
	var waiting, done sync.WaitGroup
	wake := make(chan struct{})
	waiting.Add(n)
	done.Add(n)
	for range n {
		go func() {
			waiting.Done()
			<-wake
			done.Done()
		}()
	}
	waiting.Wait()
	close(wake)
	done.Wait()
}

package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// digits is the network of the digits tab, one of digitArchs. Its ten
// outputs are logits (softmax gives the probabilities). It comes from a
// checkpoint, or is trained here in the background (the MLP).
type digits struct {
	mu       sync.Mutex
	net      *layers.Sequential // nil until ready
	shape    []int              // the shape of one image for net, batch dimension excluded
	softmax  *layers.Softmax
	state    string  // "ready", "training", "missing" or "error"
	source   string  // where the ready network came from
	progress float64 // of the training, 0 … 1
	message  string  // for "missing" and "error": what to do
}

// digitArch is a network whose checkpoints the digits tab reads: the same
// modules in the same order give the same parameter names ("0.weight", …)
// and shapes. A Softmax module at the end has no parameter, so both of
// experiments/usps's set-ups load as the MLP.
type digitArch struct {
	name  string
	shape []int // one image, as the network's input
	build func(r *rand.Rand) *layers.Sequential
}

var digitArchs = []digitArch{
	{"the MLP 256→128→64→10 of experiments/usps", []int{data.USPSPixels}, func(r *rand.Rand) *layers.Sequential {
		return layers.NewSequential(
			layers.NewLinear(data.USPSPixels, 128, r), layers.NewTanh(),
			layers.NewLinear(128, 64, r), layers.NewTanh(),
			layers.NewLinear(64, data.USPSClasses, r),
		)
	}},
	{"the Conv1D network of experiments/conv -model conv1d", []int{data.USPSPixels, 1}, func(r *rand.Rand) *layers.Sequential {
		return layers.NewSequential(
			layers.NewConv1D(3, 1, 32, 1, r, layers.WithoutBias()),
			layers.NewMaxPool1D(2, 2),
			layers.NewFlatten(),
			layers.NewLinear(4064, 100, r), layers.NewReLU(),
			layers.NewLinear(100, data.USPSClasses, r),
		)
	}},
	{"the 2-D CNN of experiments/conv -model conv2d", []int{data.USPSSide, data.USPSSide, 1}, func(r *rand.Rand) *layers.Sequential {
		return layers.NewSequential(
			layers.NewConv2D(5, 5, 1, 16, 1, r, layers.WithPadding(2)), layers.NewReLU(),
			layers.NewMaxPool2D(2, 2, 2),
			layers.NewConv2D(5, 5, 16, 32, 1, r, layers.WithPadding(2)), layers.NewReLU(),
			layers.NewMaxPool2D(2, 2, 2),
			layers.NewFlatten(),
			layers.NewLinear(512, 100, r), layers.NewReLU(),
			layers.NewLinear(100, data.USPSClasses, r),
		)
	}},
}

// digitsNetwork returns the MLP, initialised from seed.
func digitsNetwork(seed uint64) *layers.Sequential { return digitArchs[0].build(rng(seed, streamInit)) }

// missingMessage says how to get a digit network.
const missingMessage = "No digit network here. Either start the playground with -load mlp.ckpt, a checkpoint " +
	"written by `go run ./experiments/usps -save mlp.ckpt` (or experiments/conv -save), or give it the USPS data with -data DIR or " +
	"$NNDIY_DATA (`go run ./experiments/usps` downloads it once into your cache directory, where the " +
	"playground also looks): it then trains a network itself."

// loadDigits reads a checkpoint of one of digitArchs.
func loadDigits(path string) (*digits, error) {
	var names []string
	for _, a := range digitArchs {
		net := a.build(rng(0, streamInit))
		err := optim.LoadFile(path, net)
		if err == nil {
			return &digits{net: net, shape: a.shape, softmax: layers.NewSoftmax(), state: "ready",
				source: "checkpoint " + filepath.Base(path) + ", " + a.name}, nil
		}
		if !errors.Is(err, optim.ErrCheckpointMismatch) {
			return nil, fmt.Errorf("-load: %w", err)
		}
		names = append(names, a.name)
	}
	return nil, fmt.Errorf("-load %s: the checkpoint fits none of the digits tab's networks (%s)", path, strings.Join(names, "; "))
}

func missingDigits(msg string) *digits {
	return &digits{state: "missing", message: msg}
}

// findLocalUSPS looks for the USPS files where data.FindUSPS looks (the -data
// directory, $NNDIY_DATA, the cache directory), without ever downloading:
// the playground must start offline.
func findLocalUSPS(dir string) (train, test *data.Dataset, err error) {
	if dir != "" {
		return data.LoadUSPS(dir)
	}
	if env := os.Getenv(data.DataEnv); env != "" {
		return data.LoadUSPS(env)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, nil, data.ErrUSPSNotFound
	}
	return data.LoadUSPS(filepath.Join(cache, "nndiy", "usps"))
}

// trainDigits returns a digits whose network trains in the background on
// train, and reports its progress in status.
func trainDigits(train, test *data.Dataset, epochs int, logf func(string, ...any)) *digits {
	d := &digits{state: "training", softmax: layers.NewSoftmax()}
	go func() {
		defer func() {
			if r := recover(); r != nil {
				d.mu.Lock()
				d.state, d.message = "error", fmt.Sprintf("training the digit network failed: %v", r)
				d.mu.Unlock()
			}
		}()
		net := digitsNetwork(1)
		o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0.05).WithOptimizer(optim.NewAdam(1e-3))
		_, err := optim.Fit(o, train.X, train.OneHot(), optim.Config{
			BatchSize: 32, Epochs: epochs, Seed: 1,
			OnEpoch: func(epoch int, h *optim.History) error {
				d.mu.Lock()
				d.progress = float64(epoch) / float64(epochs)
				d.mu.Unlock()
				return nil
			},
		})
		_, acc := optim.Evaluate(net, o.Loss, test.X, test.OneHot(), 256, optim.Accuracy)
		d.mu.Lock()
		defer d.mu.Unlock()
		if err != nil {
			d.state, d.message = "error", "training the digit network failed: "+err.Error()
			return
		}
		d.net, d.shape, d.state, d.progress = net, digitArchs[0].shape, "ready", 1
		d.source = fmt.Sprintf("trained here: %d epochs of Adam on %d USPS images, %.1f %% right on the %d test images", epochs, train.Len(), 100*acc, test.Len())
		logf("digits: %s", d.source)
	}()
	return d
}

type digitsStatus struct {
	State    string  `json:"state"`
	Source   string  `json:"source,omitempty"`
	Progress float64 `json:"progress"`
	Message  string  `json:"message,omitempty"`
}

func (d *digits) status() digitsStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	return digitsStatus{State: d.state, Source: d.source, Progress: d.progress, Message: d.message}
}

var errNoDigitModel = errors.New("no digit network yet")

// predict returns the ten probabilities of the image: 256 grey levels in
// [0, 1], row by row, 0 the paper and 1 the ink, as data.LoadUSPS reads them.
func (d *digits) predict(pixels []float64) ([]float64, error) {
	if len(pixels) != data.USPSPixels {
		return nil, fmt.Errorf("pixels: %d values, want %d (16×16)", len(pixels), data.USPSPixels)
	}
	for i, v := range pixels {
		if !(v >= 0 && v <= 1) || math.IsNaN(v) {
			return nil, fmt.Errorf("pixels[%d] = %v: want a grey level 0 … 1", i, v)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.net == nil {
		msg := d.message
		if d.state == "training" {
			msg = fmt.Sprintf("the network is still training (%.0f %%)", 100*d.progress)
		}
		return nil, fmt.Errorf("%w: %s", errNoDigitModel, msg)
	}
	x := tensor.FromSlice(append([]float64(nil), pixels...), append([]int{1}, d.shape...)...)
	p := d.softmax.Forward(d.net.Forward(x))
	return append([]float64(nil), p.Data...), nil
}

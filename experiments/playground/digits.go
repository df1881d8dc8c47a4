package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// digits is the network of the digits tab: the report's §6 MLP
//
//	Linear(256, 128) → TanH → Linear(128, 64) → TanH → Linear(64, 10)
//
// whose ten outputs are logits (softmax gives the probabilities), with the
// parameter names of experiments/usps's checkpoints ("0.weight", …, "4.bias";
// a Softmax module at the end has no parameter, so either of its set-ups
// loads). It comes from a checkpoint, or is trained here in the background.
type digits struct {
	mu       sync.Mutex
	net      *layers.Sequential // nil until ready
	softmax  *layers.Softmax
	state    string  // "ready", "training", "missing" or "error"
	source   string  // where the ready network came from
	progress float64 // of the training, 0 … 1
	message  string  // for "missing" and "error": what to do
}

// digitsNetwork returns the MLP, initialised from seed.
func digitsNetwork(seed uint64) *layers.Sequential {
	r := rng(seed, streamInit)
	return layers.NewSequential(
		layers.NewLinear(data.USPSPixels, 128, r), layers.NewTanh(),
		layers.NewLinear(128, 64, r), layers.NewTanh(),
		layers.NewLinear(64, data.USPSClasses, r),
	)
}

// missingMessage says how to get a digit network.
const missingMessage = "No digit network here. Either start the playground with -load mlp.ckpt, a checkpoint " +
	"written by `go run ./experiments/usps -save mlp.ckpt`, or give it the USPS data with -data DIR or " +
	"$NNDIY_DATA (`go run ./experiments/usps` downloads it once into your cache directory, where the " +
	"playground also looks): it then trains a network itself in about a minute."

// loadDigits reads a checkpoint of the MLP.
func loadDigits(path string) (*digits, error) {
	net := digitsNetwork(0)
	if err := optim.LoadFile(path, net); err != nil {
		return nil, fmt.Errorf("-load %s: %w (the digits tab takes the MLP 256→128→64→10 of experiments/usps)", path, err)
	}
	return &digits{net: net, softmax: layers.NewSoftmax(), state: "ready", source: "checkpoint " + filepath.Base(path)}, nil
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
		d.net, d.state, d.progress = net, "ready", 1
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
	x := tensor.FromSlice(append([]float64(nil), pixels...), 1, data.USPSPixels)
	p := d.softmax.Forward(d.net.Forward(x))
	return append([]float64(nil), p.Data...), nil
}

package autoencoder

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// NoiseLevels are the standard deviations of the denoising study's noise.
var NoiseLevels = []float64{0.1, 0.2, 0.3, 0.4, 0.5}

var quickNoiseLevels = []float64{0.3}

// A NoiseLevel is the denoising study at one level of noise: the mean squared
// error per pixel against the clean test digits of the noisy digits
// themselves, of the plain auto-encoder's output and of the output of an
// auto-encoder trained on noisy digits.
type NoiseLevel struct {
	Sigma                            float64
	InputMSE, PlainMSE, DenoisingMSE float64

	noisy, plain, denoised *tensor.Tensor // the test images, for the figure
}

// denoising trains a denoising auto-encoder of the final model's settings at
// each noise level, the levels in parallel, and scores them with the plain
// one on the test set made noisy. The first level returned is σ = 0, where
// both are the plain auto-encoder.
func denoising(cfg *cli.Config, h Hyper, train, test *data.Dataset, plain *Trained) ([]NoiseLevel, error) {
	levels := NoiseLevels
	if cfg.Quick {
		levels = quickNoiseLevels
	}
	res := make([]NoiseLevel, len(levels))
	errs := make([]error, len(levels))
	var mu sync.Mutex
	parallel(len(levels), 0, func(i int) {
		sigma := levels[i]
		t, err := Training{Hyper: h, Epochs: cfg.Epochs, Seed: cfg.Seed, Noise: sigma}.Train(train.X, nil)
		if err != nil {
			errs[i] = fmt.Errorf("denoising, σ = %g: %w", sigma, err)
			return
		}
		// The same noisy test set for every model at this level.
		noisy := tensor.New(test.X.Shape...)
		addNoise(noisy, test.X, sigma, rand.New(rand.NewPCG(cfg.Seed, streamNoise+uint64(i+1)<<8)))
		nl := NoiseLevel{Sigma: sigma, noisy: noisy}
		nl.plain = Forward(plain.Net, noisy)
		nl.denoised = Forward(t.Net, noisy)
		nl.InputMSE = meanSquaredError(noisy, test.X)
		nl.PlainMSE = meanSquaredError(nl.plain, test.X)
		nl.DenoisingMSE = meanSquaredError(nl.denoised, test.X)
		res[i] = nl
		mu.Lock()
		fmt.Fprintf(cfg.Stderr, "denoising σ = %g: MSE %.4f (%s)\n", sigma, nl.DenoisingMSE, t.Time.Round(1e8))
		mu.Unlock()
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	// Without noise, both auto-encoders are the plain one.
	clean := meanSquaredError(Forward(plain.Net, test.X), test.X)
	res = append([]NoiseLevel{{Sigma: 0, PlainMSE: clean, DenoisingMSE: clean}}, res...)
	return res, nil
}

// parallel calls f(0) … f(n−1) on workers goroutines (0 means GOMAXPROCS),
// each taking the next i as it finishes the last.
func parallel(n, workers int, f func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// A Classifier is one of the classification study's classifiers and its
// accuracy on the test set.
type Classifier struct {
	Input    string // "code" or "pixels"
	Dims     int    // the input's dimension
	Model    string // "linear" or "MLP"
	Params   int
	Accuracy float64
}

// classifierHidden is the width of the hidden layer of the study's MLP.
const classifierHidden = 32

// classify trains a linear classifier and a small MLP on the codes of the
// trained encoder and on the raw pixels, with the same settings, and returns
// their test accuracies.
func classify(cfg *cli.Config, ae *Trained, train, test *data.Dataset) ([]Classifier, error) {
	inputs := []struct {
		name        string
		train, test *tensor.Tensor
	}{
		{"code", Forward(ae.Encoder, train.X), Forward(ae.Encoder, test.X)},
		{"pixels", train.X, test.X},
	}
	yTrain := train.OneHot()
	var res []Classifier
	for _, in := range inputs {
		d := in.train.Cols()
		for _, model := range []string{"linear", "MLP"} {
			rng := rand.New(rand.NewPCG(cfg.Seed, streamClass))
			var net *layers.Sequential
			if model == "linear" {
				net = layers.NewSequential(layers.NewLinear(d, digits.Classes, rng))
			} else {
				net = layers.NewSequential(layers.NewLinear(d, classifierHidden, rng), layers.NewTanh(), layers.NewLinear(classifierHidden, digits.Classes, rng))
			}
			adam := optim.NewAdam(classifierLR)
			o := optim.New(net, losses.NewSoftmaxCrossEntropy(), classifierLR).WithOptimizer(adam)
			_, err := optim.Fit(o, in.train, yTrain, optim.Config{
				BatchSize: cfg.Batch, Epochs: cfg.Epochs, Seed: cfg.Seed,
				Schedule: optim.NewCosineAnnealingLR(adam, cfg.Epochs, 0),
			})
			if err != nil {
				return nil, fmt.Errorf("classifier of the %s: %w", in.name, err)
			}
			pred := digits.Predict(net, in.test, evalBatch)
			res = append(res, Classifier{
				Input: in.name, Dims: d, Model: model, Params: countParameters(net),
				Accuracy: digits.NewConfusion(test.Labels, pred).Accuracy(),
			})
		}
	}
	return res, nil
}

// classifierLR is the learning rate of the classifiers' Adam, falling to 0
// along a cosine.
const classifierLR = 3e-3

// countParameters returns the number of trainable values of m.
func countParameters(m layers.Module) int {
	n := 0
	for _, p := range m.Parameters() {
		n += p.Value.Len()
	}
	return n
}

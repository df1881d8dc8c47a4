// Command autoencoder is the report's §7: an auto-encoder of the USPS
// digits, its reconstructions and a t-SNE map of its codes.
//
// The report gives figures for this section, no numbers. A run trains the
// report's network (encoder 256 → 100 → 10, decoder 10 → 100 → 256) with
// the binary cross-entropy of the pixels, then, as named parts beyond the
// report:
//
//   - -grid: a grid search over the learning rate, the widths and the batch
//     size first, its best configuration retrained (the report's figure 13);
//   - -studies (on by default): a denoising auto-encoder at five levels of
//     noise, and classifiers trained on the codes beside the same ones on
//     the pixels; then the course's suggestions (suggestions.go): the
//     auto-encoder with tied weights beside the untied one, k-means on the
//     codes and on the pixels, and an auto-encoder with a 2-d code, whose
//     codes are drawn directly.
//
// For example:
//
//	go run ./experiments/autoencoder            # the report's network and the studies
//	go run ./experiments/autoencoder -grid      # grid search first, best retrained
//	go run ./experiments/autoencoder -quick     # a subset, a few seconds
//
// The digits are found by -data, $NNDIY_DATA, the cache, or downloaded;
// -synthetic runs on generated digits instead.
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/tsne"
	"github.com/nndiy/nndiy/internal/portable"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

func main() {
	cli.Main("autoencoder", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// hyper are the settings the grid search varies.
type hyper struct {
	lr                  float64
	hidden, code, batch int
}

// newAutoencoder returns the report's auto-encoder, two Sequentials nested
// in a third, initialised from rng as PyTorch would.
func newAutoencoder(hidden, code int, rng *rand.Rand) (net, encoder *layers.Sequential) {
	encoder = layers.NewSequential(
		layers.NewLinear(data.USPSPixels, hidden, rng), layers.NewTanh(),
		layers.NewLinear(hidden, code, rng), layers.NewTanh(),
	)
	decoder := layers.NewSequential(
		layers.NewLinear(code, hidden, rng), layers.NewTanh(),
		layers.NewLinear(hidden, data.USPSPixels, rng), layers.NewSigmoid(),
	)
	return layers.NewSequential(encoder, decoder), encoder
}

// newTiedAutoencoder returns the same auto-encoder with tied weights: each
// Linear of the decoder uses the weight of its mirror in the encoder,
// transposed (layers.TiedLinear), and keeps its own bias. It has the
// parameters of the encoder and two biases.
func newTiedAutoencoder(hidden, code int, rng *rand.Rand) (net, encoder *layers.Sequential) {
	in, mid := layers.NewLinear(data.USPSPixels, hidden, rng), layers.NewLinear(hidden, code, rng)
	encoder = layers.NewSequential(in, layers.NewTanh(), mid, layers.NewTanh())
	decoder := layers.NewSequential(
		layers.NewTiedLinear(mid, rng), layers.NewTanh(), // code → hidden with midᵀ
		layers.NewTiedLinear(in, rng), layers.NewSigmoid(), // hidden → 256 with inᵀ
	)
	return layers.NewSequential(encoder, decoder), encoder
}

// Streams of random numbers drawn from -seed, one per use.
const (
	streamInit  = 1 // initial weights
	streamSplit = 2 // the grid's validation split
	streamNoise = 3 // the denoising study's noise
	streamTSNE  = 4 // t-SNE's initial map
	streamShow  = 5 // the test digits shown
	streamClass = 6 // the classifiers of the codes
	streamKMean = 7 // the k-means starts
)

// train trains a new auto-encoder on the images x to reproduce them: Adam
// on the binary cross-entropy of the pixels, the learning rate falling from
// h.lr to 0 along a cosine, scored on eval (nil for none) after each epoch.
// With noise > 0 it is a denoising auto-encoder: its inputs get Gaussian
// noise of that standard deviation, drawn anew every epoch, its targets
// stay clean.
func train(h hyper, epochs int, seed uint64, noise float64, x, eval *tensor.Tensor, progress *cli.Progress) (net, encoder *layers.Sequential, hist *optim.History, err error) {
	net, encoder = newAutoencoder(h.hidden, h.code, rand.New(rand.NewPCG(seed, streamInit)))
	hist, err = fit(net, h, epochs, seed, noise, x, eval, progress)
	return net, encoder, hist, err
}

// fit trains the auto-encoder net as train does.
func fit(net layers.Module, h hyper, epochs int, seed uint64, noise float64, x, eval *tensor.Tensor, progress *cli.Progress) (*optim.History, error) {
	o := optim.New(net, losses.NewBCE(), h.lr).WithOptimizer(optim.NewAdam(h.lr))
	input, renoise := x, func() {}
	if noise > 0 { // Fit copies each batch from input: new noise each epoch
		rng := rand.New(rand.NewPCG(seed, streamNoise))
		input = tensor.New(x.Shape...)
		renoise = func() { addNoise(input, x, noise, rng) }
		renoise()
	}
	return optim.Fit(o, input, x, optim.Config{
		BatchSize: h.batch, Epochs: epochs, Seed: seed, ValX: eval, ValY: eval,
		Schedule: optim.NewCosineAnnealingLR(o, epochs, 0),
		OnEpoch: func(epoch int, hist *optim.History) error {
			if progress != nil {
				progress.Update(epoch, hist.TrainLoss[epoch-1])
			}
			renoise()
			return nil
		},
	})
}

// addNoise sets dst to src plus Gaussian noise of standard deviation sigma,
// clipped to [0, 1]. The deviates come from internal/portable and the
// product is rounded before the sum (float64(·)), so that no architecture
// fuses them: a seed gives the same noise everywhere.
func addNoise(dst, src *tensor.Tensor, sigma float64, rng *rand.Rand) {
	for i, v := range src.Data {
		dst.Data[i] = min(1, max(0, v+float64(sigma*portable.Norm(rng))))
	}
}

// bce returns the mean binary cross-entropy of net's reconstructions of x.
func bce(net layers.Module, x *tensor.Tensor) float64 {
	loss, _ := optim.Evaluate(net, losses.NewBCE(), x, x, 500, nil)
	return loss
}

// run parses the command line args and runs the experiment, the summary on
// stdout and the progress on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("autoencoder", stderr)
	cfg := cli.Register(fs, "autoencoder", cli.Config{Epochs: 20, LR: 3e-3, Batch: 16, Seed: 1})
	var src digits.Source
	src.RegisterFlags(fs)
	h := hyper{hidden: 100, code: 10} // the report's widths
	fs.IntVar(&h.hidden, "hidden", h.hidden, "`width` of the hidden layers")
	fs.IntVar(&h.code, "code", h.code, "`size` of the code (with -grid: of the configuration retrained)")
	grid := fs.Bool("grid", false, "grid search over lr, hidden width, code size and batch size first, then retrain the best")
	gridEpochs := fs.Int("grid-epochs", 0, "`epochs` of each configuration of the grid (default: -epochs, 2 with -quick)")
	workers := fs.Int("workers", 0, "networks of the grid and the studies trained at `once` (default: the number of cores)")
	studies := fs.Bool("studies", true, "run the studies beyond the report: denoising, classification, tied weights, k-means, a 2-d code")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	s := &summary{tsneIterations: 1000, noiseLevels: []float64{0.1, 0.2, 0.3, 0.4, 0.5}, gridSpace: fullGrid()}
	nTrain, nTest := 0, 0
	if cfg.Quick { // a subset, fewer epochs, a shorter t-SNE, a smaller grid and study
		cfg.Epochs, nTrain, nTest = min(cfg.Epochs, 8), 1000, 300
		s.tsneIterations, s.noiseLevels = 300, []float64{0.3}
		s.gridSpace = []hyper{{1e-3, 100, 10, 32}, {3e-3, 100, 10, 32}}
		if *gridEpochs == 0 {
			*gridEpochs = 2
		}
	}
	if *gridEpochs == 0 {
		*gridEpochs = cfg.Epochs
	}
	h.lr, h.batch = cfg.LR, cfg.Batch
	switch err := cfg.Check(); {
	case err != nil:
		return err
	case h.hidden < 1 || h.code < 1:
		return cli.Usagef("-hidden and -code must be positive, have %d and %d", h.hidden, h.code)
	case *gridEpochs < 1:
		return cli.Usagef("-grid-epochs must be positive, have %d", *gridEpochs)
	}
	if err := cfg.MakeOut(); err != nil { // fail now, not after training
		return err
	}
	trainSet, test, err := digits.LoadSets(src, cfg.Quick, nTrain, nTest, 0, nil)
	if err != nil {
		return err
	}
	s.train, s.test, s.data, s.quick, s.seed, s.epochs = trainSet, test, digits.Describe(trainSet, test), cfg.Quick, cfg.Seed, cfg.Epochs

	if *grid {
		// Every configuration trained on five sixths of the training set,
		// scored on the rest: the best of code size -code is retrained.
		start := time.Now()
		kept, held, err := data.SplitIndices(trainSet.Len(), 1.0/6, rand.New(rand.NewPCG(cfg.Seed, streamSplit)))
		if err != nil {
			return err
		}
		fit, val := trainSet.Subset(kept), trainSet.Subset(held)
		s.grid = make([]gridPoint, len(s.gridSpace))
		err = parallel(len(s.gridSpace), *workers, func(i int) error {
			g := s.gridSpace[i]
			net, _, _, err := train(g, *gridEpochs, cfg.Seed, 0, fit.X, nil, nil)
			if err != nil {
				return fmt.Errorf("grid search, %+v: %w", g, err)
			}
			s.grid[i] = gridPoint{hyper: g, valLoss: bce(net, val.X), testLoss: bce(net, test.X)}
			fmt.Fprintf(stderr, "grid search: %+v: validation BCE %.4f\n", g, s.grid[i].valLoss)
			return nil
		})
		if err != nil {
			return err
		}
		s.gridTime = time.Since(start)
		h = bestWithCode(s.grid, h.code).hyper
	}

	// The report's auto-encoder (or the grid's best), its test scores and
	// the t-SNE map of its codes.
	s.hyper = h
	s.net, s.encoder, s.history, err = train(h, cfg.Epochs, cfg.Seed, 0, trainSet.X, test.X, cli.NewProgress(stderr, "auto-encoder", cfg.Epochs))
	if err != nil {
		return err
	}
	s.testLoss = bce(s.net, test.X)
	s.testMSE = meanSquaredError(forward(s.net, test.X), test.X)
	start := time.Now()
	s.tsne, err = tsne.Embed(forward(s.encoder, test.X), tsne.Options{Iterations: s.tsneIterations, Rand: rand.New(rand.NewPCG(cfg.Seed, streamTSNE))})
	if err != nil {
		return fmt.Errorf("t-SNE: %w", err)
	}
	s.tsneTime = time.Since(start)

	if *studies {
		if err := denoising(s, h, cfg, *workers, stderr); err != nil {
			return err
		}
		if err := classify(s, cfg); err != nil {
			return err
		}
		if err := suggestions(s, h, cfg, *workers, stderr); err != nil {
			return err
		}
	}
	figures, err := s.writeFigures(cfg.Out)
	if err != nil {
		return err
	}
	if cfg.Markdown {
		return s.writeMarkdown(stdout, figures)
	}
	return s.writeText(stdout, figures)
}

// denoising trains a denoising auto-encoder of the settings h at each noise
// level, and scores it and the plain one on the test set made noisy: the
// mean squared error per pixel against the clean digits.
func denoising(s *summary, h hyper, cfg *cli.Config, workers int, stderr io.Writer) error {
	clean := meanSquaredError(forward(s.net, s.test.X), s.test.X)
	s.denoising = make([]noiseLevel, 1+len(s.noiseLevels))
	s.denoising[0] = noiseLevel{sigma: 0, plainMSE: clean, denoisingMSE: clean} // without noise, both are the plain one
	return parallel(len(s.noiseLevels), workers, func(i int) error {
		sigma := s.noiseLevels[i]
		net, _, _, err := train(h, cfg.Epochs, cfg.Seed, sigma, s.train.X, nil, nil)
		if err != nil {
			return fmt.Errorf("denoising, σ = %g: %w", sigma, err)
		}
		noisy := tensor.New(s.test.X.Shape...) // the same noisy test set for both models
		addNoise(noisy, s.test.X, sigma, rand.New(rand.NewPCG(cfg.Seed, streamNoise+uint64(i+1)<<8)))
		n := noiseLevel{sigma: sigma, noisy: noisy, plain: forward(s.net, noisy), denoised: forward(net, noisy)}
		n.inputMSE = meanSquaredError(noisy, s.test.X)
		n.plainMSE = meanSquaredError(n.plain, s.test.X)
		n.denoisingMSE = meanSquaredError(n.denoised, s.test.X)
		s.denoising[i+1] = n
		fmt.Fprintf(stderr, "denoising σ = %g: MSE %.4f\n", sigma, n.denoisingMSE)
		return nil
	})
}

// classifierLR is the learning rate of the classifiers' Adam.
const classifierLR = 3e-3

// classify trains a linear classifier and an MLP with 32 TanH hidden units
// on the codes of the trained encoder and, the same way, on the raw pixels,
// and scores them on the test set.
func classify(s *summary, cfg *cli.Config) error {
	for _, in := range []struct {
		name        string
		train, test *tensor.Tensor
	}{
		{"code", forward(s.encoder, s.train.X), forward(s.encoder, s.test.X)},
		{"pixels", s.train.X, s.test.X},
	} {
		d := in.train.Cols()
		for _, model := range []string{"linear", "MLP"} {
			rng := rand.New(rand.NewPCG(cfg.Seed, streamClass))
			var net *layers.Sequential
			if model == "linear" {
				net = layers.NewSequential(layers.NewLinear(d, digits.Classes, rng))
			} else {
				net = layers.NewSequential(layers.NewLinear(d, 32, rng), layers.NewTanh(), layers.NewLinear(32, digits.Classes, rng))
			}
			o := optim.New(net, losses.NewSoftmaxCrossEntropy(), classifierLR).WithOptimizer(optim.NewAdam(classifierLR))
			_, err := optim.Fit(o, in.train, s.train.OneHot(), optim.Config{
				BatchSize: cfg.Batch, Epochs: cfg.Epochs, Seed: cfg.Seed,
				Schedule: optim.NewCosineAnnealingLR(o, cfg.Epochs, 0),
			})
			if err != nil {
				return fmt.Errorf("classifier of the %s: %w", in.name, err)
			}
			pred := digits.Predict(net, in.test, 500)
			s.classify = append(s.classify, classifier{input: in.name, dims: d, model: model,
				params: countParameters(net), accuracy: digits.NewConfusion(s.test.Labels, pred).Accuracy()})
		}
	}
	return nil
}

// bestWithCode returns the configuration of code size code with the lowest
// validation loss, or the best of all when none has that code size. A
// larger code always reconstructs better, so comparing code sizes measures
// what the bottleneck costs rather than choosing one.
func bestWithCode(points []gridPoint, code int) gridPoint {
	best := -1
	for _, any := range []bool{false, true} {
		for i, p := range points {
			if (any || p.code == code) && (best < 0 || p.valLoss < points[best].valLoss) {
				best = i
			}
		}
		if best >= 0 {
			break
		}
	}
	return points[best]
}

// forward returns net's output on every row of x, computed in batches of
// 500, as a new tensor.
func forward(net layers.Module, x *tensor.Tensor) *tensor.Tensor {
	n, cols := x.Rows(), x.Cols()
	var out *tensor.Tensor
	for lo := 0; lo < n; lo += 500 {
		hi := min(lo+500, n)
		y := net.Forward(tensor.FromSlice(x.Data[lo*cols:hi*cols], hi-lo, cols))
		if out == nil {
			out = tensor.New(n, y.Cols())
		}
		copy(out.Data[lo*y.Cols():], y.Data)
	}
	return out
}

// meanSquaredError returns the mean of (a − b)² over all elements.
func meanSquaredError(a, b *tensor.Tensor) float64 {
	s := 0.0
	for i, v := range a.Data {
		d := v - b.Data[i]
		s += float64(d * d) // rounded: the same sum on every architecture
	}
	return s / float64(len(a.Data))
}

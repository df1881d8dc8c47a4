package autoencoder

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
)

// GridSpace is the grid search's values of each setting: every combination
// is trained.
var GridSpace = struct {
	LR                  []float64
	Hidden, Code, Batch []int
}{
	LR:     []float64{1e-3, 3e-3, 1e-2},
	Hidden: []int{100, 200},
	Code:   []int{5, 10, 20},
	Batch:  []int{16, 64},
}

// quickGrid is the grid of quick mode: two configurations.
var quickGrid = []Hyper{
	{LR: 1e-3, Hidden: DefaultHidden, Code: DefaultCode, Batch: 32},
	{LR: 3e-3, Hidden: DefaultHidden, Code: DefaultCode, Batch: 32},
}

// validationFraction is the share of the training set the grid scores the
// configurations on.
const validationFraction = 1.0 / 6

// A GridPoint is one configuration of the grid search and its scores.
type GridPoint struct {
	Hyper
	ValLoss  float64 // BCE on the held-out part of the training set: what chooses
	TestLoss float64 // BCE on the test set, for information
}

// gridHypers lists the configurations of GridSpace, learning rate slowest.
func gridHypers() []Hyper {
	var hs []Hyper
	for _, lr := range GridSpace.LR {
		for _, hidden := range GridSpace.Hidden {
			for _, code := range GridSpace.Code {
				for _, batch := range GridSpace.Batch {
					hs = append(hs, Hyper{LR: lr, Hidden: hidden, Code: code, Batch: batch})
				}
			}
		}
	}
	return hs
}

// searchGrid trains every configuration on five sixths of train for
// opts.GridEpochs epochs, opts.Workers at a time, and scores each on the
// rest and on test. Each configuration starts from the seed alone, so its
// scores do not depend on the order or the number of workers.
func searchGrid(cfg *cli.Config, opts Options, train, test *data.Dataset) ([]GridPoint, error) {
	hypers := gridHypers()
	if cfg.Quick {
		hypers = quickGrid
	}
	fit, val, err := gridSplit(train, cfg.Seed)
	if err != nil {
		return nil, err
	}

	points := make([]GridPoint, len(hypers))
	errs := make([]error, len(hypers))
	var (
		mu   sync.Mutex
		done int
	)
	parallel(len(hypers), opts.Workers, func(i int) {
		h := hypers[i]
		t, err := Training{Hyper: h, Epochs: opts.GridEpochs, Seed: cfg.Seed}.Train(fit.X, nil)
		if err != nil {
			errs[i] = fmt.Errorf("grid search, %v: %w", h, err)
			return
		}
		points[i] = GridPoint{Hyper: h, ValLoss: BCE(t.Net, val.X), TestLoss: BCE(t.Net, test.X)}
		mu.Lock()
		done++
		fmt.Fprintf(cfg.Stderr, "grid search %d/%d: %v: validation BCE %.4f (%s)\n", done, len(hypers), h, points[i].ValLoss, t.Time.Round(1e8))
		mu.Unlock()
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return points, nil
}

// gridSplit cuts the training set into the part the grid trains on and the
// part it scores on, validationFraction of it.
func gridSplit(train *data.Dataset, seed uint64) (fit, val *data.Dataset, err error) {
	kept, held, err := data.SplitIndices(train.Len(), validationFraction, rand.New(rand.NewPCG(seed, streamSplit)))
	if err != nil {
		return nil, nil, err
	}
	return train.Subset(kept), train.Subset(held), nil
}

// bestWithCode returns the configuration of code size code with the lowest
// validation loss, or the best of all when none has that code size.
// A larger code always reconstructs better, so comparing code sizes measures
// what the bottleneck costs rather than choosing one.
func bestWithCode(points []GridPoint, code int) GridPoint {
	best := -1
	for _, any := range []bool{false, true} {
		for i, p := range points {
			if (any || p.Code == code) && (best < 0 || p.ValLoss < points[best].ValLoss) {
				best = i
			}
		}
		if best >= 0 {
			break
		}
	}
	return points[best]
}

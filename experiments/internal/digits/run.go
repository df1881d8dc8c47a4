package digits

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/tensor"
)

// LoadSets returns the training and evaluation sets of a run on src: only
// the first nTrain and nTest images (Source.LoadHead) when quick is set, and,
// when validation is in (0, 1), that fraction of the training set held out
// by rng and evaluated on instead of the test set (the -val flag), the rest
// left to train on. validation must be in [0, 1).
func LoadSets(src Source, quick bool, nTrain, nTest int, validation float64, rng *rand.Rand) (train, eval *data.Dataset, err error) {
	if validation < 0 || validation >= 1 {
		return nil, nil, fmt.Errorf("-val must be in [0, 1), have %g", validation)
	}
	if quick {
		train, eval, err = src.LoadHead(nTrain, nTest)
	} else {
		train, eval, err = src.Load()
	}
	if err != nil {
		return nil, nil, err
	}
	if validation > 0 {
		kept, held, err := data.SplitIndices(train.Len(), validation, rng)
		if err != nil {
			return nil, nil, fmt.Errorf("-val: %w", err)
		}
		train, eval = train.Subset(kept), train.Subset(held)
	}
	return train, eval, nil
}

// Shifted returns the training images to fit on and a function that draws
// new shifts for them. With maxShift 0 they are src itself and the function
// does nothing; else they are a copy of src with every image shifted by
// Augment, drawn from rng, and each call of the function shifts them anew.
// optim.Fit copies each batch from the images as it goes, so calling the
// function at the end of an epoch gives the next one new shifts.
func Shifted(src *tensor.Tensor, maxShift int, rng *rand.Rand) (x *tensor.Tensor, reshift func()) {
	if maxShift <= 0 {
		return src, func() {}
	}
	x = tensor.New(src.Shape...)
	reshift = func() { Augment(x, src, maxShift, rng) }
	reshift()
	return x, reshift
}

// PrepareSave creates the directory of the checkpoint file path (when path
// is not empty), so that a bad -save fails before training, not after.
func PrepareSave(path string) error {
	if path == "" {
		return nil
	}
	return os.MkdirAll(filepath.Dir(path), 0o755)
}

// Distorted is Shifted with Distort in place of Augment: a copy of src with
// every image distorted by a Warp drawn from d with rng, and a function that
// draws new Warps for all of them, to call at the end of each epoch.
func Distorted(src *tensor.Tensor, d Distortion, rng *rand.Rand) (x *tensor.Tensor, redraw func()) {
	x = tensor.New(src.Shape...)
	redraw = func() { Distort(x, src, d, rng) }
	redraw()
	return x, redraw
}

package planar

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/tensor"
)

// The data sets of the experiments: the course's three, then the other
// distributions of the report's §5.1.
var (
	CourseKinds = []data.Kind{data.TwoGaussians, data.FourGaussians, data.Checkerboard}
	OtherKinds  = []data.Kind{data.Circles, data.Moons, data.Spirals}
)

// Title returns the name a figure or a table gives to a kind of data.
func Title(k data.Kind) string {
	switch k {
	case data.TwoGaussians:
		return "two Gaussians"
	case data.FourGaussians:
		return "XOR"
	case data.Checkerboard:
		return "checkerboard"
	}
	return k.String()
}

// A Problem is a two-class data set in the plane, labels ±1.
type Problem struct {
	Kind  data.Kind
	Title string
	// X is the n×2 training set and Y its n×1 labels ±1; TestX and
	// TestY the test set, of the same size.
	X, Y, TestX, TestY *tensor.Tensor
}

// NewProblem draws a training set and a test set of n points each of the
// given kind, with the course's options (data.DefaultArtiOptions), from a
// generator seeded with (seed, kind): the same seed gives the same points.
func NewProblem(kind data.Kind, n int, seed uint64) (*Problem, error) {
	rng := RNG(seed, StreamData, kind)
	opts := data.DefaultArtiOptions()
	x, y, err := data.Arti(kind, n, opts, rng)
	if err != nil {
		return nil, fmt.Errorf("training set: %w", err)
	}
	tx, ty, err := data.Arti(kind, n, opts, rng)
	if err != nil {
		return nil, fmt.Errorf("test set: %w", err)
	}
	return &Problem{Kind: kind, Title: Title(kind), X: x, Y: y, TestX: tx, TestY: ty}, nil
}

// Problems returns NewProblem for each kind.
func Problems(kinds []data.Kind, n int, seed uint64) ([]*Problem, error) {
	ps := make([]*Problem, len(kinds))
	for i, k := range kinds {
		p, err := NewProblem(k, n, seed)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return ps, nil
}

// Binary returns a copy of the problem with labels 0/1 instead of ±1, the
// targets of a sigmoid output.
func (p *Problem) Binary() *Problem {
	q := *p
	q.Y = data.SignsToBinary(nil, p.Y)
	q.TestY = data.SignsToBinary(nil, p.TestY)
	return &q
}

// Streams of random numbers: an experiment seeds each generator with its
// -seed and one of these, plus the kind of data, so that the data, the
// initial weights and the order of the batches are independent of each
// other. Changing the number of epochs, say, changes none of them.
const (
	StreamData    = 100
	StreamInit    = 200
	StreamBatches = 300
)

// StreamRegression is the first of the streams of the linear regression,
// which has no kind: RNG(seed, StreamRegression, i) for its i-th generator.
const StreamRegression = 400

// RNG returns the generator of a stream for a kind of data, seeded with
// (seed, stream + kind).
func RNG(seed uint64, stream uint64, kind data.Kind) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream+uint64(kind)))
}

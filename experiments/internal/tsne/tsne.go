package tsne

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/nndiy/nndiy/internal/portable"
	"github.com/nndiy/nndiy/tensor"
)

// Options sets up Embed. The zero value of each field means its default.
type Options struct {
	// Dims is the dimension of the embedding. Default 2.
	Dims int
	// Perplexity is the effective number of neighbours each point's
	// Gaussian covers, in [1, n−1]. Default 30.
	Perplexity float64
	// Iterations is the number of gradient-descent steps. Default 1000.
	Iterations int
	// LearningRate is the step size η. Default ("auto", as in scikit-learn
	// ≥ 1.2): max(n / EarlyExaggeration / 4, 50).
	LearningRate float64
	// EarlyExaggeration is the factor α that multiplies P during the first
	// ExaggerationIters steps. Default 12. Set it to 1 for no exaggeration.
	EarlyExaggeration float64
	// ExaggerationIters is the length of the early-exaggeration phase, and
	// also the step at which the momentum goes from 0.5 to 0.8. Default 250.
	ExaggerationIters int
	// Rand draws the initial embedding. Nil means a generator with a fixed
	// seed, so that Embed is deterministic either way.
	Rand *rand.Rand
	// Workers is the number of goroutines for the O(n²) loops. Default
	// runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
	// Progress, if not nil, is called at each checkpoint (see Result.History).
	Progress func(Checkpoint)
}

// Defaults, and the constants of the optimiser of the reference
// implementation.
const (
	DefaultDims              = 2
	DefaultPerplexity        = 30
	DefaultIterations        = 1000
	DefaultEarlyExaggeration = 12
	DefaultExaggerationIters = 250

	initStd       = 1e-4 // standard deviation of the initial embedding
	momentumEarly = 0.5  // momentum during early exaggeration
	momentumLate  = 0.8  // momentum afterwards
	gainUp        = 0.2  // added to a gain when the gradient keeps its sign
	gainDown      = 0.8  // multiplies a gain when the gradient changes sign
	minGain       = 0.01 // floor of the gains
	checkpointGap = 50   // iterations between two KL checkpoints
)

// AutoLearningRate returns the learning rate used when Options.LearningRate
// is 0: max(n / α / 4, 50) for n points and early exaggeration α. Belkina
// et al. (2019) propose n/α for a gradient without the factor 4;
// scikit-learn's "auto" divides by 4 because its gradient, like this one,
// keeps it.
func AutoLearningRate(n int, alpha float64) float64 {
	return max(float64(n)/alpha/4, 50)
}

// Checkpoint is the cost after a number of iterations.
type Checkpoint struct {
	Iteration int     // gradient steps done
	KL        float64 // KL(P‖Q) in nats, with P not exaggerated
}

// Result is the output of Embed.
type Result struct {
	// Y is the n×Dims embedding, centred on the origin.
	Y *tensor.Tensor
	// KL is the final cost KL(P‖Q), in nats.
	KL float64
	// History holds the cost every 50 iterations from 0 and after the last.
	History []Checkpoint
	// LearningRate is the step size used (the resolved "auto" value).
	LearningRate float64
}

// Embed runs t-SNE on the n×d points x (one point per row) and returns their
// n×Dims embedding. x is not modified.
//
// It returns an error if x is not a 2-D tensor with at least 2 rows and 1
// column, if x holds a NaN or an infinity, or if an option is out of range
// (Perplexity outside [1, n−1], a negative count or rate).
func Embed(x *tensor.Tensor, opt Options) (*Result, error) {
	if err := opt.resolve(x); err != nil {
		return nil, err
	}
	n, d := x.Shape[0], x.Shape[1]
	s := newState(n, opt.Dims, opt.Workers)
	s.p, _ = jointProbabilities(x.Data, n, d, opt.Perplexity, s.workers)
	s.pLogP = entropyTerm(s.p, n, s.workers)
	for k := range s.y {
		s.y[k] = initStd * portable.Norm(opt.Rand) // opt.Rand.NormFloat64(), the same on every architecture
	}
	res := &Result{LearningRate: opt.LearningRate}
	checkpoint := func(it int) {
		c := Checkpoint{Iteration: it, KL: s.klDivergence()}
		res.History = append(res.History, c)
		if opt.Progress != nil {
			opt.Progress(c)
		}
	}
	for it := range opt.Iterations {
		if it%checkpointGap == 0 {
			checkpoint(it)
		}
		alpha, momentum := opt.EarlyExaggeration, momentumEarly
		if it >= opt.ExaggerationIters {
			alpha, momentum = 1, momentumLate
		}
		s.gradient(alpha)
		s.step(momentum, opt.LearningRate)
	}
	checkpoint(opt.Iterations)
	res.KL = res.History[len(res.History)-1].KL
	res.Y = tensor.FromSlice(s.y, n, opt.Dims)
	return res, nil
}

// resolve checks x and opt and fills in the defaults.
func (opt *Options) resolve(x *tensor.Tensor) error {
	if x == nil || len(x.Shape) != 2 {
		var shape []int
		if x != nil {
			shape = x.Shape
		}
		return fmt.Errorf("tsne: need an n×d matrix of points, have shape %v", shape)
	}
	n, d := x.Shape[0], x.Shape[1]
	if n < 2 || d < 1 {
		return fmt.Errorf("tsne: need at least 2 points of at least 1 coordinate, have %d×%d", n, d)
	}
	for k, v := range x.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("tsne: point %d coordinate %d is %v", k/d, k%d, v)
		}
	}
	if opt.Dims == 0 {
		opt.Dims = DefaultDims
	}
	if opt.Perplexity == 0 {
		opt.Perplexity = DefaultPerplexity
	}
	if opt.Iterations == 0 {
		opt.Iterations = DefaultIterations
	}
	if opt.EarlyExaggeration == 0 {
		opt.EarlyExaggeration = DefaultEarlyExaggeration
	}
	if opt.ExaggerationIters == 0 {
		opt.ExaggerationIters = DefaultExaggerationIters
	}
	if opt.LearningRate == 0 {
		opt.LearningRate = AutoLearningRate(n, opt.EarlyExaggeration)
	}
	if opt.Rand == nil {
		opt.Rand = rand.New(rand.NewPCG(1, 2))
	}
	if opt.Workers == 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case opt.Dims < 1:
		return fmt.Errorf("tsne: Dims %d, need at least 1", opt.Dims)
	// Written so that NaN fails too. The entropy of a row over its n−1
	// neighbours is at most ln(n−1) and at least 0.
	case !(opt.Perplexity >= 1 && opt.Perplexity <= float64(n-1)):
		return fmt.Errorf("tsne: perplexity %v out of range [1, %d] for %d points", opt.Perplexity, n-1, n)
	case opt.Iterations < 0:
		return fmt.Errorf("tsne: Iterations %d is negative", opt.Iterations)
	case !(opt.LearningRate > 0) || math.IsInf(opt.LearningRate, 1):
		return fmt.Errorf("tsne: LearningRate %v, need a positive number", opt.LearningRate)
	case !(opt.EarlyExaggeration > 0) || math.IsInf(opt.EarlyExaggeration, 1):
		return fmt.Errorf("tsne: EarlyExaggeration %v, need a positive number", opt.EarlyExaggeration)
	case opt.ExaggerationIters < 0:
		return fmt.Errorf("tsne: ExaggerationIters %d is negative", opt.ExaggerationIters)
	case opt.Workers < 0:
		return fmt.Errorf("tsne: Workers %d is negative", opt.Workers)
	}
	return nil
}

// state is the optimiser's memory: P, the embedding and its update, and the
// per-row sums of the gradient pass.
type state struct {
	n, dims, workers int

	p     []float64 // n×n joint probabilities
	pLogP float64   // Σ p_ij·ln p_ij

	y, update, gains, grad []float64 // n×dims
	a, b                   []float64 // n×dims attractive and repulsive sums
	rowZ, rowKL            []float64 // n, per-row sums
	diff                   [][]float64
}

func newState(n, dims, workers int) *state {
	s := &state{n: n, dims: dims, workers: workers}
	for _, buf := range []*[]float64{&s.y, &s.update, &s.gains, &s.grad, &s.a, &s.b} {
		*buf = make([]float64, n*dims)
	}
	for k := range s.gains {
		s.gains[k] = 1
	}
	s.rowZ = make([]float64, n)
	s.rowKL = make([]float64, n)
	s.diff = make([][]float64, workers)
	for w := range s.diff {
		s.diff[w] = make([]float64, dims)
	}
	return s
}

// step moves the embedding along s.grad by gradient descent with momentum
// and per-coordinate gains (Jacobs 1988, as in van der Maaten's tsne.py and
// scikit-learn): a gain grows by 0.2 while the gradient keeps pointing the
// way the embedding has been moving (update·g < 0) and shrinks by a factor
// 0.8 otherwise, never below 0.01; then
//
//	update = momentum·update − η·gain·g,   y = y + update,
//
// and the embedding is centred again (the cost does not change when it is
// translated).
func (s *state) step(momentum, eta float64) {
	for k, g := range s.grad {
		if s.update[k]*g < 0 {
			s.gains[k] += gainUp
		} else {
			s.gains[k] = max(s.gains[k]*gainDown, minGain)
		}
		s.update[k] = momentum*s.update[k] - eta*s.gains[k]*g
		s.y[k] += s.update[k]
	}
	for k := range s.dims {
		mean := 0.0
		for i := k; i < len(s.y); i += s.dims {
			mean += s.y[i]
		}
		mean /= float64(s.n)
		for i := k; i < len(s.y); i += s.dims {
			s.y[i] -= mean
		}
	}
}

package data

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// Batches cuts a data set into mini-batches, as PyTorch's
// DataLoader(dataset, batch_size, shuffle=True) with its default
// drop_last=False: each epoch visits every example once in a new random
// order, and the last batch of an epoch is smaller when the batch size does
// not divide the number of examples.
//
// An example is a row of the first axis: X may be n×d points, n×L×C
// signals or n×H×W×C images, and a batch of m examples is m×d, m×L×C or
// m×H×W×C.
//
// Each epoch's order is drawn afresh: at the start of every epoch the
// identity permutation 0, 1, …, n−1 is shuffled by rng.Shuffle (a
// Fisher–Yates shuffle), as PyTorch's RandomSampler draws a new
// torch.randperm(n) every epoch. An epoch's order thus depends only on the
// seed and the epoch's number, and Skip can replay the epochs already done
// when a run resumes.
//
// Next copies each batch into tensors the caller owns, so a training loop
// allocates nothing per batch:
//
//	b := data.NewBatches(X, Y, 32, rng)
//	xb, yb := b.NewBuffers()
//	for epoch := 0; epoch < epochs; epoch++ {
//		for b.Next(xb, yb) {
//			// train on xb, yb
//		}
//	}
type Batches struct {
	x, y  *tensor.Tensor
	size  int
	rng   *rand.Rand
	perm  []int // the order of the examples in the current epoch
	pos   int   // where the next batch starts in perm; −1 before an epoch
	batch []int // the examples of the current batch, a window of perm
}

// NewBatches returns batches of batchSize examples of X and, at the same
// rows of their first axis, of Y. Y may be nil when there are no targets.
// A nil rng keeps the examples in their order (shuffle=False). It panics if
// batchSize < 1, X has no axis, or X and Y hold different numbers of
// examples.
func NewBatches(X, Y *tensor.Tensor, batchSize int, rng *rand.Rand) *Batches {
	if batchSize < 1 {
		panic(fmt.Sprintf("data.NewBatches: batch size %d, want ≥ 1", batchSize))
	}
	if X.Dims() == 0 || Y != nil && (Y.Dims() == 0 || Y.Shape[0] != X.Shape[0]) {
		var ys []int
		if Y != nil {
			ys = Y.Shape
		}
		panic(fmt.Sprintf("data.NewBatches: shape mismatch %v and %v (rows differ)", X.Shape, ys))
	}
	return &Batches{x: X, y: Y, size: batchSize, rng: rng, perm: make([]int, X.Shape[0]), pos: -1}
}

// Len returns the number of batches in an epoch, ⌈n/batchSize⌉.
func (b *Batches) Len() int { return (len(b.perm) + b.size - 1) / b.size }

// NewBuffers allocates a pair of tensors for Next, of batchSize examples
// shaped as those of X and of Y; yb is nil when Y is.
func (b *Batches) NewBuffers() (xb, yb *tensor.Tensor) {
	xb = tensor.New(append([]int{b.size}, b.x.Shape[1:]...)...)
	if b.y != nil {
		yb = tensor.New(append([]int{b.size}, b.y.Shape[1:]...)...)
	}
	return xb, yb
}

// Next copies the next batch of examples of X into xb and of Y into yb,
// and reports whether there was one. At the end of an epoch it returns
// false; the call after that starts a new epoch, in a new random order.
//
// Next sets the first axis of xb and yb to the batch's number of examples,
// reusing their storage: their capacity must hold batchSize examples and
// their other axes must be those of X and Y. Buffers made by NewBuffers
// always fit. yb is ignored when Y is nil. It panics if a buffer does not
// fit.
func (b *Batches) Next(xb, yb *tensor.Tensor) bool {
	n := len(b.perm)
	if b.pos < 0 { // a new epoch: a new order
		for i := range b.perm {
			b.perm[i] = i
		}
		b.shuffle()
		b.pos = 0
	}
	if b.pos >= n {
		b.pos, b.batch = -1, nil
		return false
	}
	end := min(b.pos+b.size, n)
	b.batch = b.perm[b.pos:end]
	b.pos = end
	gatherRows(fitRows("xb", xb, b.x, len(b.batch)), b.x, b.batch)
	if b.y != nil {
		gatherRows(fitRows("yb", yb, b.y, len(b.batch)), b.y, b.batch)
	}
	return true
}

// Skip passes over the next epochs without copying any batch: it draws
// their shuffles from rng, so that the epoch after them has the order it
// would have had. A run that stopped after k epochs and resumes calls
// Skip(k) on batches made as the run's were (optim.Fit's StartEpoch does).
// It panics if called in the middle of an epoch or with epochs < 0.
func (b *Batches) Skip(epochs int) {
	if b.pos >= 0 || epochs < 0 {
		panic(fmt.Sprintf("data.Batches.Skip: skip %d epochs at example %d of an epoch, want ≥ 0 epochs between epochs", epochs, b.pos))
	}
	for range epochs {
		b.shuffle()
	}
}

// shuffle draws the order of an epoch; the shuffles of Next and Skip must
// be the same calls, so that Skip replays Next's.
func (b *Batches) shuffle() {
	if b.rng != nil {
		b.rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
	}
}

// Indices returns the rows of X in the current batch, the one the last call
// of Next copied. It is valid until the next call of Next.
func (b *Batches) Indices() []int { return b.batch }

// fitRows resizes the buffer t to m examples shaped as those of src,
// within its capacity, and returns its data.
func fitRows(name string, t, src *tensor.Tensor, m int) []float64 {
	if t == nil || len(t.Shape) != len(src.Shape) || !sameTrailing(t.Shape, src.Shape) || cap(t.Data) < m*exampleLen(src) {
		var shape []int
		if t != nil {
			shape = t.Shape
		}
		panic(fmt.Sprintf("data.Batches.Next: buffer %s of shape %v cannot hold %d rows of shape %v", name, shape, m, src.Shape))
	}
	t.Shape[0] = m
	t.Data = t.Data[:m*exampleLen(src)]
	return t.Data
}

// sameTrailing reports whether a and b, of the same length, agree past
// their first axis.
func sameTrailing(a, b []int) bool {
	for i := 1; i < len(a); i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

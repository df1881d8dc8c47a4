package data

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// Batches cuts a data set into mini-batches, as PyTorch's
// DataLoader(dataset, batch_size, shuffle=True) with its default
// drop_last=False: each epoch visits every row once in a new random order,
// and the last batch of an epoch is smaller when the batch size does not
// divide the number of rows.
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
	perm  []int // the order of the rows in the current epoch
	pos   int   // where the next batch starts in perm; −1 before an epoch
	batch []int // the rows of the current batch, a window of perm
}

// NewBatches returns batches of batchSize rows of X and, at the same rows, of
// Y. Y may be nil when there are no targets. A nil rng keeps the rows in
// their order (shuffle=False). It panics if batchSize < 1 or X and Y have
// different numbers of rows.
func NewBatches(X, Y *tensor.Tensor, batchSize int, rng *rand.Rand) *Batches {
	if batchSize < 1 {
		panic(fmt.Sprintf("data.NewBatches: batch size %d, want ≥ 1", batchSize))
	}
	n := X.Rows()
	if Y != nil && Y.Rows() != n {
		panic(fmt.Sprintf("data.NewBatches: shape mismatch %v and %v (rows differ)", X.Shape, Y.Shape))
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	return &Batches{x: X, y: Y, size: batchSize, rng: rng, perm: perm, pos: -1}
}

// Len returns the number of batches in an epoch, ⌈rows/batchSize⌉.
func (b *Batches) Len() int { return (len(b.perm) + b.size - 1) / b.size }

// NewBuffers allocates a pair of tensors for Next, of batchSize rows and
// the columns of X and of Y; yb is nil when Y is.
func (b *Batches) NewBuffers() (xb, yb *tensor.Tensor) {
	xb = tensor.New(b.size, b.x.Cols())
	if b.y != nil {
		yb = tensor.New(b.size, b.y.Cols())
	}
	return xb, yb
}

// Next copies the next batch of rows of X into xb and of Y into yb, and
// reports whether there was one. At the end of an epoch it returns false;
// the call after that starts a new epoch, in a new random order.
//
// Next sets the first dimension of xb and yb to the batch's number of rows,
// reusing their storage: their capacity must hold batchSize rows and their
// second dimension must be that of X and Y. Buffers made by NewBuffers, or
// by tensor.New(batchSize, cols), always fit. yb is ignored when Y is nil.
// It panics if a buffer does not fit.
func (b *Batches) Next(xb, yb *tensor.Tensor) bool {
	n := len(b.perm)
	if b.pos < 0 {
		if b.rng != nil {
			b.rng.Shuffle(n, func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
		}
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

// Indices returns the rows of X in the current batch, the one the last call
// of Next copied. It is valid until the next call of Next.
func (b *Batches) Indices() []int { return b.batch }

// fitRows resizes the buffer t to m rows of src's columns within its
// capacity, and returns its data.
func fitRows(name string, t, src *tensor.Tensor, m int) []float64 {
	c := src.Shape[1]
	if t == nil || len(t.Shape) != 2 || t.Shape[1] != c || cap(t.Data) < m*c {
		shape := []int(nil)
		if t != nil {
			shape = t.Shape
		}
		panic(fmt.Sprintf("data.Batches.Next: buffer %s of shape %v cannot hold %d rows of shape %v", name, shape, m, src.Shape))
	}
	t.Shape[0] = m
	t.Data = t.Data[:m*c]
	return t.Data
}

package data

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// rowsData returns X with row i = (i, −i) and Y with row i = (2i), so that
// batches can be traced back to their rows.
func rowsData(n int) (X, Y *tensor.Tensor) {
	X, Y = tensor.New(n, 2), tensor.New(n, 1)
	for i := 0; i < n; i++ {
		X.Set(i, 0, float64(i))
		X.Set(i, 1, float64(-i))
		Y.Data[i] = float64(2 * i)
	}
	return X, Y
}

func TestBatchesEpochs(t *testing.T) {
	const n, size = 10, 4
	X, Y := rowsData(n)
	b := NewBatches(X, Y, size, newRNG(1))
	if b.Len() != 3 {
		t.Errorf("Len() = %d, want 3", b.Len())
	}
	xb, yb := b.NewBuffers()
	var orders [][]int
	for epoch := 0; epoch < 3; epoch++ {
		var order, sizes []int
		for b.Next(xb, yb) {
			sizes = append(sizes, xb.Rows())
			if yb.Rows() != xb.Rows() {
				t.Fatalf("xb has %d rows, yb %d", xb.Rows(), yb.Rows())
			}
			for i, r := range b.Indices() {
				if xb.At(i, 0) != float64(r) || xb.At(i, 1) != float64(-r) || yb.At(i, 0) != float64(2*r) {
					t.Fatalf("batch row %d: x %v y %v, want row %d", i, xb.Row(i), yb.Row(i), r)
				}
				order = append(order, r)
			}
		}
		if !slices.Equal(sizes, []int{4, 4, 2}) {
			t.Errorf("epoch %d: batch sizes %v, want [4 4 2]", epoch, sizes)
		}
		if sorted := slices.Sorted(slices.Values(order)); !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Fatalf("epoch %d visited %v", epoch, order)
		}
		orders = append(orders, order)
	}
	if slices.Equal(orders[0], orders[1]) || slices.Equal(orders[1], orders[2]) {
		t.Errorf("epochs in the same order: %v", orders)
	}
	// The same seed gives the same batches.
	b2 := NewBatches(X, Y, size, newRNG(1))
	var order []int
	for b2.Next(xb, yb) {
		order = append(order, b2.Indices()...)
	}
	if !slices.Equal(order, orders[0]) {
		t.Errorf("same seed: %v, then %v", orders[0], order)
	}
}

func TestBatchesInOrderWithoutTargets(t *testing.T) {
	X, _ := rowsData(5)
	b := NewBatches(X, nil, 2, nil)
	xb, yb := b.NewBuffers()
	if yb != nil {
		t.Errorf("NewBuffers without Y gave yb %v", yb)
	}
	var got []float64
	for b.Next(xb, nil) {
		for i := 0; i < xb.Rows(); i++ {
			got = append(got, xb.At(i, 0))
		}
	}
	if !slices.Equal(got, []float64{0, 1, 2, 3, 4}) {
		t.Errorf("rows %v, want them in order", got)
	}
	// An empty data set has no batch.
	if NewBatches(tensor.New(0, 3), nil, 4, newRNG(1)).Next(tensor.New(4, 3), nil) {
		t.Error("a batch of an empty data set")
	}
}

// TestBatchesAllocs checks that an epoch, shuffle included, allocates
// nothing once the batches and buffers exist.
func TestBatchesAllocs(t *testing.T) {
	X, Y := rowsData(100)
	b := NewBatches(X, Y, 32, newRNG(1))
	xb, yb := b.NewBuffers()
	allocs := testing.AllocsPerRun(10, func() {
		for b.Next(xb, yb) {
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per epoch, want 0", allocs)
	}
}

func TestBatchesPanics(t *testing.T) {
	X, Y := rowsData(10)
	tests := []struct {
		name, want string
		f          func()
	}{
		{"batch size", "batch size 0", func() { NewBatches(X, Y, 0, nil) }},
		{"rows", "rows differ", func() { NewBatches(X, tensor.New(9, 1), 4, nil) }},
		{"small buffer", "buffer xb of shape [3 2] cannot hold 4 rows", func() { NewBatches(X, Y, 4, nil).Next(tensor.New(3, 2), tensor.New(4, 1)) }},
		{"columns", "buffer yb of shape [4 2]", func() { NewBatches(X, Y, 4, nil).Next(tensor.New(4, 2), tensor.New(4, 2)) }},
		{"nil", "buffer yb of shape []", func() { NewBatches(X, Y, 4, nil).Next(tensor.New(4, 2), nil) }},
		{"trailing axes", "buffer xb of shape [4 2 1]", func() {
			NewBatches(tensor.New(10, 2, 3), nil, 4, nil).Next(tensor.New(4, 2, 1), nil)
		}},
		{"rank", "buffer xb of shape [4 6]", func() { NewBatches(tensor.New(10, 2, 3), nil, 4, nil).Next(tensor.New(4, 6), nil) }},
		{"no axis", "shape mismatch [] and []", func() { NewBatches(&tensor.Tensor{Data: []float64{1}}, nil, 4, nil) }},
		{"skip mid-epoch", "data.Batches.Skip: skip 1 epochs at example 4", func() {
			b := NewBatches(X, Y, 4, nil)
			b.Next(b.NewBuffers())
			b.Skip(1)
		}},
		{"skip negative", "skip -1 epochs", func() { NewBatches(X, Y, 4, nil).Skip(-1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one containing %q", msg, tt.want)
				}
			}()
			tt.f()
		})
	}
}

// TestBatchesShuffleFromIdentity checks each epoch's order against the
// documented recipe: the identity permutation shuffled by rng.Shuffle at
// the start of every epoch, as PyTorch draws a new randperm each epoch
// (not the previous epoch's order shuffled again).
func TestBatchesShuffleFromIdentity(t *testing.T) {
	const n, size, epochs = 11, 4, 4
	X, Y := rowsData(n)
	b := NewBatches(X, Y, size, rand.New(rand.NewPCG(5, 0)))
	xb, yb := b.NewBuffers()
	rng := rand.New(rand.NewPCG(5, 0))
	for epoch := 1; epoch <= epochs; epoch++ {
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		rng.Shuffle(n, func(i, j int) { want[i], want[j] = want[j], want[i] })
		var got []int
		for b.Next(xb, yb) {
			got = append(got, b.Indices()...)
		}
		if !slices.Equal(got, want) {
			t.Errorf("epoch %d: order %v, want %v", epoch, got, want)
		}
	}
}

// TestBatchesSkip checks that Skip(k) on new batches gives the order the
// same batches have after k epochs of Next, for a resumed run.
func TestBatchesSkip(t *testing.T) {
	X, Y := rowsData(9)
	for _, k := range []int{0, 1, 3} {
		full := NewBatches(X, Y, 2, newRNG(8))
		xb, yb := full.NewBuffers()
		epoch := func(b *Batches) (order []int) {
			for b.Next(xb, yb) {
				order = append(order, b.Indices()...)
			}
			return order
		}
		for range k {
			epoch(full)
		}
		resumed := NewBatches(X, Y, 2, newRNG(8))
		resumed.Skip(k)
		for e := k + 1; e <= k+2; e++ {
			if want, got := epoch(full), epoch(resumed); !slices.Equal(got, want) {
				t.Errorf("Skip(%d), epoch %d: order %v, want %v", k, e, got, want)
			}
		}
	}
}

// TestBatchesAnyShape batches n×L×C and n×H×W×C examples: the buffers keep
// the trailing axes, and each example is copied whole.
func TestBatchesAnyShape(t *testing.T) {
	tests := []struct {
		name   string
		xShape []int
		yShape []int
	}{
		{"signals", []int{7, 5, 2}, []int{7, 3}},
		{"images", []int{7, 4, 3, 2}, []int{7, 2, 2}},
		{"scalars", []int{7}, []int{7, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			X, Y := tensor.New(tt.xShape...), tensor.New(tt.yShape...)
			for i := range X.Data {
				X.Data[i] = float64(i)
			}
			for i := range Y.Data {
				Y.Data[i] = -float64(i)
			}
			rx, ry := X.Len()/7, Y.Len()/7
			b := NewBatches(X, Y, 3, newRNG(2))
			xb, yb := b.NewBuffers()
			var sizes []int
			for b.Next(xb, yb) {
				m := len(b.Indices())
				sizes = append(sizes, m)
				if xb.Shape[0] != m || !slices.Equal(xb.Shape[1:], tt.xShape[1:]) || !slices.Equal(yb.Shape[1:], tt.yShape[1:]) {
					t.Fatalf("buffers of shapes %v and %v for %d examples of %v and %v", xb.Shape, yb.Shape, m, tt.xShape, tt.yShape)
				}
				for k, r := range b.Indices() {
					if !slices.Equal(xb.Data[k*rx:(k+1)*rx], X.Data[r*rx:(r+1)*rx]) || !slices.Equal(yb.Data[k*ry:(k+1)*ry], Y.Data[r*ry:(r+1)*ry]) {
						t.Fatalf("batch example %d is not example %d", k, r)
					}
				}
			}
			if !slices.Equal(sizes, []int{3, 3, 1}) {
				t.Errorf("batch sizes %v, want [3 3 1]", sizes)
			}
		})
	}
}

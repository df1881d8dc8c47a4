package data

import (
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

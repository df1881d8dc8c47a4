package tensor

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// wantPanic fails t unless f panics with a message containing every one of
// the substrings.
func wantPanic(t *testing.T, name string, f func(), substrings ...string) {
	t.Helper()
	msg := panicMessage(f)
	if msg == "" {
		t.Errorf("%s: did not panic", name)
		return
	}
	for _, s := range substrings {
		if !strings.Contains(msg, s) {
			t.Errorf("%s: panic %q does not contain %q", name, msg, s)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		shape []int
		len   int
	}{
		{[]int{2, 3}, 6},
		{[]int{4}, 4},
		{[]int{2, 0, 5}, 0},
		{[]int{}, 1}, // a scalar: the empty product is 1
		{[]int{1, 2, 3, 4}, 24},
	}
	for _, tt := range tests {
		x := New(tt.shape...)
		if x.Len() != tt.len || len(x.Data) != tt.len || x.Dims() != len(tt.shape) || !slices.Equal(x.Shape, tt.shape) {
			t.Errorf("New(%v): shape %v, %d values", tt.shape, x.Shape, x.Len())
		}
		for _, v := range x.Data {
			if v != 0 {
				t.Errorf("New(%v) is not zero: %v", tt.shape, x.Data)
				break
			}
		}
	}
	shape := []int{2, 3}
	x := New(shape...)
	shape[0] = 7
	if x.Shape[0] != 2 {
		t.Error("New keeps the caller's shape slice")
	}
	wantPanic(t, "New(2, -1)", func() { New(2, -1) }, "tensor.New", "[2 -1]")
}

func TestFromSlice(t *testing.T) {
	data := []float64{1, 2, 3, 4, 5, 6}
	x := FromSlice(data, 3, 2)
	if x.At(2, 1) != 6 || x.Rows() != 3 || x.Cols() != 2 {
		t.Fatalf("FromSlice: %v", x)
	}
	data[0] = 10
	if x.At(0, 0) != 10 {
		t.Error("FromSlice copied data; it must share it")
	}
	wantPanic(t, "FromSlice 5 values", func() { FromSlice(make([]float64, 5), 2, 3) }, "tensor.FromSlice", "5", "[2 3]")
	wantPanic(t, "FromSlice negative", func() { FromSlice(nil, -1) }, "tensor.FromSlice", "[-1]")
}

func TestAtSetRow(t *testing.T) {
	x := New(2, 3)
	x.Set(1, 2, 5)
	x.Set(0, 0, -1)
	if !slices.Equal(x.Data, []float64{-1, 0, 0, 0, 0, 5}) {
		t.Fatalf("Set: %v", x.Data)
	}
	if x.At(1, 2) != 5 {
		t.Errorf("At(1, 2) = %v", x.At(1, 2))
	}
	row := x.Row(1)
	if !slices.Equal(row, []float64{0, 0, 5}) || cap(row) != 3 {
		t.Errorf("Row(1) = %v, cap %d", row, cap(row))
	}
	row[0] = 7
	if x.At(1, 0) != 7 {
		t.Error("Row does not share storage")
	}
	for _, ij := range [][2]int{{2, 0}, {0, 3}, {-1, 0}, {0, -1}} {
		wantPanic(t, "At out of range", func() { x.At(ij[0], ij[1]) }, "tensor.At", "out of range", "[2 3]")
		wantPanic(t, "Set out of range", func() { x.Set(ij[0], ij[1], 0) }, "tensor.Set", "out of range")
	}
	for _, i := range []int{2, -1, 1 << 40} {
		wantPanic(t, "Row out of range", func() { x.Row(i) }, "tensor.Row", fmt.Sprintf("index %d", i), "out of range", "[2 3]")
	}
	v := New(6)
	wantPanic(t, "Rows of 1-D", func() { v.Rows() }, "tensor.Rows", "2-D", "[6]")
	wantPanic(t, "Cols of 1-D", func() { v.Cols() }, "tensor.Cols", "[6]")
	wantPanic(t, "At of 1-D", func() { v.At(0, 0) }, "tensor.At", "[6]")
}

func TestReshape(t *testing.T) {
	x := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	tests := []struct {
		shape []int
		want  []int
	}{
		{[]int{3, 2}, []int{3, 2}},
		{[]int{6}, []int{6}},
		{[]int{-1, 2}, []int{3, 2}},
		{[]int{1, -1}, []int{1, 6}},
		{[]int{1, 2, 3}, []int{1, 2, 3}},
	}
	for _, tt := range tests {
		y := x.Reshape(tt.shape...)
		if !slices.Equal(y.Shape, tt.want) {
			t.Errorf("Reshape(%v) shape %v, want %v", tt.shape, y.Shape, tt.want)
		}
		if &y.Data[0] != &x.Data[0] {
			t.Errorf("Reshape(%v) copied the data", tt.shape)
		}
	}
	bad := [][]int{{4, 2}, {-1, 4}, {-1, -1}, {-2, 3}, {0, -1}}
	for _, shape := range bad {
		wantPanic(t, "Reshape", func() { x.Reshape(shape...) }, "tensor.Reshape", "[2 3]")
	}
}

func TestCloneCopyFrom(t *testing.T) {
	x := FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	y := x.Clone()
	y.Data[0], y.Shape[0] = 9, 4
	if x.Data[0] != 1 || x.Shape[0] != 2 {
		t.Error("Clone shares storage")
	}
	z := New(2, 2)
	z.CopyFrom(x)
	if !slices.Equal(z.Data, x.Data) {
		t.Errorf("CopyFrom: %v", z.Data)
	}
	wantPanic(t, "CopyFrom", func() { New(4).CopyFrom(x) }, "tensor.CopyFrom", "[4]", "[2 2]")
}

func TestSameShape(t *testing.T) {
	tests := []struct {
		a, b []int
		want bool
	}{
		{[]int{2, 3}, []int{2, 3}, true},
		{[]int{2, 3}, []int{3, 2}, false},
		{[]int{6}, []int{6, 1}, false},
		{[]int{}, []int{}, true},
	}
	for _, tt := range tests {
		if got := SameShape(New(tt.a...), New(tt.b...)); got != tt.want {
			t.Errorf("SameShape(%v, %v) = %v", tt.a, tt.b, got)
		}
	}
}

func TestClose(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		a, b, rtol, atol float64
		want             bool
	}{
		{1, 1, 0, 0, true},
		{1, 1 + 1e-9, 0, 1e-8, true},
		{1, 1 + 1e-7, 0, 1e-8, false},
		{100, 100.1, 1e-3, 0, true},  // |a−b| = 0.1 ≤ 1e-3·100
		{100.1, 100, 1e-4, 0, false}, // 0.1 > 1e-4·100
		{inf, inf, 0, 0, true},
		{inf, -inf, 1, 1, false},
		{inf, 1e308, 1, 1, false},
		{nan, nan, 1, 1, false},
		{nan, 1, 1, 1, false},
		{0, -0.0, 0, 0, true},
	}
	for _, tt := range tests {
		if got := Close(tt.a, tt.b, tt.rtol, tt.atol); got != tt.want {
			t.Errorf("Close(%v, %v, %v, %v) = %v", tt.a, tt.b, tt.rtol, tt.atol, got)
		}
	}
	a := FromSlice([]float64{1, 2, 3}, 3)
	if !AllClose(a, FromSlice([]float64{1, 2, 3 + 1e-12}, 3), 0, 1e-9) {
		t.Error("AllClose of nearly equal tensors is false")
	}
	if AllClose(a, FromSlice([]float64{1, 2, 3.1}, 3), 0, 1e-9) {
		t.Error("AllClose of different tensors is true")
	}
	if AllClose(a, FromSlice([]float64{1, 2, 3}, 1, 3), 1, 1) {
		t.Error("AllClose of different shapes is true")
	}
}

func TestMaxAbsDiff(t *testing.T) {
	a := FromSlice([]float64{1, 2, 3}, 3)
	if got := MaxAbsDiff(a, FromSlice([]float64{1.5, 2, 0}, 3)); got != 3 {
		t.Errorf("MaxAbsDiff = %v, want 3", got)
	}
	if got := MaxAbsDiff(a, FromSlice([]float64{math.NaN(), 2, 0}, 3)); !math.IsNaN(got) {
		t.Errorf("MaxAbsDiff with a NaN = %v, want NaN", got)
	}
	wantPanic(t, "MaxAbsDiff", func() { MaxAbsDiff(a, New(2)) }, "tensor.MaxAbsDiff", "[3]", "[2]")
}

func TestString(t *testing.T) {
	tests := []struct {
		x    *Tensor
		want string
	}{
		{FromSlice([]float64{1, 2.5, -3, 4}, 2, 2), "Tensor[2 2]\n  [1 2.5]\n  [-3 4]"},
		{FromSlice([]float64{1, 2, 3}, 3), "Tensor[3] [1 2 3]"},
		{New(30, 30), "Tensor[30 30]"},
	}
	for _, tt := range tests {
		if got := tt.x.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

var allocSink *Tensor

// TestNewAllocations pins down that New and FromSlice do not make their
// shape argument escape: New allocates the Tensor, its Shape and its Data,
// and nothing for the caller's variadic slice.
func TestNewAllocations(t *testing.T) {
	data := make([]float64, 12)
	for _, c := range []struct {
		name string
		f    func()
		want float64
	}{
		{"New", func() { allocSink = New(3, 4) }, 3},
		{"FromSlice", func() { allocSink = FromSlice(data, 3, 4) }, 2},
		{"Reshape", func() { allocSink = FromSlice(data, 12).Reshape(3, -1) }, 4},
	} {
		if got := testing.AllocsPerRun(100, c.f); got != c.want {
			t.Errorf("%s: %v allocations, want %v", c.name, got, c.want)
		}
	}
}

// TestReuse checks that Reuse keeps the storage whenever it is large enough,
// whatever the rank, allocates nothing then, and allocates otherwise.
func TestReuse(t *testing.T) {
	buf := New(4, 3)
	data := &buf.Data[0]
	tests := []struct {
		shape []int
		same  bool
	}{
		{[]int{2, 3}, true},     // a short last batch
		{[]int{4, 3}, true},     // back to a full one
		{[]int{12}, true},       // another rank, the same storage
		{[]int{2, 2, 3}, true},  // a third rank
		{[]int{0, 3}, true},     // an empty batch
		{[]int{5, 3}, false},    // too large: a new tensor
		{[]int{5, 3, 1}, false}, // still too large for the original storage
	}
	for _, tt := range tests {
		before := buf
		got := Reuse(buf, tt.shape...)
		if !slices.Equal(got.Shape, tt.shape) || got.Len() != New(tt.shape...).Len() {
			t.Errorf("Reuse(%v): shape %v, %d values", tt.shape, got.Shape, got.Len())
		}
		if reused := got == before && cap(got.Data) > 0 && &got.Data[:1][0] == data; reused != tt.same {
			t.Errorf("Reuse(%v): reused the storage %v, want %v", tt.shape, reused, tt.same)
		}
		if tt.same {
			buf = got
		}
	}
	if got := Reuse(nil, 2, 3); !slices.Equal(got.Shape, []int{2, 3}) || got.Len() != 6 {
		t.Errorf("Reuse(nil, 2, 3) = %v", got)
	}
	if n := testing.AllocsPerRun(100, func() { allocSink = Reuse(buf, 3, 4) }); n != 0 {
		t.Errorf("Reuse into a large enough buffer: %v allocations, want 0", n)
	}
	wantPanic(t, "Reuse(2, -1)", func() { Reuse(buf, 2, -1) }, "tensor.Reuse", "[2 -1]")
}

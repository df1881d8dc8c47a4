package tensor

import (
	"math"
	"slices"
	"testing"
)

// veryClose is the relative tolerance for results that differ from a
// closed form only by the rounding of a few operations.
const veryClose = 1e-15

func TestElementwise(t *testing.T) {
	a := FromSlice([]float64{1, -2, 3, 0.5, 0, -6}, 2, 3)
	b := FromSlice([]float64{4, 5, -6, 2, -1, 3}, 2, 3)
	tests := []struct {
		name string
		op   func(dst *Tensor) *Tensor // dst = op(a, b), for a given or nil dst
		want []float64
	}{
		{"Add", func(d *Tensor) *Tensor { return Add(d, a, b) }, []float64{5, 3, -3, 2.5, -1, -3}},
		{"Sub", func(d *Tensor) *Tensor { return Sub(d, a, b) }, []float64{-3, -7, 9, -1.5, 1, -9}},
		{"Mul", func(d *Tensor) *Tensor { return Mul(d, a, b) }, []float64{4, -10, -18, 1, 0, -18}},
		{"Scale", func(d *Tensor) *Tensor { return Scale(d, a, -2) }, []float64{-2, 4, -6, -1, 0, 12}},
		{"AddScaled", func(d *Tensor) *Tensor { return AddScaled(d, a, 0.5, b) }, []float64{3, 0.5, 0, 1.5, -0.5, -4.5}},
		{"Apply", func(d *Tensor) *Tensor { return Apply(d, a, math.Abs) }, []float64{1, 2, 3, 0.5, 0, 6}},
	}
	for _, tt := range tests {
		got := tt.op(nil)
		if !SameShape(got, a) || !slices.Equal(got.Data, tt.want) {
			t.Errorf("%s(nil, …) = %v, want %v", tt.name, got, tt.want)
		}
		dst := New(2, 3).Fill(math.NaN())
		if got := tt.op(dst); got != dst || !slices.Equal(dst.Data, tt.want) {
			t.Errorf("%s(dst, …) = %v, want %v in dst", tt.name, got.Data, tt.want)
		}
		wantPanic(t, tt.name+" into a wrong dst", func() { tt.op(New(3, 2)) }, "tensor."+tt.name, "[3 2]", "[2 3]")
	}

	// In place: dst may be an operand.
	x := a.Clone()
	Add(x, x, b)
	if !slices.Equal(x.Data, []float64{5, 3, -3, 2.5, -1, -3}) {
		t.Errorf("Add(x, x, b) = %v", x.Data)
	}
	x = a.Clone()
	AddScaled(x, x, -1, x)
	if !slices.Equal(x.Data, make([]float64, 6)) {
		t.Errorf("AddScaled(x, x, -1, x) = %v, want zeros", x.Data)
	}

	c := New(3, 2)
	for name, op := range map[string]func(){
		"tensor.Add":       func() { Add(nil, a, c) },
		"tensor.Sub":       func() { Sub(nil, a, c) },
		"tensor.Mul":       func() { Mul(nil, a, c) },
		"tensor.AddScaled": func() { AddScaled(nil, a, 1, c) },
		"tensor.Dot":       func() { Dot(a, c) },
	} {
		wantPanic(t, name, op, name, "shape mismatch [2 3] and [3 2]")
	}
}

func TestFillSumDot(t *testing.T) {
	x := New(2, 2).Fill(1.5)
	if !slices.Equal(x.Data, []float64{1.5, 1.5, 1.5, 1.5}) {
		t.Errorf("Fill: %v", x.Data)
	}
	a := FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	if got := Sum(a); got != 10 {
		t.Errorf("Sum = %v, want 10", got)
	}
	if got := Sum(New(0)); got != 0 {
		t.Errorf("Sum of nothing = %v", got)
	}
	if got := Dot(a, x); got != 15 {
		t.Errorf("Dot = %v, want 15", got)
	}
}

func TestAddRowVectorColSums(t *testing.T) {
	a := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	v := FromSlice([]float64{10, 20, 30}, 1, 3)
	got := AddRowVector(nil, a, v)
	if want := []float64{11, 22, 33, 14, 25, 36}; !slices.Equal(got.Data, want) || !SameShape(got, a) {
		t.Errorf("AddRowVector = %v, want %v", got, want)
	}
	AddRowVector(a, a, FromSlice([]float64{1, 1, 1}, 3)) // in place, a 1-D vector
	if want := []float64{2, 3, 4, 5, 6, 7}; !slices.Equal(a.Data, want) {
		t.Errorf("AddRowVector in place = %v, want %v", a.Data, want)
	}
	wantPanic(t, "AddRowVector", func() { AddRowVector(nil, a, New(1, 2)) }, "tensor.AddRowVector", "[1 2]", "[2 3]")
	wantPanic(t, "AddRowVector dst", func() { AddRowVector(New(3, 2), a, v) }, "tensor.AddRowVector", "[3 2]", "[2 3]")

	s := ColSums(nil, a)
	if want := []float64{7, 9, 11}; !slices.Equal(s.Data, want) || !slices.Equal(s.Shape, []int{1, 3}) {
		t.Errorf("ColSums = %v, want 1×3 %v", s, want)
	}
	dst := New(3).Fill(math.NaN()) // overwritten, not accumulated
	ColSums(dst, a)
	if want := []float64{7, 9, 11}; !slices.Equal(dst.Data, want) {
		t.Errorf("ColSums into dst = %v, want %v", dst.Data, want)
	}
	if got := ColSums(nil, New(0, 2)); !slices.Equal(got.Data, []float64{0, 0}) {
		t.Errorf("ColSums of no rows = %v", got.Data)
	}
	wantPanic(t, "ColSums dst", func() { ColSums(New(2), a) }, "tensor.ColSums", "[2]", "3")
	wantPanic(t, "ColSums 1-D", func() { ColSums(nil, New(3)) }, "tensor.ColSums", "[3]")
}

// The special cases of the row reductions, with the values torch.max,
// torch.argmax and torch.logsumexp (float64) return for the same rows.
func TestRowReductions(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		row    []float64
		max    float64
		argmax int
		lse    float64
	}{
		{[]float64{1, 2, 3}, 3, 2, 3 + math.Log(1+math.Exp(-1)+math.Exp(-2))},
		{[]float64{3, 1, 3}, 3, 0, 3 + math.Log(2+math.Exp(-2))}, // ties: the first index
		{[]float64{5}, 5, 0, 5},
		{[]float64{1000, 1000}, 1000, 0, 1000 + math.Ln2}, // exp(1000) overflows; the shift avoids it
		{[]float64{-1000, -1000}, -1000, 0, -1000 + math.Ln2},
		{[]float64{0, -inf}, 0, 0, 0},
		{[]float64{-inf, 2, -inf}, 2, 1, 2},
		{[]float64{-inf, -inf}, -inf, 0, -inf},
		{[]float64{inf, 1, inf}, inf, 0, inf},
		{[]float64{1, inf}, inf, 1, inf},
		{[]float64{1, nan, 2}, nan, 1, nan},
		{[]float64{nan, 3, nan}, nan, 0, nan},
		{[]float64{1, inf, nan}, nan, 2, nan},
		{[]float64{-inf, nan}, nan, 1, nan},
	}
	for _, tt := range tests {
		a := FromSlice(tt.row, 1, len(tt.row))
		if got := RowMax(nil, a).Data[0]; !sameFloat(got, tt.max) {
			t.Errorf("RowMax(%v) = %v, want %v", tt.row, got, tt.max)
		}
		if got := RowArgmax(nil, a)[0]; got != tt.argmax {
			t.Errorf("RowArgmax(%v) = %v, want %v", tt.row, got, tt.argmax)
		}
		if got := Argmax(tt.row); got != tt.argmax {
			t.Errorf("Argmax(%v) = %v, want %v", tt.row, got, tt.argmax)
		}
		got := RowLogSumExp(nil, a).Data[0]
		if got != tt.lse && !(math.IsNaN(got) && math.IsNaN(tt.lse)) && !Close(got, tt.lse, veryClose, 0) {
			t.Errorf("RowLogSumExp(%v) = %v, want %v", tt.row, got, tt.lse)
		}
		if lse := LogSumExp(tt.row); !sameFloat(lse, got) {
			t.Errorf("LogSumExp(%v) = %v, RowLogSumExp %v", tt.row, lse, got)
		}
	}
	if got := Argmax(nil); got != -1 {
		t.Errorf("Argmax of nothing = %v, want -1", got)
	}
	if got := LogSumExp(nil); !math.IsInf(got, -1) {
		t.Errorf("LogSumExp of nothing = %v, want -Inf", got)
	}
	if got := RowMax(nil, New(2, 0)); !slices.Equal(got.Data, []float64{math.Inf(-1), math.Inf(-1)}) {
		t.Errorf("RowMax of empty rows = %v, want -Inf", got.Data)
	}
}

func TestRowReductionsShapes(t *testing.T) {
	a := FromSlice([]float64{1, 9, 3, 7, 5, 6}, 3, 2)
	mx := RowMax(nil, a)
	if !slices.Equal(mx.Shape, []int{3, 1}) || !slices.Equal(mx.Data, []float64{9, 7, 6}) {
		t.Errorf("RowMax = %v", mx)
	}
	dst := New(3)
	if got := RowMax(dst, a); got != dst || !slices.Equal(dst.Data, []float64{9, 7, 6}) {
		t.Errorf("RowMax into dst = %v", dst.Data)
	}
	if got := RowArgmax(make([]int, 3), a); !slices.Equal(got, []int{1, 1, 1}) {
		t.Errorf("RowArgmax = %v", got)
	}
	lse := RowLogSumExp(New(1, 3), a)
	for i, want := range []float64{9 + math.Log1p(math.Exp(-8)), 7 + math.Log1p(math.Exp(-4)), 6 + math.Log1p(math.Exp(-1))} {
		if !Close(lse.Data[i], want, veryClose, 0) {
			t.Errorf("RowLogSumExp row %d = %v, want %v", i, lse.Data[i], want)
		}
	}
	wantPanic(t, "RowMax dst", func() { RowMax(New(2), a) }, "tensor.RowMax", "[2]", "3")
	wantPanic(t, "RowLogSumExp dst", func() { RowLogSumExp(New(4), a) }, "tensor.RowLogSumExp", "[4]")
	wantPanic(t, "RowArgmax dst", func() { RowArgmax(make([]int, 2), a) }, "tensor.RowArgmax", "2", "[3 2]")
	wantPanic(t, "RowArgmax empty", func() { RowArgmax(nil, New(2, 0)) }, "tensor.RowArgmax", "[2 0]")
	wantPanic(t, "RowMax 1-D", func() { RowMax(nil, New(3)) }, "tensor.RowMax", "[3]")
}

package tensor

import (
	"fmt"
	"math"
	"strings"
)

// Tensor is a dense, contiguous, row-major array of float64.
//
// The invariant len(Data) == product(Shape) always holds for tensors made by
// this package. Element (i, j) of a 2-D tensor is Data[i*Cols()+j]; more
// generally the last index varies fastest.
type Tensor struct {
	Shape []int
	Data  []float64
}

// New returns a tensor of the given shape filled with zeros.
// It panics if a dimension is negative.
func New(shape ...int) *Tensor {
	n := checkedSize("tensor.New", shape)
	return &Tensor{Shape: copyShape(shape), Data: make([]float64, n)}
}

// FromSlice returns a tensor of the given shape that uses data as its
// storage, without copying: later writes to data are seen by the tensor and
// the other way round. It panics if len(data) is not the product of shape.
func FromSlice(data []float64, shape ...int) *Tensor {
	n := checkedSize("tensor.FromSlice", shape)
	if len(data) != n {
		panic(fmt.Sprintf("tensor.FromSlice: %d values for shape %v (%d elements)", len(data), copyShape(shape), n))
	}
	return &Tensor{Shape: copyShape(shape), Data: data}
}

// Reuse returns t reshaped to shape when its storage can hold that many
// values, and a new zeroed tensor otherwise (t nil or too small). It is how
// the layers and losses keep the buffers they return from one batch to the
// next: the short last batch of an epoch fits in the storage of a full one,
// so a training step stops allocating once the largest batch has been
// seen. A reused tensor's values are stale (whatever it held last): the
// caller overwrites every one. t must be a buffer that the caller owns, not
// a view (Reshape, FromSlice) of someone else's data. It panics if a
// dimension is negative.
func Reuse(t *Tensor, shape ...int) *Tensor {
	if t == nil {
		return New(shape...)
	}
	n := checkedSize("tensor.Reuse", shape)
	t.Shape = append(t.Shape[:0], shape...)
	t.Data = grow(t.Data, n)
	return t
}

// grow returns s resliced to n values, or a new zeroed slice of n values when
// its capacity is smaller: the one reuse rule of the package, for Reuse and
// for Gemm's packing buffers.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// copyShape returns a copy of shape for a panic message. Formatting the
// copy rather than shape itself keeps shape from escaping to the heap, so
// that a call such as New(m, n) does not allocate its variadic slice.
func copyShape(shape []int) []int { return append([]int(nil), shape...) }

func checkedSize(op string, shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("%s: negative dimension in shape %v", op, copyShape(shape)))
		}
		n *= d
	}
	return n
}

// Len returns the number of elements, the product of the shape.
func (t *Tensor) Len() int { return len(t.Data) }

// Dims returns the number of dimensions.
func (t *Tensor) Dims() int { return len(t.Shape) }

// Rows returns the first dimension of a 2-D tensor. It panics otherwise.
func (t *Tensor) Rows() int {
	t.must2D("Rows")
	return t.Shape[0]
}

// Cols returns the second dimension of a 2-D tensor. It panics otherwise.
func (t *Tensor) Cols() int {
	t.must2D("Cols")
	return t.Shape[1]
}

func (t *Tensor) must2D(op string) {
	if len(t.Shape) != 2 {
		panic(fmt.Sprintf("tensor.%s: need a 2-D tensor, have shape %v", op, t.Shape))
	}
}

// At returns element (i, j) of a 2-D tensor.
func (t *Tensor) At(i, j int) float64 {
	t.must2D("At")
	if uint(i) >= uint(t.Shape[0]) || uint(j) >= uint(t.Shape[1]) {
		panic(fmt.Sprintf("tensor.At: index (%d, %d) out of range for shape %v", i, j, t.Shape))
	}
	return t.Data[i*t.Shape[1]+j]
}

// Set sets element (i, j) of a 2-D tensor to v.
func (t *Tensor) Set(i, j int, v float64) {
	t.must2D("Set")
	if uint(i) >= uint(t.Shape[0]) || uint(j) >= uint(t.Shape[1]) {
		panic(fmt.Sprintf("tensor.Set: index (%d, %d) out of range for shape %v", i, j, t.Shape))
	}
	t.Data[i*t.Shape[1]+j] = v
}

// Row returns row i of a 2-D tensor as a slice that shares its storage.
// It panics if i is out of range.
func (t *Tensor) Row(i int) []float64 {
	t.must2D("Row")
	if uint(i) >= uint(t.Shape[0]) {
		panic(fmt.Sprintf("tensor.Row: index %d out of range for shape %v", i, t.Shape))
	}
	c := t.Shape[1]
	return t.Data[i*c : (i+1)*c : (i+1)*c]
}

// Reshape returns a view of t with a new shape that shares t's Data.
// One dimension may be -1: it is inferred from the others. It panics if the
// number of elements would change.
func (t *Tensor) Reshape(dims ...int) *Tensor {
	shape := copyShape(dims) // the view's own shape; dims does not escape
	infer, n := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor.Reshape: bad shape %v for shape %v", shape, t.Shape))
		default:
			n *= d
		}
	}
	if infer >= 0 {
		if n == 0 || len(t.Data)%n != 0 {
			panic(fmt.Sprintf("tensor.Reshape: cannot infer -1 in %v from shape %v", shape, t.Shape))
		}
		shape[infer] = len(t.Data) / n
		n *= shape[infer]
	}
	if n != len(t.Data) {
		panic(fmt.Sprintf("tensor.Reshape: shape %v has %d elements, shape %v has %d", t.Shape, len(t.Data), shape, n))
	}
	return &Tensor{Shape: shape, Data: t.Data}
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float64(nil), t.Data...)}
}

// CopyFrom copies src's values into t. The shapes must be equal.
func (t *Tensor) CopyFrom(src *Tensor) {
	mustSameShape("tensor.CopyFrom", t, src)
	copy(t.Data, src.Data)
}

// SameShape reports whether a and b have the same shape.
func SameShape(a, b *Tensor) bool {
	if len(a.Shape) != len(b.Shape) {
		return false
	}
	for i := range a.Shape {
		if a.Shape[i] != b.Shape[i] {
			return false
		}
	}
	return true
}

func mustSameShape(op string, a, b *Tensor) {
	if !SameShape(a, b) {
		panic(fmt.Sprintf("%s: shape mismatch %v and %v", op, a.Shape, b.Shape))
	}
}

// AllClose reports whether a and b have the same shape and every pair of
// elements satisfies |a-b| ≤ atol + rtol·|b|, as numpy.allclose. NaNs are
// never close; infinities are close only to the same infinity.
func AllClose(a, b *Tensor, rtol, atol float64) bool {
	if !SameShape(a, b) {
		return false
	}
	for i, x := range a.Data {
		if !Close(x, b.Data[i], rtol, atol) {
			return false
		}
	}
	return true
}

// Close reports whether |a-b| ≤ atol + rtol·|b|, with the special cases of
// AllClose.
func Close(a, b, rtol, atol float64) bool {
	if a == b {
		return true
	}
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false
	}
	return math.Abs(a-b) <= atol+rtol*math.Abs(b)
}

// MaxAbsDiff returns the largest |a[i]-b[i]|. The shapes must be equal.
func MaxAbsDiff(a, b *Tensor) float64 {
	mustSameShape("tensor.MaxAbsDiff", a, b)
	m := 0.0
	for i, x := range a.Data {
		if d := math.Abs(x - b.Data[i]); d > m || math.IsNaN(d) {
			m = d
		}
	}
	return m
}

// String formats a tensor for debugging: its shape, then its rows.
func (t *Tensor) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Tensor%v", t.Shape)
	if len(t.Shape) == 2 && t.Len() <= 400 {
		for i := 0; i < t.Shape[0]; i++ {
			fmt.Fprintf(&sb, "\n  %.6g", t.Row(i))
		}
		return sb.String()
	}
	if t.Len() <= 20 {
		fmt.Fprintf(&sb, " %.6g", t.Data)
	}
	return sb.String()
}

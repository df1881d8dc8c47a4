package tensor

import (
	"fmt"
	"math"
)

// The operations in this file follow one convention: the first argument dst
// receives the result and is returned. When dst is nil a new tensor is
// allocated; otherwise dst must have the result's shape, and may be one of
// the operands (the operations are element-wise or read each input element
// before writing the output element that depends on it).
// A training loop that passes its own buffers allocates nothing.

// dstLike returns dst, or a new tensor shaped like a when dst is nil, after
// checking that dst has a's shape.
func dstLike(op string, dst, a *Tensor) *Tensor {
	if dst == nil {
		return New(a.Shape...)
	}
	mustSameShape(op, dst, a)
	return dst
}

// Add sets dst = a + b element-wise.
func Add(dst, a, b *Tensor) *Tensor {
	mustSameShape("tensor.Add", a, b)
	dst = dstLike("tensor.Add", dst, a)
	d, x, y := dst.Data, a.Data, b.Data[:len(a.Data)]
	for i := range x {
		d[i] = x[i] + y[i]
	}
	return dst
}

// Sub sets dst = a − b element-wise.
func Sub(dst, a, b *Tensor) *Tensor {
	mustSameShape("tensor.Sub", a, b)
	dst = dstLike("tensor.Sub", dst, a)
	d, x, y := dst.Data, a.Data, b.Data[:len(a.Data)]
	for i := range x {
		d[i] = x[i] - y[i]
	}
	return dst
}

// Mul sets dst = a ⊙ b, the element-wise (Hadamard) product.
func Mul(dst, a, b *Tensor) *Tensor {
	mustSameShape("tensor.Mul", a, b)
	dst = dstLike("tensor.Mul", dst, a)
	d, x, y := dst.Data, a.Data, b.Data[:len(a.Data)]
	for i := range x {
		d[i] = x[i] * y[i]
	}
	return dst
}

// Scale sets dst = s·a.
func Scale(dst, a *Tensor, s float64) *Tensor {
	dst = dstLike("tensor.Scale", dst, a)
	d := dst.Data
	for i, x := range a.Data {
		d[i] = s * x
	}
	return dst
}

// AddScaled sets dst = a + s·b (the BLAS axpy), the shape of a gradient step.
func AddScaled(dst, a *Tensor, s float64, b *Tensor) *Tensor {
	mustSameShape("tensor.AddScaled", a, b)
	dst = dstLike("tensor.AddScaled", dst, a)
	d, x, y := dst.Data, a.Data, b.Data[:len(a.Data)]
	for i := range x {
		d[i] = x[i] + s*y[i]
	}
	return dst
}

// Apply sets dst[i] = f(a[i]).
func Apply(dst, a *Tensor, f func(float64) float64) *Tensor {
	dst = dstLike("tensor.Apply", dst, a)
	d := dst.Data
	for i, x := range a.Data {
		d[i] = f(x)
	}
	return dst
}

// Fill sets every element of t to v and returns t.
func (t *Tensor) Fill(v float64) *Tensor {
	for i := range t.Data {
		t.Data[i] = v
	}
	return t
}

// Sum returns the sum of all elements.
func Sum(a *Tensor) float64 {
	s := 0.0
	for _, x := range a.Data {
		s += x
	}
	return s
}

// Dot returns Σ a[i]·b[i]. The shapes must be equal.
func Dot(a, b *Tensor) float64 {
	mustSameShape("tensor.Dot", a, b)
	s := 0.0
	y := b.Data[:len(a.Data)]
	for i, x := range a.Data {
		s += x * y[i]
	}
	return s
}

// AddRowVector sets dst = a + v with the 1×n row v added to every row of the
// m×n matrix a: the bias term of a linear layer.
func AddRowVector(dst, a, v *Tensor) *Tensor {
	a.must2D("AddRowVector")
	n := a.Shape[1]
	if v.Len() != n {
		panic(fmt.Sprintf("tensor.AddRowVector: row vector shape %v does not fit matrix shape %v", v.Shape, a.Shape))
	}
	dst = dstLike("tensor.AddRowVector", dst, a)
	vv := v.Data[:n]
	for i := 0; i < a.Shape[0]; i++ {
		d, x := dst.Data[i*n:(i+1)*n], a.Data[i*n:(i+1)*n]
		for j := range vv {
			d[j] = x[j] + vv[j]
		}
	}
	return dst
}

// dstRow returns dst, or a new 1×n tensor when dst is nil, after checking it
// holds n values.
func dstRow(op string, dst *Tensor, n int) *Tensor {
	if dst == nil {
		return New(1, n)
	}
	if dst.Len() != n {
		panic(fmt.Sprintf("%s: destination shape %v does not hold %d values", op, dst.Shape, n))
	}
	return dst
}

// ColSums sets dst[j] = Σᵢ a[i][j] for the m×n matrix a: a 1×n row of column
// sums, the gradient of a bias. The sum runs over i in increasing order.
func ColSums(dst, a *Tensor) *Tensor {
	a.must2D("ColSums")
	n := a.Shape[1]
	dst = dstRow("tensor.ColSums", dst, n)
	d := dst.Data[:n]
	clear(d)
	for i := 0; i < a.Shape[0]; i++ {
		x := a.Data[i*n : (i+1)*n]
		for j := range d {
			d[j] += x[j]
		}
	}
	return dst
}

// dstCol returns dst, or a new m×1 tensor when dst is nil, after checking it
// holds m values.
func dstCol(op string, dst *Tensor, m int) *Tensor {
	if dst == nil {
		return New(m, 1)
	}
	if dst.Len() != m {
		panic(fmt.Sprintf("%s: destination shape %v does not hold %d values", op, dst.Shape, m))
	}
	return dst
}

// RowMax sets dst[i] = maxⱼ a[i][j] for the m×n matrix a (an m×1 column).
// A row holding a NaN has NaN as its maximum; an empty row has −Inf.
func RowMax(dst, a *Tensor) *Tensor {
	a.must2D("RowMax")
	m := a.Shape[0]
	dst = dstCol("tensor.RowMax", dst, m)
	for i := 0; i < m; i++ {
		dst.Data[i] = maxOf(a.Row(i))
	}
	return dst
}

// maxOf returns the largest element of x: the first NaN if x holds one,
// −Inf if x is empty.
func maxOf(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		if math.IsNaN(v) {
			return v
		}
		if v > m {
			m = v
		}
	}
	return m
}

// RowArgmax sets dst[i] = Argmax(row i of a), the predicted class of each
// row of a classifier's output, and returns dst; a nil dst is allocated. It
// panics if a has rows but no columns.
func RowArgmax(dst []int, a *Tensor) []int {
	a.must2D("RowArgmax")
	m, n := a.Shape[0], a.Shape[1]
	if dst == nil {
		dst = make([]int, m)
	}
	if len(dst) != m {
		panic(fmt.Sprintf("tensor.RowArgmax: destination length %d for shape %v", len(dst), a.Shape))
	}
	if m > 0 && n == 0 {
		panic(fmt.Sprintf("tensor.RowArgmax: empty rows in shape %v", a.Shape))
	}
	for i := 0; i < m; i++ {
		dst[i] = Argmax(a.Row(i))
	}
	return dst
}

// Argmax returns the index of the largest element of x, the first one if
// several are equal, as torch.argmax. Special cases:
//
//	Argmax(x) = the index of the first NaN, if x holds a NaN (NaN counts as larger than any number)
//	Argmax(x) = the index of the first +Inf, if x holds +Inf and no NaN
//	Argmax(x) = 0 if every element is −Inf
//	Argmax(x) = −1 if x is empty
func Argmax(x []float64) int {
	if len(x) == 0 {
		return -1
	}
	best := 0
	for j, v := range x {
		if math.IsNaN(v) {
			return j
		}
		if v > x[best] {
			best = j
		}
	}
	return best
}

// RowLogSumExp sets dst[i] = LogSumExp(row i of a) for the m×n matrix a, an
// m×1 column: the normaliser of a row-wise log-softmax.
func RowLogSumExp(dst, a *Tensor) *Tensor {
	a.must2D("RowLogSumExp")
	m := a.Shape[0]
	dst = dstCol("tensor.RowLogSumExp", dst, m)
	for i := 0; i < m; i++ {
		dst.Data[i] = LogSumExp(a.Row(i))
	}
	return dst
}

// LogSumExp returns log Σᵢ exp(xᵢ), computed as
//
//	M + log Σᵢ exp(xᵢ − M)        M = maxᵢ xᵢ
//
// so that no exponential overflows (each is at most exp(0) = 1) and the
// largest term, exp(0), keeps the sum away from log 0. Special cases, as
// torch.logsumexp:
//
//	LogSumExp(x) = NaN if x holds a NaN
//	LogSumExp(x) = +Inf if x holds +Inf
//	LogSumExp(x) = −Inf if every element is −Inf, or x is empty
//
// and an element −Inf adds exp(−Inf) = 0 to the sum. Note that log-softmax,
// x − LogSumExp(x), is NaN wherever x holds +Inf, as torch.log_softmax
// (Inf − Inf); layers.LogSoftmax and losses.SoftmaxCrossEntropy make the
// whole row NaN then.
func LogSumExp(x []float64) float64 {
	mx := maxOf(x)
	if math.IsInf(mx, 0) || math.IsNaN(mx) {
		return mx
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}

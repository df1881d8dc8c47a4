package data

import (
	"fmt"

	"github.com/nndiy/nndiy/tensor"
)

// SignsToBinary sets dst to the labels y, written −1/+1 as the course writes
// them, mapped to 0/1: dst = (y + 1)/2, the targets of a sigmoid output and
// a binary cross-entropy. dst must have y's shape; a nil dst is allocated.
// dst may be y. It panics if a value of y is neither −1 nor +1.
func SignsToBinary(dst, y *tensor.Tensor) *tensor.Tensor {
	if dst == nil {
		dst = tensor.New(y.Shape...)
	}
	if !tensor.SameShape(dst, y) {
		panic(fmt.Sprintf("data.SignsToBinary: shape mismatch %v and %v", dst.Shape, y.Shape))
	}
	for i, v := range y.Data {
		dst.Data[i] = float64(signClass("data.SignsToBinary", i, v))
	}
	return dst
}

// SignsToClasses sets dst[i] to the class index of label y.Data[i]: 0 for −1
// and 1 for +1, the form OneHot and accuracy computations take. A nil dst is
// allocated; otherwise len(dst) must be y.Len(). It panics if a value of y
// is neither −1 nor +1.
func SignsToClasses(dst []int, y *tensor.Tensor) []int {
	if dst == nil {
		dst = make([]int, y.Len())
	}
	if len(dst) != y.Len() {
		panic(fmt.Sprintf("data.SignsToClasses: destination length %d for shape %v", len(dst), y.Shape))
	}
	for i, v := range y.Data {
		dst[i] = signClass("data.SignsToClasses", i, v)
	}
	return dst
}

func signClass(op string, i int, v float64) int {
	switch v {
	case -1:
		return 0
	case +1:
		return 1
	}
	panic(fmt.Sprintf("%s: label %v at index %d is neither -1 nor +1", op, v, i))
}

// OneHot sets dst to the one-hot encoding of labels: the n×classes matrix
// with dst[i][labels[i]] = 1 and zeros elsewhere, the target of a softmax
// output and a cross-entropy. dst must be n×classes; a nil dst is allocated.
// It panics if a label is outside 0 … classes−1.
func OneHot(dst *tensor.Tensor, labels []int, classes int) *tensor.Tensor {
	n := len(labels)
	if dst == nil {
		dst = tensor.New(n, classes)
	}
	if len(dst.Shape) != 2 || dst.Shape[0] != n || dst.Shape[1] != classes {
		panic(fmt.Sprintf("data.OneHot: destination shape %v for %d labels of %d classes", dst.Shape, n, classes))
	}
	dst.Fill(0)
	for i, c := range labels {
		if c < 0 || c >= classes {
			panic(fmt.Sprintf("data.OneHot: label %d at index %d is outside 0…%d", c, i, classes-1))
		}
		dst.Data[i*classes+c] = 1
	}
	return dst
}

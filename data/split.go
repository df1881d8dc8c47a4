package data

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// SplitIndices shuffles the indices 0 … n−1 with rng and cuts them in two, as
// scikit-learn's train_test_split does with a float test_size: the test part
// holds the first ⌈testSize·n⌉ indices of the permutation and the training
// part the rest, each in permutation order. The product testSize·n is
// rounded up in float64 as scikit-learn does, so testSize = 0.07 and n = 100
// give 8 test indices (0.07·100 = 7.000000000000001).
//
// testSize must be in (0, 1), and both parts must be non-empty; otherwise
// SplitIndices returns an error.
func SplitIndices(n int, testSize float64, rng *rand.Rand) (train, test []int, err error) {
	if !(testSize > 0 && testSize < 1) {
		return nil, nil, fmt.Errorf("data: test size %v, want a fraction in (0, 1)", testSize)
	}
	nTest := int(math.Ceil(testSize * float64(n)))
	if nTest == 0 || nTest >= n {
		return nil, nil, fmt.Errorf("data: test size %v of %d samples leaves %d for training and %d for testing; both must be positive", testSize, n, n-nTest, nTest)
	}
	perm := rng.Perm(n)
	return perm[nTest:], perm[:nTest], nil
}

// TrainTestSplit splits the rows of X and y (one example per row) at random
// into a training and a test set, as scikit-learn's
// train_test_split(X, y, test_size=testSize, shuffle=True); the rows are
// chosen by SplitIndices. X and y must have the same number of rows (it
// panics otherwise); a bad testSize is an error.
func TrainTestSplit(X, y *tensor.Tensor, testSize float64, rng *rand.Rand) (Xtrain, Xtest, ytrain, ytest *tensor.Tensor, err error) {
	if X.Rows() != y.Rows() {
		panic(fmt.Sprintf("data.TrainTestSplit: shape mismatch %v and %v (rows differ)", X.Shape, y.Shape))
	}
	train, test, err := SplitIndices(X.Rows(), testSize, rng)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return GatherRows(nil, X, train), GatherRows(nil, X, test), GatherRows(nil, y, train), GatherRows(nil, y, test), nil
}

// GatherRows sets row i of dst to row idx[i] of the 2-D tensor src and
// returns dst: dst is len(idx)×src.Cols(); a nil dst is allocated. It panics
// if an index is out of range or dst has the wrong shape.
func GatherRows(dst, src *tensor.Tensor, idx []int) *tensor.Tensor {
	c := src.Cols()
	if dst == nil {
		dst = tensor.New(len(idx), c)
	}
	if len(dst.Shape) != 2 || dst.Shape[0] != len(idx) || dst.Shape[1] != c {
		panic(fmt.Sprintf("data.GatherRows: destination shape %v for %d rows of shape %v", dst.Shape, len(idx), src.Shape))
	}
	gatherRows(dst.Data, src, idx)
	return dst
}

// gatherRows copies the examples idx of src (rows of its first axis), one
// after the other, into d.
func gatherRows(d []float64, src *tensor.Tensor, idx []int) {
	c, n := exampleLen(src), src.Shape[0]
	for i, r := range idx {
		if uint(r) >= uint(n) {
			panic(fmt.Sprintf("data.GatherRows: row index %d out of range for shape %v", r, src.Shape))
		}
		copy(d[i*c:(i+1)*c], src.Data[r*c:(r+1)*c])
	}
}

// exampleLen returns the number of values in one example of t, a row of its
// first axis: the product of its other axes.
func exampleLen(t *tensor.Tensor) int {
	c := 1
	for _, d := range t.Shape[1:] {
		c *= d
	}
	return c
}

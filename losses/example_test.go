package losses_test

import (
	"fmt"

	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// The mean squared error of a batch, each example's share, and the
// gradient: target first, as in the course.
func ExampleMSE() {
	y := tensor.FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	yhat := tensor.FromSlice([]float64{1, 3, 3, 6}, 2, 2)
	mse := losses.NewMSE()
	fmt.Println(mse.Forward(y, yhat))
	fmt.Println(mse.PerExample(nil, y, yhat))
	fmt.Println(mse.Backward(y, yhat))
	// Output:
	// 1.25
	// [0.5 2]
	// Tensor[2 2]
	//   [0 0.5]
	//   [0 1]
}

// SoftmaxCrossEntropy takes the logits of the last Linear layer and one-hot
// targets; its gradient is (softmax(ŷ) − y)/N.
func ExampleSoftmaxCrossEntropy() {
	y := tensor.FromSlice([]float64{0, 1, 0, 1, 0, 0}, 2, 3)
	logits := tensor.FromSlice([]float64{1, 3, 0, 2, 2, 2}, 2, 3)
	ce := losses.NewSoftmaxCrossEntropy()
	fmt.Printf("%.6f\n", ce.Forward(y, logits))
	fmt.Printf("%.6f\n", ce.PerExample(nil, y, logits))
	fmt.Println(ce.Backward(y, logits))
	// Output:
	// 0.634229
	// [0.169846 1.098612]
	// Tensor[2 3]
	//   [0.0570976 -0.0781026 0.021005]
	//   [-0.333333 0.166667 0.166667]
}

// BCE clamps its logs at −100, as PyTorch: a confident wrong prediction
// costs 100, not +Inf.
func ExampleBCE() {
	y := tensor.FromSlice([]float64{1, 0, 1, 0}, 1, 4)
	yhat := tensor.FromSlice([]float64{0.9, 0.2, 0, 0}, 1, 4)
	bce := losses.NewBCE()
	fmt.Printf("%.6f\n", bce.PerExample(nil, y, yhat))
	// Output:
	// [25.082126]
}

package optim

import (
	"fmt"
	"math"

	"github.com/nndiy/nndiy/tensor"
)

// AccuracyFunc returns the fraction of the rows of a batch that a
// classifier gets right, from the targets y and the outputs ŷ. It must not
// keep or change its arguments.
type AccuracyFunc func(y, yhat *tensor.Tensor) float64

// Accuracy returns the fraction of rows of the N×C output ŷ whose predicted
// class is the target's, for the usual classifiers:
//
//   - C ≥ 2 columns (softmax, log-softmax or raw scores): the predicted
//     class is the argmax of the row of ŷ, the target class the argmax of
//     the row of y (a one-hot row, or class probabilities); the first
//     maximum wins ties, as torch.argmax. y may instead be N×1 and hold
//     class indices 0 … C−1, as the targets of torch's CrossEntropyLoss.
//   - C = 1 column (a sigmoid output with 0/1 targets, as for BCE): the
//     class of a value v is v > 0.5, for ŷ and y alike. Use
//     ThresholdAccuracy(0) for a tanh output with ±1 targets.
//
// A row of ŷ holding NaN counts as wrong. Accuracy of zero rows is NaN.
// It panics if y is neither ŷ's shape nor N×1.
func Accuracy(y, yhat *tensor.Tensor) float64 { return accuracy(y, yhat, 0.5) }

// ThresholdAccuracy returns an AccuracyFunc that classifies a 1-column
// output v as v > t (t = 0 for ±1 targets, 0.5 for 0/1 targets). For
// outputs of two columns or more it is Accuracy.
func ThresholdAccuracy(t float64) AccuracyFunc {
	return func(y, yhat *tensor.Tensor) float64 { return accuracy(y, yhat, t) }
}

func accuracy(y, yhat *tensor.Tensor, t float64) float64 {
	if yhat.Dims() != 2 || y.Dims() != 2 || y.Shape[0] != yhat.Shape[0] || (y.Shape[1] != yhat.Shape[1] && y.Shape[1] != 1) {
		panic(fmt.Sprintf("optim.Accuracy: target shape %v and output shape %v, need N×C and N×C (or N×1 class indices)", y.Shape, yhat.Shape))
	}
	rows, cols := yhat.Shape[0], yhat.Shape[1]
	indices := cols > 1 && y.Shape[1] == 1
	correct := 0
	for i := range rows {
		pr := yhat.Data[i*cols : (i+1)*cols]
		if indices {
			if p := argmax(pr); p >= 0 && float64(p) == y.Data[i] {
				correct++
			}
			continue
		}
		yr := y.Data[i*cols : (i+1)*cols]
		if cols == 1 {
			if pr[0] == pr[0] && (pr[0] > t) == (yr[0] > t) {
				correct++
			}
			continue
		}
		if p := argmax(pr); p >= 0 && p == argmax(yr) {
			correct++
		}
	}
	return float64(correct) / float64(rows)
}

// argmax returns the class a row predicts, tensor.Argmax's index, or −1
// if the row holds a NaN (tensor.Argmax returns a NaN's index, as
// torch.argmax does; a NaN prediction is no class here).
func argmax(x []float64) int {
	j := tensor.Argmax(x)
	if j < 0 || math.IsNaN(x[j]) {
		return -1
	}
	return j
}

package losses_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/layers/gradcheck"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// oneHot returns an n×c matrix with a 1 in a random column of each row.
func oneHot(rng *rand.Rand, n, c int) *tensor.Tensor {
	y := tensor.New(n, c)
	for i := range n {
		y.Set(i, rng.IntN(c), 1)
	}
	return y
}

// probabilities returns an n×c matrix of positive rows summing to 1.
func probabilities(rng *rand.Rand, n, c int) *tensor.Tensor {
	p := tensor.New(n, c).FillUniform(rng, 0.1, 1)
	for i := range n {
		row, s := p.Row(i), 0.0
		for _, v := range row {
			s += v
		}
		for j := range row {
			row[j] /= s
		}
	}
	return p
}

// TestGradients runs every loss's Backward through the one finite-difference
// checker.
func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, c = 5, 4
	logProbs := probabilities(rng, n, c)
	for i, v := range logProbs.Data {
		logProbs.Data[i] = math.Log(v)
	}
	tests := []struct {
		name    string
		l       losses.Loss
		y, yhat *tensor.Tensor
	}{
		{"MSE", losses.NewMSE(), tensor.New(n, c).FillNormal(rng, 0, 1), tensor.New(n, c).FillNormal(rng, 0, 1)},
		{"MSE3D", losses.NewMSE(), tensor.New(2, 3, 2).FillNormal(rng, 0, 1), tensor.New(2, 3, 2).FillNormal(rng, 0, 1)},
		{"BCE", losses.NewBCE(), tensor.New(n, c).FillUniform(rng, 0, 1), tensor.New(n, c).FillUniform(rng, 0.05, 0.95)},
		{"BCEHardTargets", losses.NewBCE(), oneHot(rng, n, c), tensor.New(n, c).FillUniform(rng, 0.05, 0.95)},
		{"CrossEntropy", losses.NewCrossEntropy(), oneHot(rng, n, c), probabilities(rng, n, c)},
		{"CrossEntropySoft", losses.NewCrossEntropy(), probabilities(rng, n, c), probabilities(rng, n, c)},
		{"NLL", losses.NewNLL(), oneHot(rng, n, c), logProbs},
		{"SoftmaxCrossEntropy", losses.NewSoftmaxCrossEntropy(), oneHot(rng, n, c), tensor.New(n, c).FillNormal(rng, 0, 3)},
		{"SoftmaxCrossEntropySoft", losses.NewSoftmaxCrossEntropy(), tensor.New(n, c).FillUniform(rng, 0, 1), tensor.New(n, c).FillNormal(rng, 0, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			maxErr, err := gradcheck.Loss(tt.l, tt.y, tt.yhat)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("max relative error %.2g", maxErr)
		})
	}
}

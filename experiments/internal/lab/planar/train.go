package planar

import (
	"math/rand/v2"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// Training is the course's mini-batch gradient descent on one network.
type Training struct {
	Net  layers.Module
	Loss losses.Loss
	// LR is the step size ε of θ ← θ − ε·∇θ.
	LR float64
	// Epochs and Batch are the number of passes over the data and the
	// number of rows per step; the last batch of an epoch holds the rest.
	Epochs, Batch int
	// RNG shuffles the rows at each epoch (nil: no shuffle).
	RNG *rand.Rand
	// Progress, when not nil, is updated after each epoch.
	Progress *cli.Progress
	// OnBatch, when not nil, is called before each step with the rows of
	// the batch (valid until the next call).
	OnBatch func(epoch int, rows []int)
}

// A Curve is the training loss of a run.
type Curve struct {
	// Step is the loss of each batch, before its update.
	Step []float64
	// Epoch is each epoch's mean loss over its rows, Σ_b n_b·L_b / n:
	// the mean of Step weighted by the batch sizes.
	Epoch []float64
}

// Run trains t.Net on the rows of x with targets y and returns the losses.
// Each step is the course's:
//
//	net.ZeroGrad()
//	ŷ = net.Forward(x),  L = loss.Forward(y, ŷ),  δ = loss.Backward(y, ŷ)
//	net.BackwardUpdateGradient(x, δ)     dL/dθ of every layer
//	net.UpdateParameters(ε)              θ ← θ − ε·dL/dθ
func (t *Training) Run(x, y *tensor.Tensor) Curve {
	batches := data.NewBatches(x, y, t.Batch, t.RNG)
	xb, yb := batches.NewBuffers()
	var c Curve
	n := float64(x.Rows())
	for epoch := 1; epoch <= t.Epochs; epoch++ {
		sum := 0.0
		for batches.Next(xb, yb) {
			if t.OnBatch != nil {
				t.OnBatch(epoch, batches.Indices())
			}
			t.Net.ZeroGrad()
			yhat := t.Net.Forward(xb)
			loss := t.Loss.Forward(yb, yhat)
			t.Net.BackwardUpdateGradient(xb, t.Loss.Backward(yb, yhat))
			t.Net.UpdateParameters(t.LR)
			c.Step = append(c.Step, loss)
			sum += float64(xb.Rows()) * loss
		}
		c.Epoch = append(c.Epoch, sum/n)
		if t.Progress != nil {
			t.Progress.Update(epoch, c.Epoch[epoch-1])
		}
	}
	return c
}

package main

import (
	"fmt"
	"math"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// model is a configured network with its loss and its update rule, built
// from the course's modules:
//
//	Linear(in, h₁) → act₁ → … → Linear(h_k, h_k) → act_k → Linear(h_k, out) [→ Sigmoid]
//
// and trained by the course's optim.Optim.
type model struct {
	net     *layers.Sequential
	loss    losses.Loss
	opt     *optim.Optim
	output  string             // "sigmoid-bce", "mse" or "softmax-ce"
	classes int                // 0 for regression
	outputs int                // the width of the last layer
	acc     optim.AccuracyFunc // nil for regression
	softmax *layers.Softmax    // turns softmax-ce's logits into probabilities for the views
}

// newModel builds the network of c for inputs of in features and the given
// number of classes (0 for regression), with PyTorch's initialisation drawn
// from the seed.
func newModel(c Config, in, classes int) (*model, error) {
	m := &model{output: c.Output, classes: classes, outputs: 1}
	if c.Output == "softmax-ce" || (c.Output == "mse" && classes > 2) {
		m.outputs = classes
	}
	if c.Output == "sigmoid-bce" && classes != 2 {
		return nil, fmt.Errorf("output sigmoid-bce has one unit, for two classes; this data has %d: use softmax-ce or mse", classes)
	}
	if c.Output == "softmax-ce" && classes < 2 {
		return nil, fmt.Errorf("output softmax-ce needs classes; use mse for regression")
	}
	r := rng(c.Seed, streamInit)
	m.net = layers.NewSequential()
	width := in
	for i, h := range c.Hidden {
		m.net.Add(layers.NewLinear(width, h, r), activation(c.Act[i]))
		width = h
	}
	m.net.Add(layers.NewLinear(width, m.outputs, r))
	switch c.Output {
	case "sigmoid-bce":
		m.net.Add(layers.NewSigmoid())
		m.loss, m.acc = losses.NewBCE(), optim.Accuracy
	case "mse":
		m.loss = losses.NewMSE()
		if classes > 0 {
			m.acc = optim.ThresholdAccuracy(0) // ±1 targets
		}
	case "softmax-ce":
		// The fused loss on the logits, as docs/derivations.md advises;
		// the probabilities are computed for the views only.
		m.loss, m.acc = losses.NewSoftmaxCrossEntropy(), optim.Accuracy
		m.softmax = layers.NewSoftmax()
	}
	m.setRule(c.Rule, c.LR)
	return m, nil
}

// setRule gives the network a new update rule, with a fresh state (no
// momentum yet, Adam's moments at zero).
func (m *model) setRule(rule string, lr float64) {
	m.opt = optim.New(m.net, m.loss, lr)
	switch rule {
	case "momentum", "nesterov":
		sgd := optim.NewSGD(lr)
		sgd.Momentum, sgd.Nesterov = 0.9, rule == "nesterov"
		m.opt.WithOptimizer(sgd)
	case "adam":
		m.opt.WithOptimizer(optim.NewAdam(lr))
	}
}

func activation(name string) layers.Module {
	switch name {
	case "sigmoid":
		return layers.NewSigmoid()
	case "relu":
		return layers.NewReLU()
	}
	return layers.NewTanh()
}

// targets returns the loss's targets for class labels: 0/1 for BCE, ±1 for
// the MSE (one column for two classes, ±1 one-hot rows for more), one-hot
// rows for the cross-entropy.
func (m *model) targets(labels []int) *tensor.Tensor {
	switch {
	case m.output == "softmax-ce":
		return data.OneHot(nil, labels, m.classes)
	case m.outputs == 1:
		y := tensor.New(len(labels), 1)
		for i, l := range labels {
			y.Data[i] = float64(l)
			if m.output == "mse" {
				y.Data[i] = float64(2*l - 1)
			}
		}
		return y
	}
	y := data.OneHot(nil, labels, m.classes)
	for i, v := range y.Data {
		y.Data[i] = 2*v - 1
	}
	return y
}

// classify reads the network's output for each row of yhat as a class and
// a confidence in [0, 1], for the decision boundary.
func (m *model) classify(yhat *tensor.Tensor, cls []int, conf []float64) {
	if m.softmax != nil {
		yhat = m.softmax.Forward(yhat)
	}
	for n := range yhat.Rows() {
		row := yhat.Row(n)
		switch {
		case m.output == "sigmoid-bce":
			cls[n], conf[n] = boolClass(row[0] > 0.5), math.Abs(2*row[0]-1)
		case m.outputs == 1: // mse on ±1
			cls[n], conf[n] = boolClass(row[0] > 0), min(math.Abs(row[0]), 1)
		default:
			best, second := 0, -1
			for j := range row {
				if row[j] > row[best] {
					best = j
				}
			}
			for j := range row {
				if j != best && (second < 0 || row[j] > row[second]) {
					second = j
				}
			}
			cls[n] = best
			margin := row[best] - row[second] // probabilities, or ±1 scores
			if m.softmax == nil {
				margin /= 2
			}
			conf[n] = min(max(margin, 0), 1)
		}
	}
}

func boolClass(b bool) int {
	if b {
		return 1
	}
	return 0
}

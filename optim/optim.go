package optim

import (
	"fmt"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// Optim is the course's optimisation step: a network, a loss and a
// learning rate eps, with a Step that trains on one batch.
//
// By default the update is the course's θ ← θ − eps·∇θ, done by the
// network's own UpdateParameters. Set Optimizer (or call WithOptimizer) to
// use one of PyTorch's update rules instead; its learning rate then replaces
// Eps.
type Optim struct {
	Net  layers.Module
	Loss losses.Loss
	// Eps is the learning rate of the default update, used when Optimizer
	// is nil.
	Eps float64
	// Optimizer, when non-nil, updates the parameters instead of
	// Net.UpdateParameters(Eps).
	Optimizer Optimizer

	params []*layers.Parameter // Net.Parameters(), read once
}

// New returns the course's Optim for net, loss and learning rate eps. It
// reads net.Parameters() once: a network must not change its list of
// parameters afterwards.
func New(net layers.Module, loss losses.Loss, eps float64) *Optim {
	checkLR("optim.New", eps)
	return &Optim{Net: net, Loss: loss, Eps: eps, params: net.Parameters()}
}

// WithOptimizer sets o.Optimizer to opt and returns o, for chaining after New.
func (o *Optim) WithOptimizer(opt Optimizer) *Optim {
	o.Optimizer = opt
	return o
}

// Parameters returns the network's parameters, as read by New.
func (o *Optim) Parameters() []*layers.Parameter { return o.params }

// LR returns the learning rate in use: the Optimizer's, or Eps.
func (o *Optim) LR() float64 {
	if o.Optimizer != nil {
		return o.Optimizer.LR()
	}
	return o.Eps
}

// SetLR sets the learning rate in use: the Optimizer's, or Eps. With it a
// schedule can drive an Optim directly.
func (o *Optim) SetLR(lr float64) {
	if o.Optimizer != nil {
		o.Optimizer.SetLR(lr)
		return
	}
	checkLR("optim.Optim.SetLR", lr)
	o.Eps = lr
}

// Step trains on one batch, x (N×in) with targets y, and returns the
// batch's loss before the update:
//
//	Net.ZeroGrad()
//	ŷ = Net.Forward(x),  L = Loss.Forward(y, ŷ),  δ = Loss.Backward(y, ŷ)
//	Net.BackwardUpdateGradient(x, δ)           ∇θ for every parameter
//	update θ with ∇θ
//
// BackwardUpdateGradient of a Sequential back-propagates through the whole
// chain, so no BackwardDelta is needed: dL/dx of the network's input serves
// no update, and computing it would cost a product as large as the first
// layer's weight gradient.
//
// Step updates the parameters whatever the loss; Fit checks that the loss
// is finite first.
func (o *Optim) Step(x, y *tensor.Tensor) float64 {
	loss, _ := o.forwardBackward(x, y)
	o.update()
	return loss
}

// forwardBackward does the first half of Step, up to the gradients, and
// returns the loss and the network's output ŷ (a buffer owned by Net).
func (o *Optim) forwardBackward(x, y *tensor.Tensor) (float64, *tensor.Tensor) {
	if x.Dims() == 0 || y.Dims() == 0 || x.Shape[0] != y.Shape[0] {
		panic(fmt.Sprintf("optim.Optim.Step: input shape %v and target shape %v do not hold the same number of examples", x.Shape, y.Shape))
	}
	o.Net.ZeroGrad()
	yhat := o.Net.Forward(x)
	loss := o.Loss.Forward(y, yhat)
	delta := o.Loss.Backward(y, yhat)
	o.Net.BackwardUpdateGradient(x, delta)
	return loss, yhat
}

func (o *Optim) update() {
	if o.Optimizer != nil {
		o.Optimizer.Step(o.params)
		return
	}
	o.Net.UpdateParameters(o.Eps)
}

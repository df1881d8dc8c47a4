package optim

import (
	"fmt"
	"math"

	"github.com/nndiy/nndiy/layers"
)

// Optimizer is an update rule of torch.optim: given parameters whose Grad
// holds dL/dθ, Step changes their Value.
//
// An Optimizer keeps its state (momentum buffers, moment estimates) per
// parameter, keyed by the *layers.Parameter: it is allocated the first time
// Step sees a parameter and reused afterwards, so that a step allocates
// nothing. Pass the same parameters at every step.
type Optimizer interface {
	// Step updates every parameter's Value from its Grad. It reads the
	// gradients and does not change them.
	Step(params []*layers.Parameter)
	// ZeroGrad sets every parameter's Grad to zero, as
	// torch.optim.Optimizer.zero_grad(set_to_none=False).
	ZeroGrad(params []*layers.Parameter)
	LRSetter
}

// LRSetter is what a learning-rate schedule adjusts: every Optimizer, and
// an *Optim (whose learning rate is its optimizer's, or its Eps).
type LRSetter interface {
	// LR returns the current learning rate.
	LR() float64
	// SetLR sets the learning rate. It panics if lr is negative or NaN.
	SetLR(lr float64)
}

// ZeroGrad sets the gradient of each parameter to zero. The optimizers'
// ZeroGrad methods call it.
func ZeroGrad(params []*layers.Parameter) {
	for _, p := range params {
		clear(p.Grad.Data)
	}
}

// checkLR panics unless lr is a valid learning rate, as torch.optim does
// ("Invalid learning rate").
func checkLR(op string, lr float64) {
	if !(lr >= 0) || math.IsInf(lr, 1) {
		panic(fmt.Sprintf("%s: invalid learning rate %v", op, lr))
	}
}

// checkParam panics if p's value and gradient differ in size, which would
// make an update read past the gradient.
func checkParam(op string, p *layers.Parameter) {
	if len(p.Value.Data) != len(p.Grad.Data) {
		panic(fmt.Sprintf("%s: parameter %q has value shape %v and gradient shape %v", op, p.Name, p.Value.Shape, p.Grad.Shape))
	}
}

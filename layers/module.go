package layers

import "github.com/nndiy/nndiy/tensor"

// Module is the course's module API: a function of its input and of its
// parameters θ, with the two halves of back-propagation kept apart.
//
// x is always the module's input from the forward pass and delta is dL/dy,
// the gradient of the loss with respect to the module's output y.
//
// Forward returns a tensor that the module owns and reuses: it stays valid
// until the next call to Forward on the same module. BackwardDelta likewise
// returns a module-owned buffer, valid until its next call. Copy a result
// (Clone) to keep it longer. Reusing buffers is what lets a training step
// run without allocating.
//
// To write a module of your own, derive its two backward formulas as
// docs/derivations.md does for the modules of this package, and check them
// with gradcheck.Module before training with them. A module without
// parameters embeds NoParameters for ZeroGrad, UpdateParameters and
// Parameters, and writes Forward, BackwardDelta and an empty
// BackwardUpdateGradient: see the LeakyReLU example.
type Module interface {
	// Forward computes the output y for the batch x.
	Forward(x *tensor.Tensor) *tensor.Tensor
	// BackwardUpdateGradient adds dL/dθ into the parameters' gradients.
	// Gradients accumulate across calls until ZeroGrad, as in the course.
	BackwardUpdateGradient(x, delta *tensor.Tensor)
	// BackwardDelta returns dL/dx, shaped like x.
	BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor
	// ZeroGrad sets every parameter gradient to zero.
	ZeroGrad()
	// UpdateParameters takes a plain gradient step θ -= lr·dL/dθ.
	UpdateParameters(lr float64)
	// Parameters lists the module's parameters; nil when it has none.
	Parameters() []*Parameter
}

// Parameter is a learnable tensor and the gradient accumulated for it.
// Value and Grad always have the same shape.
type Parameter struct {
	Name  string
	Value *tensor.Tensor
	Grad  *tensor.Tensor
}

// NewParameter returns a parameter of the given shape with zero value and
// zero gradient.
func NewParameter(name string, shape ...int) *Parameter {
	return &Parameter{Name: name, Value: tensor.New(shape...), Grad: tensor.New(shape...)}
}

// NoParameters gives a module without parameters the three parameter
// methods of Module, which have nothing to do. Embed it, as Tanh, ReLU and
// the other activations of this package do:
//
//	type LeakyReLU struct {
//		layers.NoParameters // ZeroGrad, UpdateParameters, Parameters
//		Slope   float64
//		out, dx *tensor.Tensor
//	}
//
// and write Forward, BackwardDelta and BackwardUpdateGradient (which does
// nothing either, but is the backward pass's half that a reader looks for).
type NoParameters struct{}

// ZeroGrad does nothing: the module has no parameters.
func (NoParameters) ZeroGrad() {}

// UpdateParameters does nothing: the module has no parameters.
func (NoParameters) UpdateParameters(lr float64) {}

// Parameters returns nil: the module has no parameters.
func (NoParameters) Parameters() []*Parameter { return nil }

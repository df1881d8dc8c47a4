// Package layers holds the course's modules: Linear, the activations, the
// convolutions and pooling layers, and Sequential, which chains modules and
// is itself a Module. The course's suggestions have theirs too: Concat runs
// branches side by side (the bonus's two convolutions, one over the rows
// and one over the columns that TransposeImage turns into rows), and
// TiedLinear is the decoder of an auto-encoder with tied weights.
//
// # The Module API
//
// A Module is a function Y = f(X; θ) of a batch X (one example per row) and
// of its parameters θ. Back-propagation is split in two, as in the course:
// given δ = dL/dY, BackwardUpdateGradient adds dL/dθ into each parameter's
// Grad and BackwardDelta returns dL/dX for the module before. Gradients
// accumulate until ZeroGrad; UpdateParameters(lr) takes the plain step
// θ -= lr·dL/dθ (package optim has the other optimizers). A training step:
//
//	net.ZeroGrad()
//	yhat := net.Forward(x)
//	net.Backward(x, loss.Backward(y, yhat)) // Sequential.Backward: both halves
//	net.UpdateParameters(lr)
//
// Each module's file has its forward and backward formulas with the shapes
// in its doc comment; docs/derivations.md derives every one of them from the
// chain rule. Package gradcheck checks a module's gradients, yours included,
// against finite differences.
//
// # Writing your own module
//
// Any type with the six methods of Module is a module, in your own package
// as well as here: it goes into a Sequential, a gradcheck and an optimizer
// like the modules of this package. A module without parameters embeds
// NoParameters for the three parameter methods; its buffers are kept with
// tensor.Reuse. The LeakyReLU example of Module is a complete one, checked
// by gradcheck and trained.
//
// # Conventions
//
// Matrices are batch-major: X is N×in for N examples, a Linear's weight W is
// in×out (the transpose of PyTorch's nn.Linear.weight) so that Y = X·W + b.
// Parameters are named as PyTorch's named_parameters names them: "weight"
// and "bias" in a Linear, "0.weight", "1.2.bias" through Sequentials. The
// default initialisation is PyTorch's, so a model here and in PyTorch with
// the same weights give the same outputs and gradients, which the tests
// check to 1e-12 against golden values from PyTorch.
//
// # Buffers
//
// Forward and BackwardDelta return a tensor owned by the module and reused
// by its next call of the same method: copy it (Clone) to keep it longer.
// A buffer is reallocated only when a batch needs more storage than it has,
// so once the largest batch has been seen a training step allocates nothing.
// Modules that need their output in the backward pass (Tanh, Sigmoid,
// Softmax, LogSoftmax) reuse the one saved by Forward when BackwardDelta
// receives the same x tensor, and recompute it otherwise; as the interface
// says, x must still hold the values Forward saw. Because of these buffers
// a module is not safe for concurrent use, and one module instance belongs
// in one place of a network.
//
// # Panics
//
// A shape mismatch is a programmer error: the module panics with a message
// that names the module, the method and both shapes, as in
//
//	layers.Linear.Forward: input shape [32 255] does not match weight shape [256 100]
package layers

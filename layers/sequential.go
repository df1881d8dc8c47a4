package layers

import (
	"fmt"
	"strconv"

	"github.com/nndiy/nndiy/tensor"
)

// Sequential chains modules: the output of each is the input of the next.
//
//	X₀ = X,  Xᵢ₊₁ = mᵢ.Forward(Xᵢ),  Y = X_k          (k modules)
//
// Back-propagation walks the chain backwards with the chain rule: given
// δ_k = dL/dY, for i = k−1 down to 0,
//
//	mᵢ.BackwardUpdateGradient(Xᵢ, δᵢ₊₁)   adds dL/dθᵢ
//	δᵢ = mᵢ.BackwardDelta(Xᵢ, δᵢ₊₁)       dL/dXᵢ
//
// and δ₀ = dL/dX. Forward keeps the intermediate inputs Xᵢ (each the
// output buffer of the module before, so no copy is made) for the backward
// pass; see docs/derivations.md#sequential.
//
// A Sequential is a Module, so Sequentials nest: an auto-encoder is
// NewSequential(encoder, decoder). Its parameters are named by their path,
// as PyTorch's named_parameters: "0.weight", "1.2.bias".
//
// A module instance must appear only once in a chain (possibly nested):
// its output buffer holds one intermediate result at a time.
type Sequential struct {
	modules []Module
	inputs  []*tensor.Tensor // inputs[i] is Xᵢ from the latest Forward

	params pathParameters // path-named views of the modules' parameters
}

// NewSequential returns the chain of the given modules, in order. With no
// module it is the identity.
func NewSequential(modules ...Module) *Sequential {
	return &Sequential{modules: append([]Module(nil), modules...)}
}

// Add appends modules to the end of the chain and returns s.
func (s *Sequential) Add(modules ...Module) *Sequential {
	s.modules = append(s.modules, modules...)
	return s
}

// Modules returns the chain's modules, in order. The slice is owned by s.
func (s *Sequential) Modules() []Module { return s.modules }

// Forward runs the modules in order on x and returns the last output, a
// buffer owned by the last module (x itself for an empty chain).
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	s.inputs = s.inputs[:0]
	for _, m := range s.modules {
		s.inputs = append(s.inputs, x)
		x = m.Forward(x)
	}
	return x
}

// Backward runs the whole backward pass: for each module from the last,
// BackwardUpdateGradient then BackwardDelta. It adds dL/dθ into every
// parameter's gradient and returns dL/dx, a buffer owned by the first
// module (delta itself for an empty chain). x is the input of the latest
// Forward and delta is dL/dY. It does in one pass what
// BackwardUpdateGradient followed by BackwardDelta do in two.
func (s *Sequential) Backward(x, delta *tensor.Tensor) *tensor.Tensor {
	return s.backward("layers.Sequential.Backward", x, delta, true, true)
}

// BackwardUpdateGradient adds dL/dθ into the gradient of every parameter of
// the chain; it back-propagates δ through every module but the first.
func (s *Sequential) BackwardUpdateGradient(x, delta *tensor.Tensor) {
	s.backward("layers.Sequential.BackwardUpdateGradient", x, delta, true, false)
}

// BackwardDelta returns dL/dx without touching any gradient.
func (s *Sequential) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	return s.backward("layers.Sequential.BackwardDelta", x, delta, false, true)
}

// backward walks the chain from the last module. With update it accumulates
// the parameter gradients; with wantDx it also computes the first module's
// delta, which only the caller needs.
func (s *Sequential) backward(op string, x, delta *tensor.Tensor, update, wantDx bool) *tensor.Tensor {
	if len(s.inputs) != len(s.modules) {
		panic(fmt.Sprintf("%s: called after a Forward through %d modules, chain has %d (call Forward first)", op, len(s.inputs), len(s.modules)))
	}
	if len(s.modules) > 0 {
		mustSameShape(op, "input", x, "Forward's input", s.inputs[0])
	}
	for i := len(s.modules) - 1; i >= 0; i-- {
		m, xi := s.modules[i], s.inputs[i]
		if i == 0 {
			xi = x
		}
		switch {
		case update && (wantDx || i > 0):
			if inner, ok := m.(*Sequential); ok {
				delta = inner.Backward(xi, delta) // one pass instead of two
				continue
			}
			m.BackwardUpdateGradient(xi, delta)
			delta = m.BackwardDelta(xi, delta)
		case update: // the first module, whose delta nobody needs
			m.BackwardUpdateGradient(xi, delta)
		default:
			delta = m.BackwardDelta(xi, delta)
		}
	}
	return delta
}

// ZeroGrad sets every parameter gradient of the chain to zero.
func (s *Sequential) ZeroGrad() {
	for _, m := range s.modules {
		m.ZeroGrad()
	}
}

// UpdateParameters takes the step θ -= lr·dL/dθ in every module.
func (s *Sequential) UpdateParameters(lr float64) {
	for _, m := range s.modules {
		m.UpdateParameters(lr)
	}
}

// Parameters lists the parameters of every module in order, named by their
// path: the parameter "weight" of module 0 is "0.weight", the parameter
// "bias" of module 2 of the Sequential at position 1 is "1.2.bias".
//
// The returned Parameters are views owned by s: their Value and Grad are
// the modules' own tensors, so an optimizer that writes into them updates
// the modules. The same pointers are returned on every call while the chain
// does not change; do not modify the slice.
func (s *Sequential) Parameters() []*Parameter { return s.params.list(s.modules) }

// pathParameters names the parameters of a list of modules by their path,
// "i.name" for the parameter name of module i, for Sequential and Concat.
// It keeps the views it returns, so that the same pointers come back on
// every call while the modules keep their parameters.
type pathParameters struct {
	params  []*Parameter // the path-named views
	sources []*Parameter // sources[k] is the module's parameter behind params[k]
}

// list returns the path-named views of the parameters of modules, in order,
// or nil when they have none.
func (pp *pathParameters) list(modules []Module) []*Parameter {
	k := 0
	for i, m := range modules {
		for _, p := range m.Parameters() {
			if k == len(pp.params) {
				pp.params = append(pp.params, nil)
				pp.sources = append(pp.sources, nil)
			}
			if pp.sources[k] != p {
				pp.sources[k] = p
				pp.params[k] = &Parameter{Name: strconv.Itoa(i) + "." + p.Name}
			}
			// Refresh on every call, in case a module replaced a tensor.
			pp.params[k].Value, pp.params[k].Grad = p.Value, p.Grad
			k++
		}
	}
	pp.params, pp.sources = pp.params[:k], pp.sources[:k]
	if k == 0 {
		return nil
	}
	return pp.params
}

// Package gradcheck compares the gradients a Module or a Loss computes with
// central finite differences, the check every layer of nndiy passes and the
// one to run on a module of your own.
//
// For a module m and an input x, the checker reduces the output to a scalar
//
//	L(x, θ) = Σᵢ wᵢ·m.Forward(x)ᵢ
//
// with fixed random weights w, so that dL/dy = w is a delta that exercises
// every output. The analytic gradients are m.BackwardDelta(x, w) for x and
// what m.BackwardUpdateGradient(x, w) accumulates for each parameter. The
// numeric ones are (L(v+h) − L(v−h)) / 2h for every element v of x and of
// each parameter, in float64.
//
// The error reported for a tensor is max|analytic − numeric| divided by the
// largest magnitude of either gradient: relative to the gradient's scale, so
// that elements whose gradient is nearly zero do not blow it up.
package gradcheck

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// Step is the finite-difference step h. With float64 and smooth functions
// of order-one inputs, the central difference's truncation error h² and its
// rounding error ε/h balance around 1e-5 to 1e-6.
const Step = 1e-6

// Tol is the relative error below which a gradient passes.
const Tol = 1e-6

// Module checks the input gradient and every parameter gradient of m at x.
// It returns the largest relative error found and a non-nil error naming
// the first tensor whose error exceeds Tol. Parameters' gradients are
// zeroed first and left holding the analytic gradient; values are restored.
func Module(m layers.Module, x *tensor.Tensor, rng *rand.Rand) (maxErr float64, err error) {
	x = x.Clone()
	w := m.Forward(x).Clone()
	w.FillUniform(rng, -1, 1)

	loss := func() float64 { return tensor.Dot(w, m.Forward(x)) }

	m.ZeroGrad()
	m.Forward(x)
	m.BackwardUpdateGradient(x, w)
	dx := m.BackwardDelta(x, w).Clone()

	check := func(name string, v, analytic *tensor.Tensor) {
		if !tensor.SameShape(v, analytic) {
			if err == nil {
				err = fmt.Errorf("%s: gradient shape %v differs from value shape %v", name, analytic.Shape, v.Shape)
			}
			return
		}
		numeric := numericGrad(v, loss)
		e := relErr(analytic, numeric)
		if e > maxErr || math.IsNaN(e) {
			maxErr = e
		}
		if (e > Tol || math.IsNaN(e)) && err == nil {
			err = fmt.Errorf("%s: relative error %.3g > %g\nanalytic %v\nnumeric  %v", name, e, Tol, analytic, numeric)
		}
	}
	check("input", x, dx)
	for _, p := range m.Parameters() {
		check("parameter "+p.Name, p.Value, p.Grad.Clone())
	}
	return maxErr, err
}

// Loss checks l.Backward(y, yhat) against finite differences of
// l.Forward(y, ·) at yhat, as Module does.
func Loss(l losses.Loss, y, yhat *tensor.Tensor) (maxErr float64, err error) {
	yhat = yhat.Clone()
	analytic := l.Backward(y, yhat).Clone()
	if !tensor.SameShape(analytic, yhat) {
		return math.Inf(1), fmt.Errorf("gradient shape %v differs from prediction shape %v", analytic.Shape, yhat.Shape)
	}
	numeric := numericGrad(yhat, func() float64 { return l.Forward(y, yhat) })
	maxErr = relErr(analytic, numeric)
	if maxErr > Tol || math.IsNaN(maxErr) {
		return maxErr, fmt.Errorf("relative error %.3g > %g\nanalytic %v\nnumeric  %v", maxErr, Tol, analytic, numeric)
	}
	return maxErr, nil
}

// numericGrad returns the central difference of f with respect to each
// element of v, which f must read. v is restored exactly.
func numericGrad(v *tensor.Tensor, f func() float64) *tensor.Tensor {
	g := tensor.New(v.Shape...)
	for i, orig := range v.Data {
		v.Data[i] = orig + Step
		plus := f()
		v.Data[i] = orig - Step
		minus := f()
		v.Data[i] = orig
		g.Data[i] = (plus - minus) / (2 * Step)
	}
	return g
}

// relErr returns max|a−b| / max(max|a|, max|b|), or max|a−b| when both
// gradients are below 1e-12 (a gradient that is zero everywhere).
func relErr(a, b *tensor.Tensor) float64 {
	diff, scale := 0.0, 0.0
	for i, x := range a.Data {
		y := b.Data[i]
		if d := math.Abs(x - y); d > diff || math.IsNaN(d) {
			diff = d
		}
		scale = math.Max(scale, math.Max(math.Abs(x), math.Abs(y)))
	}
	if scale < 1e-12 {
		return diff
	}
	return diff / scale
}

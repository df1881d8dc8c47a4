package optim

import (
	"fmt"
	"math"

	"github.com/nndiy/nndiy/layers"
)

// Adam is torch.optim.Adam (Kingma & Ba, 2015), with L2 weight decay added
// to the gradient and the AMSGrad variant.
//
// For each parameter θ with gradient g, step t (from 1, counted per
// parameter) computes, in the order of torch 1.13's _single_tensor_adam:
//
//	g ← g + λ·θ                            if WeightDecay λ ≠ 0
//	m ← β₁·m + (1 − β₁)·g                  first moment, from m = 0
//	v ← β₂·v + (1 − β₂)·g·g                second moment, from v = 0
//	v̂ ← max(v̂, v)                          if AMSGrad (v̂ from 0), then v̂ replaces v below
//	c₁ = 1 − β₁ᵗ,  c₂ = 1 − β₂ᵗ            bias corrections
//	d = √v / √c₂ + ε
//	θ ← θ − (lr / c₁)·m / d
//
// The state kept per parameter is m, v, v̂ (with AMSGrad) and t.
//
// Build it with NewAdam: a zero Adam panics. It would have no learning rate,
// and β₁ = β₂ = ε = 0 instead of PyTorch's defaults 0.9, 0.999 and 1e-8: a
// different algorithm, not an unset one.
type Adam struct {
	Beta1, Beta2 float64 // β₁, β₂ in [0, 1); default 0.9, 0.999
	Eps          float64 // ε ≥ 0 added to the denominator; default 1e-8
	WeightDecay  float64 // λ ≥ 0, an L2 penalty added to the gradient; default 0
	AMSGrad      bool    // use the running maximum of v; default false

	lr float64
	adamStore
}

// NewAdam returns Adam with learning rate lr and torch.optim.Adam's other
// defaults. Set the exported fields to change them. It panics if lr is
// negative or NaN.
func NewAdam(lr float64) *Adam {
	checkLR("optim.NewAdam", lr)
	return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, lr: lr, adamStore: newAdamStore()}
}

// LR returns the learning rate.
func (a *Adam) LR() float64 { return a.lr }

// SetLR sets the learning rate.
func (a *Adam) SetLR(lr float64) {
	checkLR("optim.Adam.SetLR", lr)
	a.lr = lr
}

// ZeroGrad sets every parameter's gradient to zero.
func (a *Adam) ZeroGrad(params []*layers.Parameter) { ZeroGrad(params) }

// Step takes one Adam step on every parameter. It panics on a zero Adam
// (not made by NewAdam), and on the settings torch.optim.Adam rejects: β
// outside [0, 1), negative ε or weight decay.
func (a *Adam) Step(params []*layers.Parameter) {
	if !a.built {
		panic("optim.Adam.Step: build it with NewAdam: a zero Adam panics (its betas and epsilon would be 0, not PyTorch's defaults)")
	}
	h := adamHyper{a.lr, a.Beta1, a.Beta2, a.Eps, a.WeightDecay, a.AMSGrad, false}
	h.check("optim.Adam")
	for _, p := range params {
		checkParam("optim.Adam.Step", p)
		h.step(p, stateFor(a.state, p, h.amsgrad))
	}
}

// AdamW is torch.optim.AdamW (Loshchilov & Hutter, 2019): Adam with
// decoupled weight decay. Instead of adding λ·θ to the gradient, each step
// first shrinks the parameter,
//
//	θ ← θ·(1 − lr·λ)
//
// and then takes Adam's step (see Adam) with the plain gradient, in the order
// of torch 1.13's _single_tensor_adamw.
//
// Build it with NewAdamW: a zero AdamW panics, as a zero Adam does.
type AdamW struct {
	Beta1, Beta2 float64 // β₁, β₂ in [0, 1); default 0.9, 0.999
	Eps          float64 // ε ≥ 0 added to the denominator; default 1e-8
	WeightDecay  float64 // λ ≥ 0, decoupled decay; default 0.01
	AMSGrad      bool    // use the running maximum of v; default false

	lr float64
	adamStore
}

// NewAdamW returns AdamW with learning rate lr and torch.optim.AdamW's other
// defaults (note the weight decay of 0.01). Set the exported fields to change
// them. It panics if lr is negative or NaN.
func NewAdamW(lr float64) *AdamW {
	checkLR("optim.NewAdamW", lr)
	return &AdamW{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, lr: lr, adamStore: newAdamStore()}
}

// LR returns the learning rate.
func (a *AdamW) LR() float64 { return a.lr }

// SetLR sets the learning rate.
func (a *AdamW) SetLR(lr float64) {
	checkLR("optim.AdamW.SetLR", lr)
	a.lr = lr
}

// ZeroGrad sets every parameter's gradient to zero.
func (a *AdamW) ZeroGrad(params []*layers.Parameter) { ZeroGrad(params) }

// Step takes one AdamW step on every parameter. It panics on a zero AdamW
// (not made by NewAdamW), and on the settings torch.optim.AdamW rejects: β
// outside [0, 1), negative ε or weight decay.
func (a *AdamW) Step(params []*layers.Parameter) {
	if !a.built {
		panic("optim.AdamW.Step: build it with NewAdamW: a zero AdamW panics (its betas, epsilon and weight decay would be 0, not PyTorch's defaults)")
	}
	h := adamHyper{a.lr, a.Beta1, a.Beta2, a.Eps, a.WeightDecay, a.AMSGrad, true}
	h.check("optim.AdamW")
	for _, p := range params {
		checkParam("optim.AdamW.Step", p)
		h.step(p, stateFor(a.state, p, h.amsgrad))
	}
}

// adamState is what Adam and AdamW keep for one parameter.
type adamState struct {
	t    int       // steps taken
	m, v []float64 // first and second moment estimates
	vMax []float64 // running maximum of v, allocated when AMSGrad is first used
}

// stateFor returns p's state in states, allocating it on first use.
func stateFor(states map[*layers.Parameter]*adamState, p *layers.Parameter, amsgrad bool) *adamState {
	s := states[p]
	if s == nil {
		n := len(p.Value.Data)
		s = &adamState{m: make([]float64, n), v: make([]float64, n)}
		states[p] = s
	}
	if amsgrad && s.vMax == nil {
		s.vMax = make([]float64, len(s.m))
	}
	return s
}

// adamHyper holds one step's hyperparameters, shared by Adam and AdamW.
type adamHyper struct {
	lr, beta1, beta2, eps, wd float64
	amsgrad, decoupled        bool
}

func (h adamHyper) check(op string) {
	switch {
	case !(h.beta1 >= 0 && h.beta1 < 1):
		panic(fmt.Sprintf("%s: invalid beta1 %v, need 0 ≤ β₁ < 1", op, h.beta1))
	case !(h.beta2 >= 0 && h.beta2 < 1):
		panic(fmt.Sprintf("%s: invalid beta2 %v, need 0 ≤ β₂ < 1", op, h.beta2))
	case !(h.eps >= 0):
		panic(fmt.Sprintf("%s: invalid epsilon %v", op, h.eps))
	case !(h.wd >= 0):
		panic(fmt.Sprintf("%s: invalid weight decay %v", op, h.wd))
	}
}

// step updates one parameter. Each line follows one tensor operation of
// torch's _single_tensor_adam / _single_tensor_adamw, element by element,
// keeping its operation order so that the results agree to rounding:
//
//	param.mul_(1 - lr*wd)                                   (AdamW)
//	grad = grad.add(param, alpha=wd)                        (Adam)
//	exp_avg.mul_(beta1).add_(grad, alpha=1-beta1)
//	exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1-beta2)
//	torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)  (AMSGrad)
//	denom = (exp_avg_sq.sqrt() / sqrt(bias_correction2)).add_(eps)
//	param.addcdiv_(exp_avg, denom, value=-step_size)
func (h adamHyper) step(p *layers.Parameter, s *adamState) {
	s.t++
	t := float64(s.t)
	c1 := 1 - math.Pow(h.beta1, t)
	c2 := 1 - math.Pow(h.beta2, t)
	stepSize := h.lr / c1
	sqrtC2 := math.Sqrt(c2)
	shrink := 1 - h.lr*h.wd

	n := len(p.Value.Data)
	theta, grad := p.Value.Data, p.Grad.Data[:n]
	m, v := s.m[:n], s.v[:n]
	var vMax []float64
	if h.amsgrad {
		vMax = s.vMax[:n]
	}
	for i, g := range grad {
		if h.decoupled {
			theta[i] *= shrink
		} else if h.wd != 0 {
			g += h.wd * theta[i]
		}
		m[i] = m[i]*h.beta1 + (1-h.beta1)*g
		v[i] = v[i]*h.beta2 + (1-h.beta2)*g*g
		vi := v[i]
		if h.amsgrad {
			vMax[i] = math.Max(vMax[i], vi)
			vi = vMax[i]
		}
		denom := math.Sqrt(vi)/sqrtC2 + h.eps
		theta[i] += -stepSize * m[i] / denom
	}
}

package optim

import (
	"fmt"

	"github.com/nndiy/nndiy/internal/parts"
	"github.com/nndiy/nndiy/layers"
)

// SGD is torch.optim.SGD: stochastic gradient descent with optional
// momentum, dampening, Nesterov momentum and L2 weight decay. With its
// defaults (no momentum, no decay) a step is the course's θ -= lr·∇θ.
//
// For each parameter θ with gradient g, one step computes, as torch 1.13's
// _single_tensor_sgd:
//
//	g ← g + λ·θ                          if WeightDecay λ ≠ 0
//	if Momentum μ ≠ 0:
//	    b ← g                            at the first step (no dampening)
//	    b ← μ·b + (1 − τ)·g              afterwards, τ = Dampening
//	    g ← g + μ·b                      if Nesterov
//	    g ← b                            otherwise
//	θ ← θ − lr·g
//
// The momentum buffer b is the state kept per parameter. Note the first
// step: PyTorch starts b at g itself, not at (1 − τ)·g.
//
// Build it with NewSGD: a zero SGD panics. It would have no learning rate
// (torch.optim.SGD has no default for it either), and would train nothing.
type SGD struct {
	Momentum    float64 // μ ≥ 0; 0 turns momentum off
	Dampening   float64 // τ; must be 0 with Nesterov
	WeightDecay float64 // λ ≥ 0, an L2 penalty added to the gradient
	Nesterov    bool    // needs Momentum > 0 and Dampening == 0

	lr    float64
	buf   map[*layers.Parameter][]float64 // momentum buffers, by parameter
	built bool                            // made by NewSGD
	job   *nesterovJob                    // nesterovChunks' job, made on first need
}

// errZeroSGD is the panic of a zero SGD's Step.
const errZeroSGD = "optim.SGD.Step: build it with NewSGD: a zero SGD panics (it has no learning rate)"

// NewSGD returns plain SGD with learning rate lr and torch.optim.SGD's
// other defaults (no momentum, dampening or weight decay). Set the exported
// fields to change them. It panics if lr is negative or NaN.
func NewSGD(lr float64) *SGD {
	checkLR("optim.NewSGD", lr)
	return &SGD{lr: lr, buf: make(map[*layers.Parameter][]float64), built: true}
}

// LR returns the learning rate.
func (s *SGD) LR() float64 { return s.lr }

// SetLR sets the learning rate.
func (s *SGD) SetLR(lr float64) {
	checkLR("optim.SGD.SetLR", lr)
	s.lr = lr
}

// ZeroGrad sets every parameter's gradient to zero.
func (s *SGD) ZeroGrad(params []*layers.Parameter) { ZeroGrad(params) }

// Step takes one SGD step on every parameter. It panics on a zero SGD (not
// made by NewSGD), and if the fields are inconsistent in the ways
// torch.optim.SGD rejects: negative momentum or weight decay, or Nesterov
// without momentum or with dampening.
func (s *SGD) Step(params []*layers.Parameter) {
	if !s.built {
		panic(errZeroSGD)
	}
	s.check()
	lr, mu, damp, wd := s.lr, s.Momentum, s.Dampening, s.WeightDecay
	for _, p := range params {
		checkParam("optim.SGD.Step", p)
		theta, grad := p.Value.Data, p.Grad.Data[:len(p.Value.Data)]
		if mu == 0 {
			for i, g := range grad {
				if wd != 0 {
					g += wd * theta[i]
				}
				theta[i] -= lr * g
			}
			continue
		}
		buf, started := s.buf[p]
		if !started {
			buf = make([]float64, len(theta))
			s.buf[p] = buf
		}
		buf = buf[:len(theta)]
		if started && wd == 0 && damp == 0 && s.Nesterov {
			s.nesterovChunks(theta, grad, buf, lr, mu) // the fast path of the CNNs' recipe
			continue
		}
		momentumStep(theta, grad, buf, lr, mu, damp, wd, s.Nesterov, started)
	}
}

// momentumStep is the loop of a step with momentum, as the formulas in
// SGD's doc say.
func momentumStep(theta, grad, buf []float64, lr, mu, damp, wd float64, nesterov, started bool) {
	for i, g := range grad {
		if wd != 0 {
			g += wd * theta[i]
		}
		if started {
			buf[i] = mu*buf[i] + (1-damp)*g
		} else {
			buf[i] = g
		}
		if nesterov {
			g += mu * buf[i]
		} else {
			g = buf[i]
		}
		theta[i] -= lr * g
	}
}

// nesterovStep is momentumStep for the CNNs' recipe, Nesterov momentum
// without dampening or weight decay after the first step, with the
// branches taken out of the loop: the same arithmetic, so the same bits
// (TestNesterovStep). On the Conv1D net's Linear(4064, 100), 406 500
// parameters, the update fell from 19 % to 7.6 % of a one-core profile of
// a training step, about 1.7 to 0.6 ms (docs/performance.md).
func nesterovStep(theta, grad, buf []float64, lr, mu float64) {
	grad, buf = grad[:len(theta)], buf[:len(theta)]
	for i, g := range grad {
		b := mu*buf[i] + g
		buf[i] = b
		theta[i] -= lr * (g + mu*b)
	}
}

// nesterovChunks is nesterovStep cut into chunks that run on all the
// cores when theta is large (package internal/parts): each element is
// computed as nesterovStep computes it, so the bits are the same
// (TestNesterovStep). The update of the Conv1D net's Linear(4064, 100),
// which streams three arrays of 3.3 MB, ran on one goroutine: 7 to 8 % of
// a one-core step that a second core could not share.
func (s *SGD) nesterovChunks(theta, grad, buf []float64, lr, mu float64) {
	n := parts.Chunks(len(theta))
	if n == 1 {
		nesterovStep(theta, grad, buf, lr, mu)
		return
	}
	if s.job == nil {
		s.job = new(nesterovJob)
	}
	j := s.job
	j.theta, j.grad, j.buf, j.lr, j.mu = theta, grad, buf, lr, mu
	parts.Run(&j.Job, j, n)
	j.theta, j.grad, j.buf = nil, nil, nil // drop the references to the parameter
}

// nesterovJob is one parameter's nesterovStep cut into chunks.
type nesterovJob struct {
	parts.Job
	theta, grad, buf []float64
	lr, mu           float64
}

func (j *nesterovJob) RunPart(p int) {
	lo, hi := parts.Chunk(p, len(j.theta))
	nesterovStep(j.theta[lo:hi], j.grad[lo:hi], j.buf[lo:hi], j.lr, j.mu)
}

func (s *SGD) check() {
	switch {
	case !(s.Momentum >= 0):
		panic(fmt.Sprintf("optim.SGD: invalid momentum %v", s.Momentum))
	case !(s.WeightDecay >= 0):
		panic(fmt.Sprintf("optim.SGD: invalid weight decay %v", s.WeightDecay))
	case s.Nesterov && (s.Momentum <= 0 || s.Dampening != 0):
		panic(fmt.Sprintf("optim.SGD: Nesterov momentum needs momentum > 0 and zero dampening, have momentum %v, dampening %v", s.Momentum, s.Dampening))
	}
}

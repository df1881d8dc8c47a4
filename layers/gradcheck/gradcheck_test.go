package gradcheck_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/layers/gradcheck"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// square is Y = X ⊙ X with a backward pass that can be made wrong by a
// factor: dL/dX = factor·2·X ⊙ δ.
type square struct {
	factor  float64
	out, dx *tensor.Tensor
}

func (s *square) Forward(x *tensor.Tensor) *tensor.Tensor {
	s.out = tensor.Mul(nil, x, x)
	return s.out
}
func (s *square) BackwardUpdateGradient(x, delta *tensor.Tensor) {}
func (s *square) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	s.dx = tensor.Scale(nil, tensor.Mul(nil, x, delta), 2*s.factor)
	return s.dx
}
func (s *square) ZeroGrad()                       {}
func (s *square) UpdateParameters(lr float64)     {}
func (s *square) Parameters() []*layers.Parameter { return nil }

// wrongBias is a Linear whose bias gradient is off by a factor.
type wrongBias struct {
	*layers.Linear
	factor float64
}

func (w wrongBias) BackwardUpdateGradient(x, delta *tensor.Tensor) {
	w.Linear.BackwardUpdateGradient(x, delta)
	tensor.Scale(w.Bias.Grad, w.Bias.Grad, w.factor)
}

// wrongMSE is an MSE whose gradient is off by a factor.
type wrongMSE struct {
	*losses.MSE
	factor float64
}

func (w wrongMSE) Backward(y, yhat *tensor.Tensor) *tensor.Tensor {
	g := w.MSE.Backward(y, yhat)
	return tensor.Scale(g, g, w.factor)
}

// TestCatchesWrongGradients checks that the checker fails gradients wrong by
// a small factor and passes the right ones, naming the faulty tensor.
func TestCatchesWrongGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := tensor.New(3, 4).FillNormal(rng, 0, 1)
	y, yhat := tensor.New(3, 4).FillNormal(rng, 0, 1), tensor.New(3, 4).FillNormal(rng, 0, 1)
	const wrong = 1 + 1e-4 // well above Tol, far below what a reader would notice
	moduleTests := []struct {
		name    string
		m       layers.Module
		wantErr string // "" for a correct gradient
	}{
		{"square", &square{factor: 1}, ""},
		{"squareWrong", &square{factor: wrong}, "input"},
		{"linear", wrongBias{layers.NewLinear(4, 2, rng), 1}, ""},
		{"linearWrongBias", wrongBias{layers.NewLinear(4, 2, rng), wrong}, "parameter bias"},
	}
	for _, tt := range moduleTests {
		t.Run(tt.name, func(t *testing.T) {
			maxErr, err := gradcheck.Module(tt.m, x, rng)
			checkResult(t, maxErr, err, tt.wantErr)
		})
	}
	for _, tt := range []struct {
		name    string
		factor  float64
		wantErr string
	}{{"mse", 1, ""}, {"mseWrong", wrong, "relative error"}} {
		t.Run(tt.name, func(t *testing.T) {
			maxErr, err := gradcheck.Loss(wrongMSE{losses.NewMSE(), tt.factor}, y, yhat)
			checkResult(t, maxErr, err, tt.wantErr)
		})
	}
}

func checkResult(t *testing.T, maxErr float64, err error, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && (err != nil || maxErr > gradcheck.Tol):
		t.Errorf("correct gradient failed: maxErr %.3g, err %v", maxErr, err)
	case wantErr != "" && (err == nil || maxErr <= gradcheck.Tol):
		t.Errorf("wrong gradient passed: maxErr %.3g, err %v", maxErr, err)
	case wantErr != "" && !strings.Contains(err.Error(), wantErr):
		t.Errorf("error %q does not name %q", err, wantErr)
	}
}

// TestRestoresValues checks that the checker leaves the input and the
// parameter values as it found them.
func TestRestoresValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	l := layers.NewLinear(3, 2, rng)
	x := tensor.New(4, 3).FillNormal(rng, 0, 1)
	x0, w0, b0 := x.Clone(), l.Weight.Value.Clone(), l.Bias.Value.Clone()
	if _, err := gradcheck.Module(l, x, rng); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want *tensor.Tensor }{{x, x0}, {l.Weight.Value, w0}, {l.Bias.Value, b0}} {
		if !tensor.AllClose(c.got, c.want, 0, 0) {
			t.Errorf("changed: %v, was %v", c.got, c.want)
		}
	}
}

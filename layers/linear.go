package layers

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// Linear is the fully connected layer
//
//	Y = X·W + b        X: N×in, W: in×out, b: 1×out (added to every row), Y: N×out
//
// Backward, for δ = dL/dY (N×out):
//
//	dL/dW += Xᵀ·δ      in×out
//	dL/db += 1ᵀ·δ      1×out, the column sums of δ
//	dL/dX  = δ·Wᵀ      N×in
//
// Each follows from Yₙⱼ = Σᵢ Xₙᵢ·Wᵢⱼ + bⱼ by the chain rule; the derivation
// is in docs/derivations.md#linear.
//
// W is stored in×out, the course's layout, so that the forward pass is X·W;
// PyTorch's nn.Linear stores the transpose (out×in). Its parameters are
// named "weight" and "bias", as in PyTorch.
type Linear struct {
	Weight *Parameter // in×out
	Bias   *Parameter // 1×out; nil for a layer made by NewLinearNoBias

	params parameterList
	out    *tensor.Tensor // Forward's result, reused
	dx     *tensor.Tensor // BackwardDelta's result, reused
}

// NewLinear returns a Linear layer from in to out features with PyTorch's
// default initialisation: every weight and every bias drawn uniformly from
// [−1/√in, 1/√in), the weights first in storage order, then the biases.
//
// (nn.Linear calls kaiming_uniform_ with a = √5 on its out×in weight, whose
// bound gain·√(3/fan_in) with gain = √(2/(1+a²)) = √(1/3) is exactly 1/√in,
// and draws the bias in the same range.)
func NewLinear(in, out int, rng *rand.Rand) *Linear {
	l := newLinear("layers.NewLinear", in, out, rng)
	l.Bias = NewParameter("bias", 1, out)
	l.Bias.Value.FillUniform(rng, -linearBound(in), linearBound(in))
	l.params = append(l.params, l.Bias)
	return l
}

// NewLinearNoBias returns a Linear layer without bias, Y = X·W, initialised
// as NewLinear (nn.Linear with bias=False).
func NewLinearNoBias(in, out int, rng *rand.Rand) *Linear {
	return newLinear("layers.NewLinearNoBias", in, out, rng)
}

// newLinear returns a Linear layer without bias; op names the constructor
// in the panic of a programmer error.
func newLinear(op string, in, out int, rng *rand.Rand) *Linear {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("%s: need positive sizes, have in=%d out=%d", op, in, out))
	}
	w := NewParameter("weight", in, out)
	w.Value.FillUniform(rng, -linearBound(in), linearBound(in))
	return &Linear{Weight: w, params: parameterList{w}}
}

func linearBound(in int) float64 { return 1 / math.Sqrt(float64(in)) }

// In returns the number of input features.
func (l *Linear) In() int { return l.Weight.Value.Shape[0] }

// Out returns the number of output features.
func (l *Linear) Out() int { return l.Weight.Value.Shape[1] }

// Forward returns Y = X·W + b (N×out) in a buffer owned by l.
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor {
	l.mustInput("layers.Linear.Forward", x)
	l.out = tensor.Reuse(l.out, x.Shape[0], l.Out())
	tensor.Gemm(tensor.NoTrans, tensor.NoTrans, 1, x, l.Weight.Value, 0, l.out) // Y = X·W
	if l.Bias != nil {
		tensor.AddRowVector(l.out, l.out, l.Bias.Value)
	}
	return l.out
}

// BackwardUpdateGradient adds Xᵀ·δ to the weight's gradient and the column
// sums of δ to the bias's.
func (l *Linear) BackwardUpdateGradient(x, delta *tensor.Tensor) {
	l.mustInput("layers.Linear.BackwardUpdateGradient", x)
	l.mustDelta("layers.Linear.BackwardUpdateGradient", x, delta)
	tensor.Gemm(tensor.Trans, tensor.NoTrans, 1, x, delta, 1, l.Weight.Grad) // dL/dW += Xᵀ·δ
	if l.Bias != nil {
		g := l.Bias.Grad.Data
		for n := range delta.Shape[0] {
			for j, d := range delta.Row(n) {
				g[j] += d
			}
		}
	}
}

// BackwardDelta returns dL/dX = δ·Wᵀ (N×in) in a buffer owned by l.
func (l *Linear) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	l.mustInput("layers.Linear.BackwardDelta", x)
	l.mustDelta("layers.Linear.BackwardDelta", x, delta)
	l.dx = tensor.Reuse(l.dx, x.Shape[0], l.In())
	tensor.Gemm(tensor.NoTrans, tensor.Trans, 1, delta, l.Weight.Value, 0, l.dx) // dL/dX = δ·Wᵀ
	return l.dx
}

// ZeroGrad sets the gradients of W and b to zero.
func (l *Linear) ZeroGrad() { l.params.zeroGrad() }

// UpdateParameters takes the step W -= lr·dL/dW, b -= lr·dL/db.
func (l *Linear) UpdateParameters(lr float64) { l.params.update(lr) }

// Parameters returns [weight, bias], or [weight] without bias. The slice is
// owned by l: do not modify it.
func (l *Linear) Parameters() []*Parameter { return l.params }

func (l *Linear) mustInput(op string, x *tensor.Tensor) {
	if len(x.Shape) != 2 || x.Shape[1] != l.In() {
		panicShapes(op, "input", x.Shape, "weight", l.Weight.Value.Shape)
	}
}

func (l *Linear) mustDelta(op string, x, delta *tensor.Tensor) {
	if len(delta.Shape) != 2 || delta.Shape[0] != x.Shape[0] || delta.Shape[1] != l.Out() {
		panicShapes(op, "delta", delta.Shape, "output", []int{x.Shape[0], l.Out()})
	}
}

package layers

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// TiedLinear is a fully connected layer whose weight is another Linear's
// weight, transposed: the decoder of an auto-encoder with tied weights.
// With the encoder E: in×out (Y = X·W + b, W in×out), the tied layer maps
// out features back to in:
//
//	Y = X·Wᵀ + c        X: N×out, W: in×out (E's, shared), c: 1×in, Y: N×in
//
// W is one parameter used twice, by E and by the tied layer; c is the tied
// layer's own bias (as PyTorch's tied auto-encoders keep a separate decoder
// bias: F.linear(h, encoder.weight.t(), self.bias)).
//
// Backward, for δ = dL/dY (N×in):
//
//	dL/dW += (Xᵀ·δ)ᵀ = δᵀ·X      in×out, added to W's gradient, which E's use also adds to
//	dL/dc += 1ᵀ·δ                1×in, the column sums of δ
//	dL/dX  = δ·W                 N×out
//
// A parameter used in two places receives the sum of both uses' gradients
// (the multivariate chain rule), which is what accumulating into the one
// W.Grad gives; docs/derivations.md#tiedlinear derives the three lines.
//
// # Who owns W
//
// W belongs to E. The tied layer lists, zeroes and updates only its bias:
// Parameters returns [bias], ZeroGrad zeroes the bias's gradient and
// UpdateParameters steps the bias. So in a network that holds both E and
// the tied layer, W appears once in Parameters (a checkpoint stores it
// once, under E's name, and an optimizer steps it once, with the gradient
// of both uses), and E's ZeroGrad and UpdateParameters handle it. A tied
// layer in a network without its E would train only its bias.
type TiedLinear struct {
	Tied *Linear    // the layer whose weight is used, transposed
	Bias *Parameter // 1×in, the tied layer's own

	params  parameterList
	out, dx *tensor.Tensor // reused results
}

// NewTiedLinear returns the layer Y = X·Wᵀ + c that uses e's weight W
// transposed, from e.Out() features back to e.In(). Its bias c is drawn
// uniformly from [−1/√e.Out(), 1/√e.Out()), as NewLinear would draw the
// bias of a layer with e.Out() inputs.
func NewTiedLinear(e *Linear, rng *rand.Rand) *TiedLinear {
	if e == nil {
		panic("layers.NewTiedLinear: nil Linear")
	}
	b := NewParameter("bias", 1, e.In())
	b.Value.FillUniform(rng, -linearBound(e.Out()), linearBound(e.Out()))
	return &TiedLinear{Tied: e, Bias: b, params: parameterList{b}}
}

// In returns the number of input features, the tied Linear's Out().
func (l *TiedLinear) In() int { return l.Tied.Out() }

// Out returns the number of output features, the tied Linear's In().
func (l *TiedLinear) Out() int { return l.Tied.In() }

// Forward returns Y = X·Wᵀ + c (N×in) in a buffer owned by l.
func (l *TiedLinear) Forward(x *tensor.Tensor) *tensor.Tensor {
	l.mustInput("layers.TiedLinear.Forward", x)
	l.out = tensor.Reuse(l.out, x.Shape[0], l.Out())
	tensor.Gemm(tensor.NoTrans, tensor.Trans, 1, x, l.Tied.Weight.Value, 0, l.out)
	tensor.AddRowVector(l.out, l.out, l.Bias.Value)
	return l.out
}

// BackwardUpdateGradient adds δᵀ·X to the shared weight's gradient and the
// column sums of δ to the bias's.
func (l *TiedLinear) BackwardUpdateGradient(x, delta *tensor.Tensor) {
	l.mustInput("layers.TiedLinear.BackwardUpdateGradient", x)
	l.mustDelta("layers.TiedLinear.BackwardUpdateGradient", x, delta)
	tensor.Gemm(tensor.Trans, tensor.NoTrans, 1, delta, x, 1, l.Tied.Weight.Grad)
	g := l.Bias.Grad.Data
	for n := range delta.Shape[0] {
		for j, d := range delta.Row(n) {
			g[j] += d
		}
	}
}

// BackwardDelta returns dL/dX = δ·W (N×out) in a buffer owned by l.
func (l *TiedLinear) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor {
	l.mustInput("layers.TiedLinear.BackwardDelta", x)
	l.mustDelta("layers.TiedLinear.BackwardDelta", x, delta)
	l.dx = tensor.Reuse(l.dx, x.Shape[0], l.In())
	tensor.Gemm(tensor.NoTrans, tensor.NoTrans, 1, delta, l.Tied.Weight.Value, 0, l.dx)
	return l.dx
}

// ZeroGrad sets the bias's gradient to zero; the tied Linear zeroes W's.
func (l *TiedLinear) ZeroGrad() { l.params.zeroGrad() }

// UpdateParameters takes the step c -= lr·dL/dc; the tied Linear steps W.
func (l *TiedLinear) UpdateParameters(lr float64) { l.params.update(lr) }

// Parameters returns [bias]: W is listed by the Linear that owns it. The
// slice is owned by l: do not modify it.
func (l *TiedLinear) Parameters() []*Parameter { return l.params }

// String describes the layer, as in "TiedLinear(10→256, weight of Linear(256→10))".
func (l *TiedLinear) String() string {
	return fmt.Sprintf("TiedLinear(%d→%d, weight of Linear(%d→%d))", l.In(), l.Out(), l.Out(), l.In())
}

func (l *TiedLinear) mustInput(op string, x *tensor.Tensor) {
	if len(x.Shape) != 2 || x.Shape[1] != l.In() {
		panicShapes(op, "input", x.Shape, "transposed weight", []int{l.In(), l.Out()})
	}
}

func (l *TiedLinear) mustDelta(op string, x, delta *tensor.Tensor) {
	if len(delta.Shape) != 2 || delta.Shape[0] != x.Shape[0] || delta.Shape[1] != l.Out() {
		panicShapes(op, "delta", delta.Shape, "output", []int{x.Shape[0], l.Out()})
	}
}

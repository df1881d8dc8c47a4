package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/tensor"
)

// The backprop mode makes one training step with the course's calls made
// one at a time, as Optim.Step and Sequential make them inside:
//
//	net.ZeroGrad()
//	X₁ = mods[0].Forward(X₀), …, ŷ = X_k = mods[k−1].Forward(X_{k−1})
//	L = loss.Forward(y, ŷ),  δ_k = loss.Backward(y, ŷ)
//	for i = k−1 … 0:  mods[i].BackwardUpdateGradient(Xᵢ, δᵢ₊₁);  δᵢ = mods[i].BackwardDelta(Xᵢ, δᵢ₊₁)
//	net.UpdateParameters(lr)  (or the optimizer's Step)
//
// and records, after each call, what it returned: the page replays the
// record step by step, with the formula of docs/derivations.md and the
// numbers of the first example plugged in. Only δ₀ = dL/dX₀ is more than
// Optim.Step computes (Sequential skips it, nobody needs it); it is shown
// because the course's BackwardDelta is defined for every module.

// trace is the record of one step.
type trace struct {
	Mode  string      `json:"mode"`  // "point" or "batch"
	Rows  []int       `json:"rows"`  // the training points in the batch (at most maxTraceRows)
	N     int         `json:"n"`     // the batch's size
	Steps []traceStep `json:"steps"` // in the order of the calls
}

// traceStep is one call and what it computed.
type traceStep struct {
	Call    string     `json:"call"`    // the Go call
	Module  int        `json:"module"`  // its module's index, −1 for the loss and the whole network
	Kind    string     `json:"kind"`    // zero, forward, loss, lossBackward, gradient, delta, update
	Formula string     `json:"formula"` // as docs/derivations.md writes it
	Shapes  string     `json:"shapes"`
	Lines   []string   `json:"lines"`   // the formula with the first example's numbers
	Tensors []namedTen `json:"tensors"` // the values, at most maxTraceRows rows each
}

// namedTen is a tensor of a step: its full shape and its first rows.
type namedTen struct {
	Name  string  `json:"name"`
	Shape []int   `json:"shape"`
	Data  []exact `json:"data"` // row-major, the first min(rows, maxTraceRows) rows
}

const (
	maxTraceRows  = 8 // rows of a tensor sent to the page
	maxTraceLines = 4 // entries of a tensor written out with their numbers
	maxTraceTerms = 4 // terms of a sum written out
)

func ten(name string, t *tensor.Tensor) namedTen {
	n := len(t.Data)
	if t.Dims() == 2 {
		n = min(t.Rows(), maxTraceRows) * t.Cols()
	}
	d := make([]exact, n)
	for i := range d {
		d[i] = exact(t.Data[i])
	}
	return namedTen{Name: name, Shape: append([]int(nil), t.Shape...), Data: d}
}

// backprop makes one traced training step on the rows x of the inputs with
// targets y (rows lists their indices in the training set). The caller
// holds mu.
func (s *session) backprop(mode string, rows []int, x, y *tensor.Tensor) trace {
	m := s.m
	mods := m.net.Modules()
	k := len(mods)
	tr := trace{Mode: mode, Rows: rows[:min(len(rows), maxTraceRows)], N: x.Rows()}
	add := func(st traceStep) { tr.Steps = append(tr.Steps, st) }

	m.net.ZeroGrad()
	add(traceStep{Call: "net.ZeroGrad()", Module: -1, Kind: "zero", Formula: "dL/dθ ← 0 for every parameter θ",
		Lines: []string{"Gradients accumulate (+=) until ZeroGrad, as in the course."}})

	// X[i] is module i's input; X[k] = ŷ. They are the modules' own
	// buffers, passed back to them as Optim.Step does.
	X := []*tensor.Tensor{x}
	for i, mod := range mods {
		out := mod.Forward(X[i])
		X = append(X, out)
		add(forwardStep(i, mod, X[i], out))
	}
	yhat := X[k]
	L := m.loss.Forward(y, yhat)
	add(lossStep(m.loss, y, yhat, L, k))
	delta := m.loss.Backward(y, yhat)
	add(lossBackwardStep(m.loss, y, yhat, delta, k))

	for i := k - 1; i >= 0; i-- {
		mod := mods[i]
		if l, ok := mod.(*layers.Linear); ok {
			l.BackwardUpdateGradient(X[i], delta)
			add(gradientStep(i, l, X[i], delta))
		}
		next := mod.BackwardDelta(X[i], delta)
		add(deltaStep(i, mod, X[i], X[i+1], delta, next))
		delta = next
	}
	add(s.updateStep())
	return tr
}

func sub(i int) string {
	const digits = "₀₁₂₃₄₅₆₇₈₉"
	var b strings.Builder
	for _, c := range strconv.Itoa(i) {
		b.WriteString(string([]rune(digits)[c-'0']))
	}
	return b.String()
}

// f writes a number for a formula, negative numbers in parentheses.
func f(v float64) string {
	s := strconv.FormatFloat(v, 'g', 4, 64)
	if v < 0 {
		return "(" + s + ")"
	}
	return s
}

// g writes a result.
func g(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func shape(t *tensor.Tensor) string {
	parts := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, "×")
}

func moduleName(mod layers.Module) string {
	switch mod.(type) {
	case *layers.Linear:
		return "Linear"
	case *layers.Tanh:
		return "TanH"
	case *layers.Sigmoid:
		return "Sigmoid"
	case *layers.ReLU:
		return "ReLU"
	}
	return fmt.Sprintf("%T", mod)
}

// sum writes Σ of products a·b with the first terms spelled out.
func sum(symbolic func(t int) string, a, b func(t int) float64, n int) (sym, num string) {
	var ss, ns []string
	for t := range min(n, maxTraceTerms) {
		ss = append(ss, symbolic(t))
		ns = append(ns, f(a(t))+"·"+f(b(t)))
	}
	if n > maxTraceTerms {
		more := fmt.Sprintf("… (%d more)", n-maxTraceTerms)
		ss, ns = append(ss, more), append(ns, more)
	}
	return strings.Join(ss, " + "), strings.Join(ns, " + ")
}

func forwardStep(i int, mod layers.Module, x, y *tensor.Tensor) traceStep {
	st := traceStep{
		Call:   fmt.Sprintf("X%s = mods[%d].Forward(X%s)   // %s", sub(i+1), i, sub(i), moduleName(mod)),
		Module: i, Kind: "forward",
	}
	in, out := ten("X = X"+sub(i), x), ten("Y = X"+sub(i+1), y)
	switch l := mod.(type) {
	case *layers.Linear:
		w, b := l.Weight.Value, l.Bias.Value
		st.Formula = "Y = X·W + b        Yₙⱼ = Σᵢ Xₙᵢ·Wᵢⱼ + bⱼ"
		st.Shapes = fmt.Sprintf("X: %s · W: %s + b: %s → Y: %s", shape(x), shape(w), shape(b), shape(y))
		for j := range min(l.Out(), maxTraceLines) {
			sym, num := sum(func(t int) string { return fmt.Sprintf("X[1,%d]·W[%d,%d]", t+1, t+1, j+1) },
				func(t int) float64 { return x.At(0, t) }, func(t int) float64 { return w.At(t, j) }, l.In())
			st.Lines = append(st.Lines, fmt.Sprintf("Y[1,%d] = %s + b[%d] = %s + %s = %s", j+1, sym, j+1, num, f(b.Data[j]), g(y.At(0, j))))
		}
		st.Tensors = []namedTen{in, ten("W", w), ten("b", b), out}
	default:
		fn := activationFormula(mod)
		st.Formula = "Y = " + fn("X") + ", element by element"
		st.Shapes = fmt.Sprintf("X: %s → Y: %s", shape(x), shape(y))
		for j := range min(x.Cols(), maxTraceLines) {
			st.Lines = append(st.Lines, fmt.Sprintf("Y[1,%d] = %s = %s = %s", j+1, fn(fmt.Sprintf("X[1,%d]", j+1)), fn(f(x.At(0, j))), g(y.At(0, j))))
		}
		st.Tensors = []namedTen{in, out}
	}
	return st
}

// activationFormula returns an activation's formula of x.
func activationFormula(mod layers.Module) func(x string) string {
	switch mod.(type) {
	case *layers.Sigmoid:
		return func(x string) string { return "σ(" + x + ") = 1/(1 + e^−" + x + ")" }
	case *layers.ReLU:
		return func(x string) string { return "max(0, " + x + ")" }
	}
	return func(x string) string { return "tanh(" + x + ")" }
}

func lossStep(loss losses.Loss, y, yhat *tensor.Tensor, L float64, k int) traceStep {
	st := traceStep{Call: fmt.Sprintf("L = loss.Forward(y, ŷ)   // ŷ = X%s", sub(k)), Module: -1, Kind: "loss",
		Shapes:  fmt.Sprintf("y: %s, ŷ: %s → L: a number", shape(y), shape(yhat)),
		Tensors: []namedTen{ten("y", y), ten("ŷ", yhat), ten("L", tensor.FromSlice([]float64{L}, 1, 1))}}
	n, c := yhat.Rows(), yhat.Cols()
	// The first example's share, as the loss computes it.
	first := math.NaN()
	if pe, ok := loss.(losses.PerExampleLoss); ok {
		first = pe.PerExample(nil, y, yhat)[0]
	}
	switch loss.(type) {
	case *losses.BCE:
		st.Formula = "L = (1/K)·Σᵢ ℓᵢ,   ℓ = −[y·log ŷ + (1 − y)·log(1 − ŷ)]"
		st.Lines = append(st.Lines, fmt.Sprintf("ℓ₁ = −[y[1,1]·log ŷ[1,1] + (1 − y[1,1])·log(1 − ŷ[1,1])] = −[%s·log %s + (1 − %s)·log(1 − %s)] = %s",
			f(y.At(0, 0)), f(yhat.At(0, 0)), f(y.At(0, 0)), f(yhat.At(0, 0)), g(first)))
		st.Lines = append(st.Lines, fmt.Sprintf("L = (1/%d)·Σᵢ ℓᵢ = %s   (K = %d elements)", n*c, g(L), n*c))
	case *losses.MSE:
		st.Formula = "L = (1/K)·Σᵢ (ŷᵢ − yᵢ)²"
		for j := range min(c, maxTraceLines) {
			d := yhat.At(0, j) - y.At(0, j)
			st.Lines = append(st.Lines, fmt.Sprintf("(ŷ[1,%d] − y[1,%d])² = (%s − %s)² = %s", j+1, j+1, f(yhat.At(0, j)), f(y.At(0, j)), g(d*d)))
		}
		st.Lines = append(st.Lines, fmt.Sprintf("L = (1/%d)·Σᵢ (ŷᵢ − yᵢ)² = %s   (K = %d elements)", n*c, g(L), n*c))
	case *losses.SoftmaxCrossEntropy:
		st.Formula = "L = (1/N)·Σₙ ℓₙ,   ℓₙ = log Σⱼ e^{ŷₙⱼ} − Σⱼ yₙⱼ·ŷₙⱼ   (the fused softmax cross-entropy on the logits ŷ)"
		var exps []string
		for j := range min(c, maxTraceTerms) {
			exps = append(exps, "e^"+f(yhat.At(0, j)))
		}
		if c > maxTraceTerms {
			exps = append(exps, "…")
		}
		cls := argmaxRow(y.Row(0))
		st.Lines = append(st.Lines, fmt.Sprintf("ℓ₁ = log Σⱼ e^ŷ[1,j] − ŷ[1,%d] = log(%s) − %s = %s   (y is one-hot, class %d)", cls+1, strings.Join(exps, " + "), f(yhat.At(0, cls)), g(first), cls))
		st.Lines = append(st.Lines, fmt.Sprintf("L = (1/%d)·Σₙ ℓₙ = %s", n, g(L)))
	}
	return st
}

func argmaxRow(r []float64) int {
	best := 0
	for j, v := range r {
		if v > r[best] {
			best = j
		}
	}
	return best
}

func lossBackwardStep(loss losses.Loss, y, yhat, delta *tensor.Tensor, k int) traceStep {
	st := traceStep{Call: fmt.Sprintf("δ%s = loss.Backward(y, ŷ)", sub(k)), Module: -1, Kind: "lossBackward",
		Shapes:  fmt.Sprintf("y: %s, ŷ: %s → δ: %s, shaped like ŷ", shape(y), shape(yhat), shape(delta)),
		Tensors: []namedTen{ten("δ"+sub(k)+" = dL/dŷ", delta)}}
	n, c := yhat.Rows(), yhat.Cols()
	switch loss.(type) {
	case *losses.BCE:
		st.Formula = "dL/dŷ = (1/K)·(ŷ − y) / (ŷ·(1 − ŷ))"
		st.Lines = append(st.Lines, fmt.Sprintf("δ[1,1] = (1/%d)·(%s − %s)/(%s·(1 − %s)) = %s", n*c, f(yhat.At(0, 0)), f(y.At(0, 0)), f(yhat.At(0, 0)), f(yhat.At(0, 0)), g(delta.At(0, 0))))
	case *losses.MSE:
		st.Formula = "dL/dŷ = (2/K)·(ŷ − y)"
		for j := range min(c, maxTraceLines) {
			st.Lines = append(st.Lines, fmt.Sprintf("δ[1,%d] = (2/%d)·(%s − %s) = %s", j+1, n*c, f(yhat.At(0, j)), f(y.At(0, j)), g(delta.At(0, j))))
		}
	case *losses.SoftmaxCrossEntropy:
		st.Formula = "dL/dŷ = (1/N)·(softmax(ŷ) − y)"
		p := layers.NewSoftmax().Forward(yhat)
		for j := range min(c, maxTraceLines) {
			st.Lines = append(st.Lines, fmt.Sprintf("δ[1,%d] = (1/%d)·(softmax(ŷ)[1,%d] − y[1,%d]) = (1/%d)·(%s − %s) = %s", j+1, n, j+1, j+1, n, f(p.At(0, j)), f(y.At(0, j)), g(delta.At(0, j))))
		}
		st.Tensors = append(st.Tensors, ten("softmax(ŷ)", p))
	}
	return st
}

func gradientStep(i int, l *layers.Linear, x, delta *tensor.Tensor) traceStep {
	dw, db := l.Weight.Grad, l.Bias.Grad
	st := traceStep{
		Call:   fmt.Sprintf("mods[%d].BackwardUpdateGradient(X%s, δ%s)   // Linear", i, sub(i), sub(i+1)),
		Module: i, Kind: "gradient",
		Formula: "dL/dW += Xᵀ·δ     dL/dWᵢⱼ = Σₙ Xₙᵢ·δₙⱼ;      dL/db += 1ᵀ·δ     dL/dbⱼ = Σₙ δₙⱼ",
		Shapes:  fmt.Sprintf("Xᵀ: %d×%d · δ: %s → dL/dW: %s;  dL/db: %s", x.Cols(), x.Rows(), shape(delta), shape(dw), shape(db)),
		Tensors: []namedTen{ten("X = X"+sub(i), x), ten("δ = δ"+sub(i+1), delta), ten("dL/dW", dw), ten("dL/db", db)},
	}
	n := x.Rows()
	for e := range min(l.In()*l.Out(), maxTraceLines) {
		a, b := e/l.Out(), e%l.Out()
		sym, num := sum(func(t int) string { return fmt.Sprintf("X[%d,%d]·δ[%d,%d]", t+1, a+1, t+1, b+1) },
			func(t int) float64 { return x.At(t, a) }, func(t int) float64 { return delta.At(t, b) }, n)
		st.Lines = append(st.Lines, fmt.Sprintf("dL/dW[%d,%d] = %s = %s = %s", a+1, b+1, sym, num, g(dw.At(a, b))))
	}
	for j := range min(l.Out(), 2) {
		var terms []string
		for t := range min(n, maxTraceTerms) {
			terms = append(terms, f(delta.At(t, j)))
		}
		if n > maxTraceTerms {
			terms = append(terms, fmt.Sprintf("… (%d more)", n-maxTraceTerms))
		}
		st.Lines = append(st.Lines, fmt.Sprintf("dL/db[%d] = Σₙ δ[n,%d] = %s = %s", j+1, j+1, strings.Join(terms, " + "), g(db.Data[j])))
	}
	return st
}

func deltaStep(i int, mod layers.Module, x, y, delta, dx *tensor.Tensor) traceStep {
	st := traceStep{
		Call:   fmt.Sprintf("δ%s = mods[%d].BackwardDelta(X%s, δ%s)   // %s", sub(i), i, sub(i), sub(i+1), moduleName(mod)),
		Module: i, Kind: "delta",
		Shapes: fmt.Sprintf("δ%s: %s → δ%s: %s, shaped like X%s", sub(i+1), shape(delta), sub(i), shape(dx), sub(i)),
	}
	switch l := mod.(type) {
	case *layers.Linear:
		w := l.Weight.Value
		st.Formula = "dL/dX = δ·Wᵀ     dL/dXₙᵢ = Σⱼ δₙⱼ·Wᵢⱼ"
		st.Shapes = fmt.Sprintf("δ: %s · Wᵀ: %d×%d → dL/dX: %s", shape(delta), l.Out(), l.In(), shape(dx))
		for a := range min(l.In(), maxTraceLines) {
			sym, num := sum(func(t int) string { return fmt.Sprintf("δ[1,%d]·W[%d,%d]", t+1, a+1, t+1) },
				func(t int) float64 { return delta.At(0, t) }, func(t int) float64 { return w.At(a, t) }, l.Out())
			st.Lines = append(st.Lines, fmt.Sprintf("dL/dX[1,%d] = %s = %s = %s", a+1, sym, num, g(dx.At(0, a))))
		}
		st.Tensors = []namedTen{ten("δ = δ"+sub(i+1), delta), ten("W", w), ten("dL/dX = δ"+sub(i), dx)}
	default:
		var line func(j int) string
		switch mod.(type) {
		case *layers.Sigmoid:
			st.Formula = "dL/dX = δ ⊙ Y ⊙ (1 − Y)"
			line = func(j int) string {
				return fmt.Sprintf("δ[1,%d]·Y[1,%d]·(1 − Y[1,%d]) = %s·%s·(1 − %s)", j+1, j+1, j+1, f(delta.At(0, j)), f(y.At(0, j)), f(y.At(0, j)))
			}
		case *layers.ReLU:
			st.Formula = "dL/dX = δ ⊙ [X > 0]"
			line = func(j int) string {
				return fmt.Sprintf("δ[1,%d]·[X[1,%d] > 0] = %s·[%s > 0]", j+1, j+1, f(delta.At(0, j)), f(x.At(0, j)))
			}
		default:
			st.Formula = "dL/dX = δ ⊙ (1 − Y ⊙ Y)"
			line = func(j int) string {
				return fmt.Sprintf("δ[1,%d]·(1 − Y[1,%d]²) = %s·(1 − %s²)", j+1, j+1, f(delta.At(0, j)), f(y.At(0, j)))
			}
		}
		for j := range min(x.Cols(), maxTraceLines) {
			st.Lines = append(st.Lines, fmt.Sprintf("dL/dX[1,%d] = %s = %s", j+1, line(j), g(dx.At(0, j))))
		}
		st.Tensors = []namedTen{ten("δ = δ"+sub(i+1), delta), ten("Y = X"+sub(i+1), y), ten("dL/dX = δ"+sub(i), dx)}
	}
	return st
}

// updateStep applies the session's update rule and shows a few entries of
// each Linear layer's weights before and after.
func (s *session) updateStep() traceStep {
	linears := s.linears()
	before := make([]*tensor.Tensor, len(linears))
	for i, l := range linears {
		before[i] = l.Weight.Value.Clone()
	}
	o := s.m.opt
	st := traceStep{Module: -1, Kind: "update"}
	switch s.cfg.Rule {
	case "plain":
		st.Call = fmt.Sprintf("net.UpdateParameters(%v)", o.Eps)
		st.Formula = "θ ← θ − lr·dL/dθ   for every parameter: W ← W − lr·dL/dW,  b ← b − lr·dL/db"
	case "momentum":
		st.Call = "opt.Step(net.Parameters())   // optim.SGD, momentum μ = 0.9"
		st.Formula = "b ← μ·b + g  (b = g at the first step),   θ ← θ − lr·b,   g = dL/dθ"
	case "nesterov":
		st.Call = "opt.Step(net.Parameters())   // optim.SGD, Nesterov momentum μ = 0.9"
		st.Formula = "b ← μ·b + g  (b = g at the first step),   θ ← θ − lr·(g + μ·b),   g = dL/dθ"
	case "adam":
		st.Call = "opt.Step(net.Parameters())   // optim.Adam"
		st.Formula = "m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²,  θ ← θ − lr·m̂/(√v̂ + ε),  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)"
	}
	// What Optim.Step does after the backward pass.
	if o.Optimizer != nil {
		o.Optimizer.Step(o.Parameters())
	} else {
		s.m.net.UpdateParameters(o.Eps)
	}
	for li, l := range linears {
		w, grad := l.Weight.Value, l.Weight.Grad
		st.Shapes += fmt.Sprintf("W of mods[%d]: %s  ", s.moduleIndex(l), shape(w))
		for e := range min(len(w.Data), 2) {
			a, b := e/l.Out(), e%l.Out()
			if s.cfg.Rule == "plain" {
				st.Lines = append(st.Lines, fmt.Sprintf("mods[%d]: W[%d,%d] ← %s − %v·%s = %s", s.moduleIndex(l), a+1, b+1, f(before[li].At(a, b)), o.Eps, f(grad.At(a, b)), g(w.At(a, b))))
			} else {
				st.Lines = append(st.Lines, fmt.Sprintf("mods[%d]: W[%d,%d]: %s → %s   (g = %s)", s.moduleIndex(l), a+1, b+1, g(before[li].At(a, b)), g(w.At(a, b)), g(grad.At(a, b))))
			}
		}
		st.Tensors = append(st.Tensors, ten(fmt.Sprintf("W of mods[%d], updated", s.moduleIndex(l)), w))
	}
	return st
}

func (s *session) moduleIndex(mod layers.Module) int {
	for i, m := range s.m.net.Modules() {
		if m == mod {
			return i
		}
	}
	return -1
}

package main

import (
	"math"
	"strconv"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// short is a number for the views, sent with 5 significant digits; exact is
// one sent in full (the backprop steps). JSON has no NaN nor infinity: a
// value that is not finite is sent as null (the page shows "—").
type (
	short float64
	exact float64
)

func (v short) MarshalJSON() ([]byte, error) { return number(float64(v), 5), nil }
func (v exact) MarshalJSON() ([]byte, error) { return number(float64(v), -1), nil }

func number(f float64, digits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null")
	}
	return strconv.AppendFloat(nil, f, 'g', digits, 64)
}

func shorts(v []float64) []short {
	out := make([]short, len(v))
	for i, f := range v {
		out[i] = short(f)
	}
	return out
}

// state is what the page polls: where training stands and everything the
// views draw.
type state struct {
	ID          string    `json:"id"`
	Config      Config    `json:"config"`
	DataVersion int       `json:"dataVersion"`
	Classes     int       `json:"classes"`
	Epoch       short     `json:"epoch"`
	Steps       int       `json:"steps"`
	Playing     bool      `json:"playing"`
	Failure     string    `json:"failure,omitempty"`
	History     histJSON  `json:"history"`
	Layers      []linView `json:"layers"`
	View        view      `json:"view"`
}

type histJSON struct {
	Epoch     []short   `json:"epoch"`
	TrainLoss []short   `json:"trainLoss"`
	TestLoss  []short   `json:"testLoss"`
	TrainAcc  []short   `json:"trainAcc"`
	TestAcc   []short   `json:"testAcc"`
	WNorm     [][]short `json:"wNorm"`
	GNorm     [][]short `json:"gNorm"`
}

// linView is one Linear layer: W (in×out, one row per input), b, and the
// norms of the parameters and of their last gradient.
type linView struct {
	W     [][]short `json:"w"`
	B     []short   `json:"b"`
	WNorm short     `json:"wNorm"`
	GNorm short     `json:"gNorm"`
}

// view is the network evaluated over the plane (or the line, for
// regression): the class and confidence in each cell of a Grid×Grid map,
// top row first, and each hidden unit's output over a UnitGrid×UnitGrid map.
// For regression, Curve is the prediction at Grid points and each unit's
// map is a curve of UnitGrid points.
type view struct {
	Bounds   [4]float64  `json:"bounds"`
	Grid     int         `json:"grid"`
	Cls      []int       `json:"cls,omitempty"`
	Conf     []short     `json:"conf,omitempty"`
	Curve    []short     `json:"curve,omitempty"`
	UnitGrid int         `json:"unitGrid"`
	Units    [][][]short `json:"units"` // [hidden layer][unit][cell]
}

const (
	boundaryGrid = 48
	unitGrid     = 20
)

// snapshot returns the session's state. The caller holds mu.
func (s *session) snapshot() state {
	h := s.hist
	st := state{
		ID: s.id, Config: s.cfg, DataVersion: s.version, Classes: s.set.classes,
		Epoch: short(s.epoch()), Steps: s.steps, Playing: s.playing, Failure: s.failure,
		History: histJSON{
			Epoch: shorts(h.Epoch), TrainLoss: shorts(h.TrainLoss), TestLoss: shorts(h.TestLoss),
			TrainAcc: shorts(h.TrainAcc), TestAcc: shorts(h.TestAcc),
		},
	}
	for i := range h.WNorm {
		st.History.WNorm = append(st.History.WNorm, shorts(h.WNorm[i]))
		st.History.GNorm = append(st.History.GNorm, shorts(h.GNorm[i]))
	}
	for _, l := range s.linears() {
		w, g := norms(l)
		lv := linView{WNorm: short(w), GNorm: short(g), B: shorts(l.Bias.Value.Data)}
		for i := range l.In() {
			lv.W = append(lv.W, shorts(l.Weight.Value.Row(i)))
		}
		st.Layers = append(st.Layers, lv)
	}
	st.View = s.view()
	return st
}

// view evaluates the network over the data's bounding box.
func (s *session) view() view {
	b := s.set.bounds
	v := view{Bounds: b, Grid: boundaryGrid, UnitGrid: unitGrid}
	regression := s.set.classes == 0
	var x, xu *tensor.Tensor
	if regression {
		x, xu = lineInputs(b, boundaryGrid), lineInputs(b, unitGrid)
	} else {
		x, xu = planeInputs(b, boundaryGrid), planeInputs(b, unitGrid)
	}
	outs := forwardAll(s.m.net, x)
	yhat := outs[len(outs)-1]
	if regression {
		v.Curve = shorts(yhat.Data)
	} else {
		v.Cls = make([]int, yhat.Rows())
		conf := make([]float64, yhat.Rows())
		s.m.classify(yhat, v.Cls, conf)
		v.Conf = shorts(conf)
	}
	outs = forwardAll(s.m.net, xu)
	for i := range outs {
		if !isHidden(s.m.net, i) {
			continue
		}
		a := outs[i]
		units := make([][]short, a.Cols())
		for u := range units {
			units[u] = make([]short, a.Rows())
			for n := range a.Rows() {
				units[u][n] = short(a.At(n, u))
			}
		}
		v.Units = append(v.Units, units)
	}
	return v
}

// isHidden reports whether module i is a hidden layer's activation: one
// that follows a Linear layer and is not the network's output module.
func isHidden(net *layers.Sequential, i int) bool {
	mods := net.Modules()
	if i == 0 || i == len(mods)-1 {
		return false
	}
	_, afterLinear := mods[i-1].(*layers.Linear)
	return afterLinear
}

// forwardAll runs x through the network module by module, as
// Sequential.Forward does, and returns every module's output (buffers
// owned by the modules, valid until their next Forward).
func forwardAll(net *layers.Sequential, x *tensor.Tensor) []*tensor.Tensor {
	var outs []*tensor.Tensor
	for _, mod := range net.Modules() {
		x = mod.Forward(x)
		outs = append(outs, x)
	}
	return outs
}

// planeInputs returns the centres of a g×g grid over the box b, top row
// (largest x₂) first: a g²×2 batch.
func planeInputs(b [4]float64, g int) *tensor.Tensor {
	x := tensor.New(g*g, 2)
	for i := range g {
		for j := range g {
			x.Set(i*g+j, 0, b[0]+(float64(j)+0.5)/float64(g)*(b[1]-b[0]))
			x.Set(i*g+j, 1, b[3]-(float64(i)+0.5)/float64(g)*(b[3]-b[2]))
		}
	}
	return x
}

// lineInputs returns g evenly spaced x from b[0] to b[1]: a g×1 batch.
func lineInputs(b [4]float64, g int) *tensor.Tensor {
	x := tensor.New(g, 1)
	for i := range g {
		x.Data[i] = b[0] + float64(i)/float64(g-1)*(b[1]-b[0])
	}
	return x
}

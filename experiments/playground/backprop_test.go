package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// traceT is a trace as the page receives it.
type traceT struct {
	Mode  string `json:"mode"`
	Rows  []int  `json:"rows"`
	N     int    `json:"n"`
	Steps []struct {
		Call    string   `json:"call"`
		Module  int      `json:"module"`
		Kind    string   `json:"kind"`
		Formula string   `json:"formula"`
		Shapes  string   `json:"shapes"`
		Lines   []string `json:"lines"`
		Tensors []struct {
			Name  string    `json:"name"`
			Shape []int     `json:"shape"`
			Data  []float64 `json:"data"`
		} `json:"tensors"`
	} `json:"steps"`
}

// TestBackpropMatchesLibrary makes a traced step through the API and checks
// every number it shows against the library's own calls, made on a copy of
// the network with the same weights and the same point (or batch): equal
// to the last bit.
func TestBackpropMatchesLibrary(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		point int
	}{
		{"xor bce plain point", func(c *Config) { c.Hidden, c.Act = []int{3, 2}, []string{"tanh", "relu"} }, 5},
		{"xor bce plain batch", func(c *Config) { c.Hidden, c.Act, c.Batch = []int{3}, []string{"sigmoid"}, 6 }, -1},
		{"blobs softmax adam point", func(c *Config) {
			c.Data, c.Classes, c.Output, c.Rule, c.LR = "blobs", 3, "softmax-ce", "adam", 0.01
			c.Hidden, c.Act = []int{5}, []string{"tanh"}
		}, 0},
		{"moons mse nesterov batch", func(c *Config) {
			c.Data, c.Output, c.Rule, c.Batch = "moons", "mse", "nesterov", 4
			c.Hidden, c.Act = []int{6, 6}, []string{"relu", "tanh"}
		}, -1},
		{"regression mse momentum point", func(c *Config) { c.Data, c.Output, c.Rule, c.Noise = "regression", "mse", "momentum", 0.1 }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, ts := testServer(t, Limits{}, nil)
			c := defaultConfig()
			tc.edit(&c)
			id := newSessionT(t, ts, c).ID
			s := srv.get(id)

			// The reference: the same network, weights copied, before the step.
			s.mu.Lock()
			in := s.set.xTrain.Cols()
			ref, err := newModel(c, in, s.set.classes)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range ref.net.Parameters() {
				p.Value.CopyFrom(s.m.net.Parameters()[i].Value)
			}
			xTrain, yTrain := s.set.xTrain.Clone(), s.yTrain.Clone()
			s.mu.Unlock()

			var tr traceT
			if code, body := call(t, ts, "POST", "/api/sessions/"+id+"/backprop", map[string]int{"point": tc.point}, &tr); code != 200 {
				t.Fatalf("backprop: %d %s", code, body)
			}
			rows := []int{tc.point}
			if tc.point < 0 {
				rows = tr.Rows
				if tr.N != c.Batch || len(rows) != c.Batch {
					t.Fatalf("batch of %d (rows %v), want %d", tr.N, rows, c.Batch)
				}
			}
			x := rowsOf(xTrain, rows)
			y := rowsOf(yTrain, rows)

			// The library's calls, one by one, as the trace claims to make them.
			want := map[string]*tensor.Tensor{}
			mods := ref.net.Modules()
			k := len(mods)
			X := []*tensor.Tensor{x}
			ref.net.ZeroGrad()
			for i, mod := range mods {
				X = append(X, mod.Forward(X[i]))
				want[fmt.Sprintf("forward %d Y = X%s", i, sub(i+1))] = X[i+1].Clone()
			}
			L := ref.loss.Forward(y, X[k])
			want["loss L"] = tensor.FromSlice([]float64{L}, 1, 1)
			delta := ref.loss.Backward(y, X[k])
			want[fmt.Sprintf("lossBackward δ%s = dL/dŷ", sub(k))] = delta.Clone()
			for i := k - 1; i >= 0; i-- {
				if l, ok := mods[i].(*layers.Linear); ok {
					l.BackwardUpdateGradient(X[i], delta)
					want[fmt.Sprintf("gradient %d dL/dW", i)] = l.Weight.Grad.Clone()
					want[fmt.Sprintf("gradient %d dL/db", i)] = l.Bias.Grad.Clone()
				}
				delta = mods[i].BackwardDelta(X[i], delta)
				want[fmt.Sprintf("delta %d dL/dX = δ%s", i, sub(i))] = delta.Clone()
			}
			if ref.opt.Optimizer != nil {
				ref.opt.Optimizer.Step(ref.opt.Parameters())
			} else {
				ref.net.UpdateParameters(c.LR)
			}
			for i, mod := range mods {
				if l, ok := mod.(*layers.Linear); ok {
					want[fmt.Sprintf("update -1 W of mods[%d], updated", i)] = l.Weight.Value.Clone()
				}
			}

			checked := 0
			for _, st := range tr.Steps {
				if st.Formula == "" || st.Call == "" || (st.Kind != "zero" && (st.Shapes == "" || len(st.Lines) == 0)) {
					t.Errorf("step %q: formula %q, shapes %q, %d lines", st.Call, st.Formula, st.Shapes, len(st.Lines))
				}
				for _, tn := range st.Tensors {
					key := fmt.Sprintf("%s %d %s", st.Kind, st.Module, tn.Name)
					if st.Kind == "loss" || st.Kind == "lossBackward" {
						key = st.Kind + " " + tn.Name
					}
					w, ok := want[key]
					if !ok {
						continue
					}
					checked++
					delete(want, key)
					if fmt.Sprint(tn.Shape) != fmt.Sprint(w.Shape) {
						t.Errorf("%s: shape %v, want %v", key, tn.Shape, w.Shape)
					}
					for j, v := range tn.Data {
						if v != w.Data[j] {
							t.Errorf("%s[%d] = %v, the library gives %v", key, j, v, w.Data[j])
							break
						}
					}
				}
			}
			if len(want) > 0 {
				t.Errorf("the trace lacks %d values of the library's calls: %v", len(want), keys(want))
			}
			// The session's network took the same step.
			s.mu.Lock()
			for i, p := range ref.net.Parameters() {
				if !tensor.AllClose(p.Value, s.m.net.Parameters()[i].Value, 0, 0) {
					t.Errorf("after the step, parameter %s differs from the library's", p.Name)
				}
			}
			s.mu.Unlock()
			t.Logf("%d tensors checked in %d steps", checked, len(tr.Steps))
		})
	}
}

// TestBackpropLines checks a formula with its numbers plugged in, on a
// network small enough to compute by hand.
func TestBackpropLines(t *testing.T) {
	c := defaultConfig()
	c.Hidden, c.Act = []int{1}, []string{"tanh"}
	s, err := newSession("t", c, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := s.m.net.Modules()[0].(*layers.Linear)
	copy(l.Weight.Value.Data, []float64{0.5, -0.25})
	l.Bias.Value.Data[0] = 0.125
	x := tensor.FromSlice([]float64{2, 4}, 1, 2)
	y := tensor.FromSlice([]float64{1}, 1, 1)
	tr := s.backprop("point", []int{0}, x, y)
	first := tr.Steps[1] // after ZeroGrad
	want := "Y[1,1] = X[1,1]·W[1,1] + X[1,2]·W[2,1] + b[1] = 2·0.5 + 4·(-0.25) + 0.125 = 0.125"
	if first.Lines[0] != want {
		t.Errorf("forward line\n%s\nwant\n%s", first.Lines[0], want)
	}
	if first.Shapes != "X: 1×2 · W: 2×1 + b: 1×1 → Y: 1×1" {
		t.Errorf("shapes %q", first.Shapes)
	}
	tanh := tr.Steps[2].Lines[0]
	if !strings.HasPrefix(tanh, "Y[1,1] = tanh(X[1,1]) = tanh(0.125) = 0.124353") {
		t.Errorf("tanh line %q", tanh)
	}
}

func rowsOf(t *tensor.Tensor, rows []int) *tensor.Tensor {
	out := tensor.New(len(rows), t.Cols())
	for i, r := range rows {
		copy(out.Row(i), t.Row(r))
	}
	return out
}

func keys(m map[string]*tensor.Tensor) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

package layers_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/layers/gradcheck"
	"github.com/nndiy/nndiy/tensor"
)

func TestFlatten(t *testing.T) {
	tests := []struct {
		in, out []int
	}{
		{[]int{4, 127, 32}, []int{4, 4064}},
		{[]int{2, 3, 5, 7}, []int{2, 105}},
		{[]int{3, 6}, []int{3, 6}},
		{[]int{0, 5, 2}, []int{0, 10}},
	}
	rng := rand.New(rand.NewPCG(8, 12))
	for _, tt := range tests {
		m := layers.NewFlatten()
		x := tensor.New(tt.in...).FillNormal(rng, 0, 1)
		y := m.Forward(x)
		if !tensor.SameShape(y, tensor.New(tt.out...)) {
			t.Errorf("Forward(%v) has shape %v, want %v", tt.in, y.Shape, tt.out)
		}
		if len(x.Data) > 0 && (&y.Data[0] != &x.Data[0] || len(y.Data) != len(x.Data)) {
			t.Errorf("Forward(%v) is not a view of x", tt.in)
		}
		delta := tensor.New(tt.out...).FillNormal(rng, 0, 1)
		dx := m.BackwardDelta(x, delta)
		if !tensor.SameShape(dx, x) || tensor.MaxAbsDiff(dx.Reshape(tt.out...), delta) != 0 {
			t.Errorf("BackwardDelta for %v: shape %v, or values differ from delta", tt.in, dx.Shape)
		}
	}
}

func TestFlattenGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 13))
	x := tensor.New(2, 3, 4, 2).FillNormal(rng, 0, 1)
	if _, err := gradcheck.Module(layers.NewFlatten(), x, rng); err != nil {
		t.Fatal(err)
	}
}

func TestFlattenPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want []string
	}{
		{"rank 1", func() { layers.NewFlatten().Forward(tensor.New(5)) }, []string{"layers.Flatten.Forward", "[5]"}},
		{"delta", func() { layers.NewFlatten().BackwardDelta(tensor.New(2, 3, 4), tensor.New(2, 11)) }, []string{"layers.Flatten.BackwardDelta", "[2 11]", "[2 12]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := convPanicMessage(tt.f)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic message %q does not contain %q", msg, w)
				}
			}
		})
	}
}

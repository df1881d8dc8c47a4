package data

import (
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

func TestSignsToBinaryAndClasses(t *testing.T) {
	y := tensor.FromSlice([]float64{1, -1, -1, 1, 1}, 5, 1)
	got := SignsToBinary(nil, y)
	want := tensor.FromSlice([]float64{1, 0, 0, 1, 1}, 5, 1)
	if !tensor.SameShape(got, want) || tensor.MaxAbsDiff(got, want) != 0 {
		t.Errorf("SignsToBinary = %v, want %v", got, want)
	}
	if c := SignsToClasses(nil, y); !slices.Equal(c, []int{1, 0, 0, 1, 1}) {
		t.Errorf("SignsToClasses = %v", c)
	}
	// In place.
	in := y.Clone()
	if SignsToBinary(in, in) != in || tensor.MaxAbsDiff(in, want) != 0 {
		t.Errorf("SignsToBinary in place = %v", in)
	}
}

func TestOneHot(t *testing.T) {
	got := OneHot(nil, []int{2, 0, 1, 2}, 3)
	want := tensor.FromSlice([]float64{
		0, 0, 1,
		1, 0, 0,
		0, 1, 0,
		0, 0, 1,
	}, 4, 3)
	if !tensor.SameShape(got, want) || tensor.MaxAbsDiff(got, want) != 0 {
		t.Errorf("OneHot = %v, want %v", got, want)
	}
	// A reused destination is cleared first.
	dst := tensor.New(4, 3).Fill(7)
	if OneHot(dst, []int{2, 0, 1, 2}, 3); tensor.MaxAbsDiff(dst, want) != 0 {
		t.Errorf("OneHot into a used buffer = %v", dst)
	}
}

func TestLabelPanics(t *testing.T) {
	tests := []struct {
		name, want string
		f          func()
	}{
		{"SignsToBinary 0.5", "label 0.5 at index 1", func() { SignsToBinary(nil, tensor.FromSlice([]float64{1, 0.5}, 2, 1)) }},
		{"SignsToBinary shape", "shape mismatch", func() { SignsToBinary(tensor.New(3, 1), tensor.New(2, 1)) }},
		{"SignsToClasses 0", "label 0 at index 0", func() { SignsToClasses(nil, tensor.New(2, 1)) }},
		{"SignsToClasses length", "destination length 1", func() { SignsToClasses(make([]int, 1), tensor.New(2, 1)) }},
		{"OneHot label", "label 3 at index 1", func() { OneHot(nil, []int{0, 3}, 3) }},
		{"OneHot negative", "label -1 at index 0", func() { OneHot(nil, []int{-1}, 3) }},
		{"OneHot shape", "destination shape [2 2]", func() { OneHot(tensor.New(2, 2), []int{0, 1}, 3) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one containing %q", msg, tt.want)
				}
			}()
			tt.f()
		})
	}
}

package golden

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

func TestFloatUnmarshal(t *testing.T) {
	var g Tensor
	if err := json.Unmarshal([]byte(`{"shape":[1,4],"data":[1.5,"inf","-inf","nan"]}`), &g); err != nil {
		t.Fatal(err)
	}
	x := g.Tensor()
	if x.Data[0] != 1.5 || !math.IsInf(x.Data[1], 1) || !math.IsInf(x.Data[2], -1) || !math.IsNaN(x.Data[3]) {
		t.Errorf("got %v", x.Data)
	}
	if err := json.Unmarshal([]byte(`{"data":["x"]}`), &g); err == nil {
		t.Error("a string that is no number was accepted")
	}
}

func TestErr(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		name      string
		got, want []float64
		err       float64
		fails     bool
	}{
		{"equal", []float64{1, 2}, []float64{1, 2}, 0, false},
		{"relative to the largest", []float64{1, 4.0004}, []float64{1, 4}, 1e-4, false},
		{"all zero want", []float64{1e-3, 0}, []float64{0, 0}, 1e-3, false},
		{"same non-finite", []float64{inf, nan, 2}, []float64{inf, nan, 2}, 0, false},
		{"missing inf", []float64{1, 2}, []float64{inf, 2}, 0, true},
		{"unexpected nan", []float64{nan, 2}, []float64{1, 2}, 0, true},
	} {
		e, err := Err(tensor.FromSlice(c.got, 1, 2+len(c.got)-2), tensor.FromSlice(c.want, 1, len(c.want)))
		if (err != nil) != c.fails || (!c.fails && math.Abs(e-c.err) > 1e-15) {
			t.Errorf("%s: Err = %g, %v; want %g, fails %v", c.name, e, err, c.err, c.fails)
		}
	}
	if _, err := Err(tensor.New(2, 1), tensor.New(1, 2)); err == nil {
		t.Error("shapes [2 1] and [1 2] compared without error")
	}
}

// Package golden reads the reference values that the PyTorch scripts under
// testdata/ write, and compares nndiy's results with them. Only tests
// import it.
//
// The scripts (testdata/golden_common.py) write a tensor as a JSON object
// {"shape": [...], "data": [...]}, and the values JSON cannot hold as the
// strings "inf", "-inf" and "nan".
package golden

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// Tol is the largest relative error allowed against PyTorch, as Err
// measures it.
const Tol = 1e-12

// Float is a JSON number, or one of the strings "inf", "-inf", "nan".
type Float float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "inf":
			*f = Float(math.Inf(1))
		case "-inf":
			*f = Float(math.Inf(-1))
		case "nan":
			*f = Float(math.NaN())
		default:
			return fmt.Errorf("golden value %q is not a number", s)
		}
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}

// Tensor is a tensor as the scripts write it.
type Tensor struct {
	Shape []int   `json:"shape"`
	Data  []Float `json:"data"`
}

// Tensor returns a new tensor holding g's values.
func (g Tensor) Tensor() *tensor.Tensor {
	data := make([]float64, len(g.Data))
	for i, v := range g.Data {
		data[i] = float64(v)
	}
	return tensor.FromSlice(data, g.Shape...)
}

// Load reads the JSON file at path into v, failing the test on error.
func Load(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (regenerate it with the script named in its package's golden test)", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Err returns the relative error of got against want: the largest
// |got − want| over want's finite elements divided by the largest |want|
// among them (the plain difference when want is all zeros). Non-finite
// values must match exactly: it returns an error when they do not, or when
// the shapes differ.
func Err(got, want *tensor.Tensor) (float64, error) {
	if !tensor.SameShape(got, want) {
		return math.Inf(1), fmt.Errorf("shape %v, want %v", got.Shape, want.Shape)
	}
	diff, scale := 0.0, 0.0
	for i, w := range want.Data {
		g := got.Data[i]
		finiteW := !math.IsInf(w, 0) && !math.IsNaN(w)
		finiteG := !math.IsInf(g, 0) && !math.IsNaN(g)
		if !finiteW || !finiteG {
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				return math.Inf(1), fmt.Errorf("element %d is %v, want %v", i, g, w)
			}
			continue
		}
		diff = max(diff, math.Abs(g-w))
		scale = max(scale, math.Abs(w))
	}
	if scale == 0 {
		return diff, nil
	}
	return diff / scale, nil
}

// Check reports an error on t when got is not within Tol of want.
func Check(t testing.TB, what string, got, want *tensor.Tensor) {
	t.Helper()
	e, err := Err(got, want)
	if err == nil && e > Tol {
		err = fmt.Errorf("relative error %.3g > %g", e, Tol)
	}
	if err != nil {
		t.Errorf("%s: %v\ngot  %v\nwant %v", what, err, got, want)
	}
}

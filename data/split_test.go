package data

import (
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

func TestSplitIndicesSizes(t *testing.T) {
	tests := []struct {
		n               int
		testSize        float64
		wantTrain, want int
	}{
		{10, 0.25, 7, 3}, // ⌈2.5⌉ = 3
		{1000, 0.2, 800, 200},
		{100, 0.07, 92, 8}, // 0.07·100 = 7.000000000000001 in float64, as in scikit-learn
		{7, 0.5, 3, 4},     // ⌈3.5⌉ = 4
		{2, 0.01, 1, 1},    // ⌈0.02⌉ = 1
	}
	for _, tt := range tests {
		train, test, err := SplitIndices(tt.n, tt.testSize, newRNG(1))
		if err != nil {
			t.Errorf("SplitIndices(%d, %v): %v", tt.n, tt.testSize, err)
			continue
		}
		if len(train) != tt.wantTrain || len(test) != tt.want {
			t.Errorf("SplitIndices(%d, %v): %d train and %d test, want %d and %d", tt.n, tt.testSize, len(train), len(test), tt.wantTrain, tt.want)
		}
		all := slices.Sorted(slices.Values(append(slices.Clone(train), test...)))
		for i, v := range all {
			if v != i {
				t.Fatalf("SplitIndices(%d, %v): indices %v are not a partition of 0…%d", tt.n, tt.testSize, all, tt.n-1)
			}
		}
	}
}

func TestSplitIndicesErrors(t *testing.T) {
	tests := []struct {
		n        int
		testSize float64
	}{
		{10, 0}, {10, 1}, {10, -0.5}, {10, 1.5}, {1, 0.5}, {0, 0.5}, {3, 0.9},
	}
	for _, tt := range tests {
		if _, _, err := SplitIndices(tt.n, tt.testSize, newRNG(1)); err == nil {
			t.Errorf("SplitIndices(%d, %v): no error", tt.n, tt.testSize)
		}
	}
}

func TestTrainTestSplit(t *testing.T) {
	// Row i of X is (i, 10·i) and y is i, so each row says where it came from.
	const n = 50
	X, y := tensor.New(n, 2), tensor.New(n, 1)
	for i := 0; i < n; i++ {
		X.Set(i, 0, float64(i))
		X.Set(i, 1, float64(10*i))
		y.Data[i] = float64(i)
	}
	Xtr, Xte, ytr, yte, err := TrainTestSplit(X, y, 0.3, newRNG(9))
	if err != nil {
		t.Fatal(err)
	}
	if Xtr.Rows() != 35 || Xte.Rows() != 15 || ytr.Rows() != 35 || yte.Rows() != 15 {
		t.Fatalf("shapes %v %v %v %v", Xtr.Shape, Xte.Shape, ytr.Shape, yte.Shape)
	}
	seen := make([]bool, n)
	sorted := true
	for _, part := range [][2]*tensor.Tensor{{Xtr, ytr}, {Xte, yte}} {
		for i := 0; i < part[0].Rows(); i++ {
			r := int(part[1].Data[i])
			if part[0].At(i, 0) != float64(r) || part[0].At(i, 1) != float64(10*r) {
				t.Fatalf("row %v paired with label %d", part[0].Row(i), r)
			}
			if seen[r] {
				t.Fatalf("row %d twice", r)
			}
			seen[r] = true
			if i > 0 && part[1].Data[i] < part[1].Data[i-1] {
				sorted = false
			}
		}
	}
	if sorted {
		t.Error("the split kept the rows in order: not shuffled")
	}
	// The same seed gives the same split.
	Xtr2, _, _, _, _ := TrainTestSplit(X, y, 0.3, newRNG(9))
	if tensor.MaxAbsDiff(Xtr, Xtr2) != 0 {
		t.Error("the same seed gave a different split")
	}
	if _, _, _, _, err := TrainTestSplit(X, y, 1.3, newRNG(9)); err == nil {
		t.Error("test size 1.3: no error")
	}
}

func TestGatherRows(t *testing.T) {
	src := tensor.FromSlice([]float64{0, 1, 10, 11, 20, 21}, 3, 2)
	got := GatherRows(nil, src, []int{2, 0, 2})
	want := tensor.FromSlice([]float64{20, 21, 0, 1, 20, 21}, 3, 2)
	if tensor.MaxAbsDiff(got, want) != 0 {
		t.Errorf("GatherRows = %v", got)
	}
	for _, f := range []func(){
		func() { GatherRows(nil, src, []int{3}) },
		func() { GatherRows(tensor.New(2, 2), src, []int{0}) },
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, "data.GatherRows") {
					t.Errorf("panic %q", msg)
				}
			}()
			f()
		}()
	}
}

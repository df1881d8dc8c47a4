package tensor

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// meanStd returns the sample mean and standard deviation of x.
func meanStd(x []float64) (mean, std float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(x)-1))
}

func TestFillUniform(t *testing.T) {
	const n, lo, hi = 100_000, -3.0, 5.0
	x := New(n)
	if got := x.FillUniform(rand.New(rand.NewPCG(1, 2)), lo, hi); got != x {
		t.Error("FillUniform does not return its receiver")
	}
	for _, v := range x.Data {
		if v < lo || v >= hi {
			t.Fatalf("FillUniform(%v, %v) drew %v", lo, hi, v)
		}
	}
	// A uniform on [lo, hi) has mean (lo+hi)/2 and deviation (hi−lo)/√12;
	// the sample mean is off by a few times σ/√n at most.
	mean, std := meanStd(x.Data)
	sigma := (hi - lo) / math.Sqrt(12)
	if tol := 5 * sigma / math.Sqrt(n); math.Abs(mean-(lo+hi)/2) > tol {
		t.Errorf("mean %v, want %v ± %v", mean, (lo+hi)/2, tol)
	}
	if math.Abs(std-sigma) > 0.01*sigma {
		t.Errorf("std %v, want %v", std, sigma)
	}
	y := New(n).FillUniform(rand.New(rand.NewPCG(1, 2)), lo, hi)
	if !slices.Equal(x.Data, y.Data) {
		t.Error("the same seed gave different values")
	}
}

func TestFillNormal(t *testing.T) {
	const n, mu, sigma = 100_000, 2.0, 0.5
	x := New(n)
	if got := x.FillNormal(rand.New(rand.NewPCG(3, 4)), mu, sigma); got != x {
		t.Error("FillNormal does not return its receiver")
	}
	mean, std := meanStd(x.Data)
	if tol := 5 * sigma / math.Sqrt(n); math.Abs(mean-mu) > tol {
		t.Errorf("mean %v, want %v ± %v", mean, mu, tol)
	}
	if tol := 5 * sigma / math.Sqrt(2*n); math.Abs(std-sigma) > tol {
		t.Errorf("std %v, want %v ± %v", std, sigma, tol)
	}
	y := New(n).FillNormal(rand.New(rand.NewPCG(3, 4)), mu, sigma)
	if !slices.Equal(x.Data, y.Data) {
		t.Error("the same seed gave different values")
	}
	z := New(n).FillNormal(rand.New(rand.NewPCG(3, 5)), mu, sigma)
	if slices.Equal(x.Data, z.Data) {
		t.Error("different seeds gave the same values")
	}
}

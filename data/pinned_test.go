package data

import (
	"testing"

	"github.com/nndiy/nndiy/internal/portable"
	"github.com/nndiy/nndiy/tensor"
)

// TestGeneratorsPinned pins a fingerprint (portable.Fingerprint, a SHA-256
// of the bits) of each generator's output for fixed seeds, so that a seed
// means the same data on every architecture: a change of a single bit on
// amd64 or arm64 fails here. The experiments' committed results were
// computed from these very bits.
func TestGeneratorsPinned(t *testing.T) {
	arti := func(kind Kind, opts ArtiOptions, seed uint64) func() (X, y *tensor.Tensor) {
		return func() (X, y *tensor.Tensor) {
			return Arti(kind, 2000, opts, newRNG(seed))
		}
	}
	spiral := DefaultArtiOptions()
	spiral.Turns = 2.75
	tests := []struct {
		name string
		gen  func() (X, y *tensor.Tensor)
		want string
	}{
		{"two-gaussians", arti(TwoGaussians, DefaultArtiOptions(), 1), "a83bf37948189ea6"},
		{"four-gaussians", arti(FourGaussians, DefaultArtiOptions(), 2), "d6205d9c2abd230b"},
		{"checkerboard", arti(Checkerboard, DefaultArtiOptions(), 3), "c015cb8ef20bbcab"},
		{"circles", arti(Circles, DefaultArtiOptions(), 4), "858160f30bce8701"},
		{"moons", arti(Moons, DefaultArtiOptions(), 5), "c7504988ac5b7727"},
		{"spirals", arti(Spirals, spiral, 6), "574c27456cc20dc6"},
		{"regression", func() (X, y *tensor.Tensor) {
			return Regression(10000, DefaultRegressionOptions(), newRNG(7))
		}, "9f90c2e8903482c1"},
	}
	for _, tt := range tests {
		X, y := tt.gen()
		if got := portable.Fingerprint(X.Data, y.Data); got != tt.want {
			t.Errorf("%s: fingerprint %s, want %s", tt.name, got, tt.want)
		}
	}

	// The split and the batches' order are integer draws, the same on
	// every architecture by construction; pinned all the same, since
	// math/rand/v2 does not promise its Shuffle and Perm for ever.
	train, test, err := SplitIndices(1000, 0.25, newRNG(8))
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	b := NewBatches(tensor.New(1000, 1), nil, 64, newRNG(9))
	for epoch := 0; epoch < 2; epoch++ {
		for b.Next(tensor.New(64, 1), nil) {
			order = append(order, b.Indices()...)
		}
	}
	for _, tt := range []struct {
		name string
		idx  []int
		want string
	}{
		{"SplitIndices", append(train, test...), "828c265686c714ef"},
		{"Batches", order, "fcb9445f46192c05"},
	} {
		v := make([]float64, len(tt.idx))
		for i, k := range tt.idx {
			v[i] = float64(k)
		}
		if got := portable.Fingerprint(v); got != tt.want {
			t.Errorf("%s: fingerprint %s, want %s", tt.name, got, tt.want)
		}
	}
}

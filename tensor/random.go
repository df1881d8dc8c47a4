package tensor

import (
	"math/rand/v2"

	"github.com/nndiy/nndiy/internal/portable"
)

// FillUniform fills t with values drawn uniformly from [lo, hi) using rng,
// in storage order, and returns t. The same seed gives the same tensor, bit
// for bit, on every architecture.
func (t *Tensor) FillUniform(rng *rand.Rand, lo, hi float64) *Tensor {
	w := hi - lo
	for i := range t.Data {
		// float64(…) rounds the product before the sum: Go lets arm64
		// fuse lo + w·u into one multiply-add, which rounds once and
		// would give other bits than amd64.
		t.Data[i] = lo + float64(w*rng.Float64())
	}
	return t
}

// FillNormal fills t with values drawn from a normal distribution of the
// given mean and standard deviation using rng, in storage order, and returns t.
// The values are mean + std·rng.NormFloat64() as amd64 computes them, bit
// for bit on every architecture (see FillUniform and package
// internal/portable).
func (t *Tensor) FillNormal(rng *rand.Rand, mean, std float64) *Tensor {
	for i := range t.Data {
		t.Data[i] = mean + float64(std*portable.Norm(rng))
	}
	return t
}

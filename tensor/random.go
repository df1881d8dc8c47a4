package tensor

import "math/rand/v2"

// FillUniform fills t with values drawn uniformly from [lo, hi) using rng,
// in storage order, and returns t. The same seed gives the same tensor.
func (t *Tensor) FillUniform(rng *rand.Rand, lo, hi float64) *Tensor {
	w := hi - lo
	for i := range t.Data {
		t.Data[i] = lo + w*rng.Float64()
	}
	return t
}

// FillNormal fills t with values drawn from a normal distribution of the
// given mean and standard deviation using rng, in storage order, and returns t.
func (t *Tensor) FillNormal(rng *rand.Rand, mean, std float64) *Tensor {
	for i := range t.Data {
		t.Data[i] = mean + std*rng.NormFloat64()
	}
	return t
}

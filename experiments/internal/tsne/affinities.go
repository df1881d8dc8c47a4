package tsne

import "math"

// Perplexity calibration (paper §2): for each point i, the conditional
// distribution over its neighbours
//
//	p_j|i = exp(−β_i·‖x_i − x_j‖²) / Σ_{k≠i} exp(−β_i·‖x_i − x_k‖²),  p_i|i = 0,
//
// with the precision β_i = 1/(2σ_i²) found by binary search so that its
// Shannon entropy H(P_i) = −Σ_j p_j|i·ln p_j|i equals ln(perplexity), to
// within entropyTolerance nats. The joint distribution is then
//
//	p_ij = (p_j|i + p_i|j) / 2n,
//
// symmetric, zero on the diagonal, summing to 1.

const (
	// entropyTolerance is how close, in nats, the entropy of each row must
	// come to ln(perplexity) before the binary search stops (as in the
	// reference implementations).
	entropyTolerance = 1e-5
	// maxCalibrationSteps bounds the binary search for one row. Starting
	// from β = 1, doubling or halving reaches any scale of distances
	// within 2^±60 well before the bound, and bisection then gains a bit per
	// step.
	maxCalibrationSteps = 100
)

// jointProbabilities returns the n×n matrix P (row-major) of t-SNE's input
// similarities for the n×d points x, and the precision β_i found for each
// row. The rows are calibrated in parallel; the result does not depend on
// workers.
func jointProbabilities(x []float64, n, d int, perplexity float64, workers int) (p, beta []float64) {
	p, beta = conditionalProbabilities(x, n, d, perplexity, workers)
	symmetrize(p, n)
	return p, beta
}

// conditionalProbabilities returns the n×n matrix whose row i is the
// calibrated conditional distribution p_·|i, and the β_i of each row.
func conditionalProbabilities(x []float64, n, d int, perplexity float64, workers int) (p, beta []float64) {
	p = make([]float64, n*n)
	beta = make([]float64, n)
	logPerplexity := math.Log(perplexity)
	forRows(n, workers, func(_, lo, hi int) {
		dist := make([]float64, n)
		for i := lo; i < hi; i++ {
			squaredDistances(dist, x, d, i)
			beta[i] = calibrateRow(p[i*n:(i+1)*n], dist, i, logPerplexity)
		}
	})
	return p, beta
}

// squaredDistances sets dist[j] = ‖x_i − x_j‖² for the n×d points x.
func squaredDistances(dist, x []float64, d, i int) {
	xi := x[i*d : (i+1)*d]
	for j := range dist {
		xj := x[j*d : (j+1)*d]
		s := 0.0
		for k, v := range xi {
			t := v - xj[k]
			s += t * t
		}
		dist[j] = s
	}
}

// calibrateRow finds by binary search the β for which the distribution
// row[j] ∝ exp(−β·dist[j]), row[self] = 0, has entropy logPerplexity, leaves
// that distribution in row and returns β.
//
// If the entropy is too high the distribution is too flat and β must grow;
// if too low, β must shrink. Until an upper bound is known, β doubles.
// When the bound cannot be met (all distances equal, say), the search stops
// after maxCalibrationSteps with the closest β it tried last.
func calibrateRow(row, dist []float64, self int, logPerplexity float64) float64 {
	// exp(−β·(dist[j] − dmin)) is proportional to exp(−β·dist[j]), so the
	// distribution is the same, but the nearest neighbour's term is 1: the
	// sum cannot underflow to 0 however large β grows.
	dmin := math.Inf(1)
	for j, v := range dist {
		if j != self && v < dmin {
			dmin = v
		}
	}
	beta, lo, hi := 1.0, 0.0, math.Inf(1)
	for range maxCalibrationSteps {
		h := gaussianRow(row, dist, self, dmin, beta)
		switch diff := h - logPerplexity; {
		case math.Abs(diff) < entropyTolerance:
			return beta
		case diff > 0: // too flat: narrow the Gaussian
			lo = beta
			if math.IsInf(hi, 1) {
				beta *= 2
			} else {
				beta = (beta + hi) / 2
			}
		default: // too peaked: widen it
			hi = beta
			beta = (beta + lo) / 2
		}
	}
	gaussianRow(row, dist, self, dmin, beta)
	return beta
}

// gaussianRow sets row[j] = exp(−β·(dist[j] − dmin)) / S, with S the sum of
// the numerators over j ≠ self and row[self] = 0, and returns the entropy of
// row in nats:
//
//	H = −Σ_j row[j]·ln row[j] = ln S + β·Σ_j (dist[j] − dmin)·row[j].
func gaussianRow(row, dist []float64, self int, dmin, beta float64) float64 {
	sum, weighted := 0.0, 0.0
	for j, v := range dist {
		if j == self {
			row[j] = 0
			continue
		}
		e := math.Exp(-beta * (v - dmin))
		row[j] = e
		sum += e
		weighted += (v - dmin) * e
	}
	for j := range row {
		row[j] /= sum
	}
	return math.Log(sum) + beta*weighted/sum
}

// symmetrize replaces the conditional distributions in the n×n matrix p by
// the joint p_ij = p_ji = (p_j|i + p_i|j) / 2n.
func symmetrize(p []float64, n int) {
	twoN := float64(2 * n)
	for i := range n {
		p[i*n+i] = 0
		for j := i + 1; j < n; j++ {
			v := (p[i*n+j] + p[j*n+i]) / twoN
			p[i*n+j], p[j*n+i] = v, v
		}
	}
}

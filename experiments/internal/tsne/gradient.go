package tsne

import "math"

// The cost and its gradient (paper §3). With the Student-t similarities of
// the embedding y (n×dims)
//
//	w_ij = (1 + ‖y_i − y_j‖²)⁻¹,   Z = Σ_{k≠l} w_kl,   q_ij = w_ij / Z,
//
// the cost is C = KL(P‖Q) = Σ_{i≠j} p_ij·ln(p_ij / q_ij) and its gradient
//
//	∂C/∂y_i = 4·Σ_j (p_ij − q_ij)·w_ij·(y_i − y_j).
//
// During early exaggeration every p_ij is multiplied by α.

// gradientReference is the plain version of gradient, straight from the
// formula above: it builds Q in full, then sums. The tests compare the fast
// version against it. It returns ∂C/∂y (n×dims) for the exaggeration α and
// KL(P‖Q) (without exaggeration).
func gradientReference(p, y []float64, n, dims int, alpha float64) (grad []float64, kl float64) {
	w := make([]float64, n*n)
	z := 0.0
	for i := range n {
		for j := range n {
			if i == j {
				continue
			}
			d2 := 0.0
			for k := range dims {
				t := y[i*dims+k] - y[j*dims+k]
				d2 += t * t
			}
			w[i*n+j] = 1 / (1 + d2)
			z += w[i*n+j]
		}
	}
	grad = make([]float64, n*dims)
	for i := range n {
		for j := range n {
			if i == j {
				continue
			}
			pij, qij := p[i*n+j], w[i*n+j]/z
			for k := range dims {
				grad[i*dims+k] += 4 * (alpha*pij - qij) * w[i*n+j] * (y[i*dims+k] - y[j*dims+k])
			}
			if pij > 0 {
				kl += pij * math.Log(pij/qij)
			}
		}
	}
	return grad, kl
}

// gradient is the row-parallel, single-pass version of gradientReference:
// it writes ∂C/∂y into s.grad for the exaggeration alpha.
//
// Q cannot be formed row by row, since Z needs every pair. Splitting the
// gradient into its attractive and repulsive parts avoids a second pass:
//
//	∂C/∂y_i = 4·(α·a_i − b_i / Z),  a_i = Σ_j p_ij·w_ij·(y_i − y_j),  b_i = Σ_j w_ij²·(y_i − y_j),
//
// and a_i, b_i and the row sum z_i = Σ_{j≠i} w_ij need row i only. The
// term j = i is not skipped: it adds 0 to a_i and b_i and exactly 1 to the
// row sum, which is taken off, so the inner loop has no branch. Z is the sum
// of the z_i in row order, so the result does not depend on s.workers.
// Two dimensions, by far the common case, have their own loop that keeps
// y_i and the four sums in registers.
func (s *state) gradient(alpha float64) {
	n, dims := s.n, s.dims
	forRows(n, s.workers, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			prow := s.p[i*n : (i+1)*n]
			a, b := s.a[i*dims:(i+1)*dims], s.b[i*dims:(i+1)*dims]
			if dims == 2 {
				s.rowZ[i] = rowSums2(a, b, prow, s.y, i)
			} else {
				s.rowZ[i] = rowSums(a, b, prow, s.y, i, dims, s.diff[w])
			}
		}
	})
	z := 0.0
	for _, v := range s.rowZ {
		z += v
	}
	for k := range s.grad {
		s.grad[k] = 4 * (alpha*s.a[k] - s.b[k]/z)
	}
}

// rowSums2 sets a = a_i, b = b_i for two dimensions and returns z_i.
func rowSums2(a, b, prow, y []float64, i int) float64 {
	y = y[:2*len(prow)]
	yi0, yi1 := y[2*i], y[2*i+1]
	var a0, a1, b0, b1, z float64
	for j, pij := range prow {
		d0, d1 := yi0-y[2*j], yi1-y[2*j+1]
		w := 1 / (1 + d0*d0 + d1*d1)
		pw, ww := pij*w, w*w
		a0 += pw * d0
		a1 += pw * d1
		b0 += ww * d0
		b1 += ww * d1
		z += w
	}
	a[0], a[1], b[0], b[1] = a0, a1, b0, b1
	return z - 1
}

// rowSums sets a = a_i, b = b_i for any number of dimensions and returns z_i;
// diff is scratch of length dims.
func rowSums(a, b, prow, y []float64, i, dims int, diff []float64) float64 {
	clear(a)
	clear(b)
	yi := y[i*dims : (i+1)*dims]
	z := 0.0
	for j, pij := range prow {
		yj := y[j*dims : (j+1)*dims]
		d2 := 0.0
		for k, v := range yi {
			diff[k] = v - yj[k]
			d2 += diff[k] * diff[k]
		}
		w := 1 / (1 + d2)
		pw, ww := pij*w, w*w
		for k, t := range diff {
			a[k] += pw * t
			b[k] += ww * t
		}
		z += w
	}
	return z - 1
}

// klDivergence returns KL(P‖Q) for the current embedding, in nats. Since
// Σ p_ij = 1 and ln(p_ij/q_ij) = ln p_ij + ln(1 + ‖y_i − y_j‖²) + ln Z,
//
//	KL = Σ p_ij·ln p_ij + Σ p_ij·ln(1 + ‖y_i − y_j‖²) + ln Z,
//
// where the first sum, s.pLogP, does not change during the optimisation.
// Terms with p_ij = 0 contribute 0.
func (s *state) klDivergence() float64 {
	n, dims := s.n, s.dims
	forRows(n, s.workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			yi := s.y[i*dims : (i+1)*dims]
			z, cross := 0.0, 0.0
			for j, pij := range s.p[i*n : (i+1)*n] {
				if j == i {
					continue
				}
				yj := s.y[j*dims : (j+1)*dims]
				d2 := 0.0
				for k, v := range yi {
					t := v - yj[k]
					d2 += t * t
				}
				z += 1 / (1 + d2)
				if pij > 0 {
					cross += pij * math.Log1p(d2)
				}
			}
			s.rowZ[i], s.rowKL[i] = z, cross
		}
	})
	z, cross := 0.0, 0.0
	for i := range n {
		z += s.rowZ[i]
		cross += s.rowKL[i]
	}
	return s.pLogP + cross + math.Log(z)
}

// entropyTerm returns Σ_ij p_ij·ln p_ij over the entries p_ij > 0.
func entropyTerm(p []float64, n, workers int) float64 {
	rows := make([]float64, n)
	forRows(n, workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			s := 0.0
			for _, v := range p[i*n : (i+1)*n] {
				if v > 0 {
					s += v * math.Log(v)
				}
			}
			rows[i] = s
		}
	})
	sum := 0.0
	for _, v := range rows {
		sum += v
	}
	return sum
}

package kmeans

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nndiy/nndiy/tensor"
)

// Options tunes Fit; the zero value is 1 start and at most 300 iterations.
type Options struct {
	Restarts int // runs from different k-means++ starts, the best kept; 0 means 1
	MaxIter  int // Lloyd iterations per run at most; 0 means 300
}

// Result is a clustering of the n rows of x into k clusters.
type Result struct {
	Centroids  *tensor.Tensor // k×d, row j the mean of cluster j's points
	Labels     []int          // Labels[i] in [0, k), the cluster of point i
	Inertia    float64        // Σᵢ ‖xᵢ − μ_{Labels[i]}‖²
	Iterations int            // Lloyd iterations of the run kept
}

// Fit clusters the rows of x (n points in d dimensions) into k clusters,
// with k-means++ starts and Lloyd's iterations drawn from rng, and returns
// the run of lowest inertia. It returns an error unless x is a matrix with
// 1 ≤ k ≤ n.
func Fit(x *tensor.Tensor, k int, rng *rand.Rand, opt Options) (*Result, error) {
	if len(x.Shape) != 2 {
		return nil, fmt.Errorf("kmeans.Fit: points shape %v is not a matrix (points × dimensions)", x.Shape)
	}
	if n := x.Shape[0]; k < 1 || k > n {
		return nil, fmt.Errorf("kmeans.Fit: need 1 ≤ k ≤ %d points, have k = %d", n, k)
	}
	restarts, maxIter := max(opt.Restarts, 1), opt.MaxIter
	if maxIter <= 0 {
		maxIter = 300
	}
	var best *Result
	for range restarts {
		r := lloyd(x, plusPlus(x, k, rng), maxIter)
		if best == nil || r.Inertia < best.Inertia {
			best = r
		}
	}
	return best, nil
}

// plusPlus returns k centroids chosen by k-means++ among the rows of x.
func plusPlus(x *tensor.Tensor, k int, rng *rand.Rand) *tensor.Tensor {
	n, d := x.Shape[0], x.Shape[1]
	c := tensor.New(k, d)
	copy(c.Row(0), x.Row(rng.IntN(n)))
	// d2[i] is D(xᵢ)², the squared distance to the nearest centroid so far.
	d2 := make([]float64, n)
	for i := range n {
		d2[i] = sqDist(x.Row(i), c.Row(0))
	}
	for j := 1; j < k; j++ {
		sum := 0.0
		for _, v := range d2 {
			sum += v
		}
		pick := rng.IntN(n) // every point is a centroid already: any will do
		if sum > 0 {
			// The first i whose cumulative D² exceeds u·ΣD².
			u, acc := rng.Float64()*sum, 0.0
			for i, v := range d2 {
				acc += v
				if acc > u && v > 0 {
					pick = i
					break
				}
			}
		}
		copy(c.Row(j), x.Row(pick))
		for i := range n {
			d2[i] = min(d2[i], sqDist(x.Row(i), c.Row(j)))
		}
	}
	return c
}

// lloyd runs Lloyd's iterations from the centroids c, which it updates.
func lloyd(x, c *tensor.Tensor, maxIter int) *Result {
	n, k := x.Shape[0], c.Shape[0]
	r := &Result{Centroids: c, Labels: make([]int, n)}
	for i := range r.Labels {
		r.Labels[i] = -1
	}
	dist := make([]float64, n) // squared distance of point i to its centroid
	counts := make([]int, k)
	for r.Iterations < maxIter {
		r.Iterations++
		// Assignment: the nearest centroid, the lowest index on ties.
		changed := 0
		for i := range n {
			best, bestD := 0, math.Inf(1)
			for j := range k {
				if dj := sqDist(x.Row(i), c.Row(j)); dj < bestD {
					best, bestD = j, dj
				}
			}
			if r.Labels[i] != best {
				r.Labels[i] = best
				changed++
			}
			dist[i] = bestD
		}
		if changed == 0 {
			break
		}
		// An empty cluster takes the point farthest from its centroid
		// among the clusters of two points or more (there is one: k ≤ n).
		clear(counts)
		for _, j := range r.Labels {
			counts[j]++
		}
		for j := range k {
			if counts[j] > 0 {
				continue
			}
			far := -1
			for i, d := range dist {
				if counts[r.Labels[i]] > 1 && (far < 0 || d > dist[far]) {
					far = i
				}
			}
			counts[r.Labels[far]]--
			r.Labels[far], dist[far], counts[j] = j, 0, 1
		}
		// Update: every centroid to the mean of its points.
		c.Fill(0)
		for i, j := range r.Labels {
			row := c.Row(j)
			for t, v := range x.Row(i) {
				row[t] += v
			}
		}
		for j := range k {
			row := c.Row(j)
			for t := range row {
				row[t] /= float64(counts[j])
			}
		}
	}
	for i, j := range r.Labels {
		r.Inertia += sqDist(x.Row(i), c.Row(j))
	}
	return r
}

// sqDist returns ‖a − b‖².
func sqDist(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return s
}

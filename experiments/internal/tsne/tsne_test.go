package tsne

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

const (
	// sumTol is how far from 1 a probability distribution may sum.
	sumTol = 1e-12
	// gradTol is the relative error allowed between the fast gradient and
	// the reference: they differ in the order of summation only.
	gradTol = 1e-12
	// finiteDiffTol is the relative error allowed between the analytic
	// gradient and central finite differences of the cost.
	finiteDiffTol = 1e-6
	// minNeighbourAgreement is the least fraction of points whose nearest
	// neighbour in the embedding has their label, on well-separated blobs.
	minNeighbourAgreement = 0.95
	// minSeparation is the least ratio of the distance between two cluster
	// centres to the spread of a cluster in the embedding.
	minSeparation = 3
)

// blobs returns k Gaussian clusters of m points each in d ≥ k dimensions,
// centred at sep·e_c for cluster c with standard deviation 1 in every
// direction, and the cluster of each point.
func blobs(rng *rand.Rand, k, m, d int, sep float64) (*tensor.Tensor, []int) {
	x := tensor.New(k*m, d)
	labels := make([]int, k*m)
	for i := range labels {
		c := i % k
		labels[i] = c
		for j := range d {
			x.Data[i*d+j] = rng.NormFloat64()
		}
		x.Data[i*d+c] += sep
	}
	return x, labels
}

// neighbourAgreement returns the fraction of the rows of y whose nearest
// other row has the same label.
func neighbourAgreement(y *tensor.Tensor, labels []int) float64 {
	n, dims := y.Rows(), y.Cols()
	agree := 0
	for i := range n {
		best, bestD := -1, math.Inf(1)
		for j := range n {
			if j == i {
				continue
			}
			d := 0.0
			for k := range dims {
				t := y.Data[i*dims+k] - y.Data[j*dims+k]
				d += t * t
			}
			if d < bestD {
				best, bestD = j, d
			}
		}
		if labels[best] == labels[i] {
			agree++
		}
	}
	return float64(agree) / float64(n)
}

// separation returns the smallest distance between two cluster centroids of
// y divided by the largest root-mean-square distance of a cluster's points
// to their centroid.
func separation(y *tensor.Tensor, labels []int, k int) float64 {
	n, dims := y.Rows(), y.Cols()
	centre := make([]float64, k*dims)
	count := make([]float64, k)
	for i := range n {
		c := labels[i]
		count[c]++
		for d := range dims {
			centre[c*dims+d] += y.Data[i*dims+d]
		}
	}
	for c := range k {
		for d := range dims {
			centre[c*dims+d] /= count[c]
		}
	}
	spread := make([]float64, k)
	for i := range n {
		c := labels[i]
		for d := range dims {
			t := y.Data[i*dims+d] - centre[c*dims+d]
			spread[c] += t * t / count[c]
		}
	}
	maxSpread, minGap := 0.0, math.Inf(1)
	for c := range k {
		maxSpread = max(maxSpread, math.Sqrt(spread[c]))
		for e := c + 1; e < k; e++ {
			g := 0.0
			for d := range dims {
				t := centre[c*dims+d] - centre[e*dims+d]
				g += t * t
			}
			minGap = min(minGap, math.Sqrt(g))
		}
	}
	return minGap / maxSpread
}

func TestClustersStaySeparated(t *testing.T) {
	tests := []struct {
		name string
		k    int
		opt  Options
	}{
		{"3 blobs, defaults", 3, Options{}},
		{"5 blobs, defaults", 5, Options{}},
		{"5 blobs, 3-d embedding, 500 steps", 5, Options{Dims: 3, Iterations: 500}},
		{"5 blobs, the paper's settings, 500 steps", 5, Options{EarlyExaggeration: 4, ExaggerationIters: 50, LearningRate: 100, Iterations: 500}},
		{"4 blobs, perplexity 10, 500 steps", 4, Options{Perplexity: 10, Iterations: 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(tt.k)))
			x, labels := blobs(rng, tt.k, 150/tt.k, 10, 10)
			res, err := Embed(x, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := neighbourAgreement(res.Y, labels); got < minNeighbourAgreement {
				t.Errorf("nearest-neighbour label agreement %.3f, want ≥ %v", got, minNeighbourAgreement)
			}
			if got := separation(res.Y, labels, tt.k); got < minSeparation {
				t.Errorf("centroid gap / cluster spread = %.2f, want ≥ %v", got, minSeparation)
			}
			t.Logf("agreement %.3f, separation %.1f, KL %.4f", neighbourAgreement(res.Y, labels), separation(res.Y, labels, tt.k), res.KL)
		})
	}
}

func TestPerplexityCalibration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	clustered, _ := blobs(rng, 5, 30, 10, 10)
	// Points at very different scales: the search must find β far from 1.
	tiny := tensor.New(100, 3).FillNormal(rng, 0, 1e-3)
	huge := tensor.New(100, 3).FillNormal(rng, 0, 1e3)
	// Duplicated points: distance 0 to some neighbours.
	dup := tensor.New(120, 2).FillUniform(rng, -1, 1)
	copy(dup.Data[120:], dup.Data[:120])
	tests := []struct {
		name       string
		x          *tensor.Tensor
		perplexity float64
	}{
		{"blobs, perplexity 5", clustered, 5},
		{"blobs, perplexity 30", clustered, 30},
		{"blobs, perplexity 100", clustered, 100},
		{"blobs, perplexity 149 (n−1)", clustered, 149 - 1e-3},
		{"scale 1e-3", tiny, 20},
		{"scale 1e3", huge, 20},
		{"duplicates", dup, 10},
		{"perplexity 1.5", clustered, 1.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, d := tt.x.Rows(), tt.x.Cols()
			cond, beta := conditionalProbabilities(tt.x.Data, n, d, tt.perplexity, 2)
			dist := make([]float64, n)
			for i := range n {
				row := cond[i*n : (i+1)*n]
				sum, h := 0.0, 0.0
				for _, v := range row {
					sum += v
					if v > 0 {
						h -= v * math.Log(v)
					}
				}
				if math.Abs(sum-1) > sumTol || row[i] != 0 {
					t.Fatalf("row %d sums to %v with p_i|i = %v, want 1 and 0", i, sum, row[i])
				}
				if math.Abs(h-math.Log(tt.perplexity)) > entropyTolerance {
					t.Fatalf("row %d: entropy %v, want ln(%v) = %v ± %v", i, h, tt.perplexity, math.Log(tt.perplexity), entropyTolerance)
				}
				// The row is the Gaussian of precision β_i, computed here
				// without the shift by the nearest distance.
				squaredDistances(dist, tt.x.Data, d, i)
				z := 0.0
				for j, dj := range dist {
					if j != i {
						z += math.Exp(-beta[i] * dj)
					}
				}
				for j, dj := range dist {
					if j == i {
						continue
					}
					if want := math.Exp(-beta[i]*dj) / z; math.Abs(row[j]-want) > 1e-12*math.Max(1, want) {
						t.Fatalf("p_%d|%d = %v, want exp(−β·d²)/Z = %v", j, i, row[j], want)
					}
				}
			}
		})
	}
}

func TestJointProbabilities(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	x, _ := blobs(rng, 3, 20, 5, 5)
	n := x.Rows()
	cond, _ := conditionalProbabilities(x.Data, n, 5, 10, 1)
	p, _ := jointProbabilities(x.Data, n, 5, 10, 2)
	sum := 0.0
	for i := range n {
		for j := range n {
			want := (cond[i*n+j] + cond[j*n+i]) / float64(2*n)
			if p[i*n+j] != want || p[i*n+j] != p[j*n+i] {
				t.Fatalf("p[%d,%d] = %v, p[%d,%d] = %v, want both (p_j|i + p_i|j)/2n = %v", i, j, p[i*n+j], j, i, p[j*n+i], want)
			}
			sum += p[i*n+j]
		}
	}
	if math.Abs(sum-1) > sumTol {
		t.Errorf("Σ p_ij = %v, want 1", sum)
	}
}

// randomProblem returns the P of a small clustered data set and a random
// embedding of it in dims dimensions.
func randomProblem(seed uint64, n, dims int) (p, y []float64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	x, _ := blobs(rng, 3, n/3, 4, 4)
	p, _ = jointProbabilities(x.Data, x.Rows(), 4, 5, 1)
	y = make([]float64, x.Rows()*dims)
	for k := range y {
		y[k] = rng.NormFloat64()
	}
	return p, y
}

func TestGradientMatchesReference(t *testing.T) {
	for _, dims := range []int{1, 2, 3} {
		for _, alpha := range []float64{1, 12} {
			for _, workers := range []int{1, 3} {
				p, y := randomProblem(uint64(dims), 30, dims)
				n := len(y) / dims
				want, wantKL := gradientReference(p, y, n, dims, alpha)
				s := newState(n, dims, workers)
				s.p, s.pLogP = p, entropyTerm(p, n, workers)
				copy(s.y, y)
				s.gradient(alpha)
				scale := 0.0
				for _, v := range want {
					scale = max(scale, math.Abs(v))
				}
				for k := range want {
					if math.Abs(s.grad[k]-want[k]) > gradTol*scale {
						t.Fatalf("dims %d, α %v, %d workers: grad[%d] = %v, reference %v", dims, alpha, workers, k, s.grad[k], want[k])
					}
				}
				if kl := s.klDivergence(); math.Abs(kl-wantKL) > gradTol*wantKL {
					t.Errorf("dims %d: KL = %v, reference %v", dims, kl, wantKL)
				}
			}
		}
	}
}

// TestGradientFiniteDifferences checks the reference gradient, factor 4
// included, against central differences of the reference cost.
func TestGradientFiniteDifferences(t *testing.T) {
	const h = 1e-6
	for _, dims := range []int{1, 2, 3} {
		p, y := randomProblem(10+uint64(dims), 15, dims)
		n := len(y) / dims
		grad, _ := gradientReference(p, y, n, dims, 1)
		for k := range y {
			orig := y[k]
			y[k] = orig + h
			_, plus := gradientReference(p, y, n, dims, 1)
			y[k] = orig - h
			_, minus := gradientReference(p, y, n, dims, 1)
			y[k] = orig
			num := (plus - minus) / (2 * h)
			if math.Abs(num-grad[k]) > finiteDiffTol*math.Max(1, math.Abs(num)) {
				t.Errorf("dims %d: ∂C/∂y[%d] = %v, finite difference %v", dims, k, grad[k], num)
			}
		}
	}
}

func TestKLDecreases(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x, _ := blobs(rng, 4, 40, 10, 10)
	var seen []Checkpoint
	res, err := Embed(x, Options{Progress: func(c Checkpoint) { seen = append(seen, c) }})
	if err != nil {
		t.Fatal(err)
	}
	h := res.History
	if len(h) != DefaultIterations/checkpointGap+1 || h[0].Iteration != 0 || h[len(h)-1].Iteration != DefaultIterations {
		t.Fatalf("history %v, want checkpoints every %d steps from 0 to %d", h, checkpointGap, DefaultIterations)
	}
	if len(seen) != len(h) {
		t.Errorf("Progress called %d times, want %d", len(seen), len(h))
	}
	if res.KL != h[len(h)-1].KL {
		t.Errorf("KL %v is not the last checkpoint %v", res.KL, h[len(h)-1].KL)
	}
	// After early exaggeration the cost should only go down, up to the
	// small wobbles that momentum causes.
	const wobble = 1e-3
	end := DefaultExaggerationIters / checkpointGap
	for k := end + 1; k < len(h); k++ {
		if h[k].KL > h[k-1].KL+wobble {
			t.Errorf("KL went up from %v at step %d to %v at step %d", h[k-1].KL, h[k-1].Iteration, h[k].KL, h[k].Iteration)
		}
	}
	if !(res.KL < h[end].KL && h[end].KL < h[0].KL) {
		t.Errorf("KL %v at start, %v after exaggeration, %v at the end: want decreasing", h[0].KL, h[end].KL, res.KL)
	}
	// The final KL is that of the returned embedding.
	_, want := gradientReference(mustP(t, x, DefaultPerplexity), res.Y.Data, x.Rows(), 2, 1)
	if math.Abs(res.KL-want) > gradTol*want {
		t.Errorf("KL %v, reference KL of Y %v", res.KL, want)
	}
	t.Logf("KL: start %.4f, after exaggeration %.4f, end %.4f", h[0].KL, h[end].KL, res.KL)
}

func mustP(t *testing.T, x *tensor.Tensor, perplexity float64) []float64 {
	t.Helper()
	p, _ := jointProbabilities(x.Data, x.Rows(), x.Cols(), perplexity, 1)
	return p
}

func TestDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	x, _ := blobs(rng, 3, 30, 6, 8)
	run := func(seed uint64, workers, dims int) *Result {
		res, err := Embed(x, Options{Rand: rand.New(rand.NewPCG(seed, 0)), Workers: workers, Dims: dims, Iterations: 100, ExaggerationIters: 50})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, dims := range []int{2, 3} {
		base := run(1, 1, dims)
		for _, workers := range []int{1, 2, 5} {
			got := run(1, workers, dims)
			if !equalBits(got.Y.Data, base.Y.Data) || got.KL != base.KL {
				t.Errorf("dims %d: %d workers give a different result from 1 worker", dims, workers)
			}
		}
		if other := run(2, 2, dims); equalBits(other.Y.Data, base.Y.Data) {
			t.Errorf("dims %d: seeds 1 and 2 give the same embedding", dims)
		}
	}
	before := x.Clone()
	run(1, 2, 2)
	if !equalBits(x.Data, before.Data) {
		t.Error("Embed modified its input")
	}
}

func equalBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestEmbedCentred(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	x, _ := blobs(rng, 2, 10, 3, 5)
	res, err := Embed(x, Options{Perplexity: 5, Iterations: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Y.Rows() != 20 || res.Y.Cols() != 2 {
		t.Fatalf("Y has shape %v, want [20 2]", res.Y.Shape)
	}
	for k := range 2 {
		mean := 0.0
		for i := range 20 {
			mean += res.Y.At(i, k)
		}
		if math.Abs(mean/20) > 1e-12 {
			t.Errorf("column %d has mean %v, want 0", k, mean/20)
		}
	}
	if want := AutoLearningRate(20, DefaultEarlyExaggeration); res.LearningRate != want || want != 50 {
		t.Errorf("learning rate %v, want auto = 50", res.LearningRate)
	}
}

func TestAutoLearningRate(t *testing.T) {
	tests := []struct {
		n     int
		alpha float64
		want  float64
	}{
		{2007, 12, 50},
		{2400, 12, 50},
		{4800, 12, 100},
		{70000, 12, 70000.0 / 48},
		{2007, 4, 2007.0 / 16},
	}
	for _, tt := range tests {
		if got := AutoLearningRate(tt.n, tt.alpha); got != tt.want {
			t.Errorf("AutoLearningRate(%d, %v) = %v, want %v", tt.n, tt.alpha, got, tt.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	good := tensor.New(10, 3).FillUniform(rand.New(rand.NewPCG(6, 6)), 0, 1)
	withNaN := good.Clone()
	withNaN.Data[7] = math.NaN()
	withInf := good.Clone()
	withInf.Data[4] = math.Inf(-1)
	tests := []struct {
		name string
		x    *tensor.Tensor
		opt  Options
		want string // part of the error message
	}{
		{"nil", nil, Options{}, "shape []"},
		{"1-D", tensor.New(10), Options{}, "shape [10]"},
		{"one point", tensor.New(1, 3), Options{}, "1×3"},
		{"no coordinates", tensor.New(10, 0), Options{}, "10×0"},
		{"NaN", withNaN, Options{Perplexity: 3}, "point 2 coordinate 1 is NaN"},
		{"infinity", withInf, Options{Perplexity: 3}, "point 1 coordinate 1 is -Inf"},
		{"default perplexity ≥ n", good, Options{}, "perplexity 30 out of range [1, 9]"},
		{"perplexity n−1+ε", good, Options{Perplexity: 9.5}, "perplexity 9.5"},
		{"perplexity < 1", good, Options{Perplexity: 0.5}, "perplexity 0.5"},
		{"perplexity NaN", good, Options{Perplexity: math.NaN()}, "perplexity NaN"},
		{"negative dims", good, Options{Perplexity: 3, Dims: -1}, "Dims -1"},
		{"negative iterations", good, Options{Perplexity: 3, Iterations: -5}, "Iterations -5"},
		{"negative rate", good, Options{Perplexity: 3, LearningRate: -1}, "LearningRate -1"},
		{"infinite rate", good, Options{Perplexity: 3, LearningRate: math.Inf(1)}, "LearningRate +Inf"},
		{"negative exaggeration", good, Options{Perplexity: 3, EarlyExaggeration: -12}, "EarlyExaggeration -12"},
		{"negative exaggeration steps", good, Options{Perplexity: 3, ExaggerationIters: -1}, "ExaggerationIters -1"},
		{"negative workers", good, Options{Perplexity: 3, Workers: -2}, "Workers -2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Embed(tt.x, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Embed = %v, %v; want an error containing %q", res, err, tt.want)
			}
		})
	}
}

// TestEdgeCases runs inputs that are legal but degenerate: they must give a
// finite embedding.
func TestEdgeCases(t *testing.T) {
	same := tensor.New(8, 2).Fill(3)
	tests := []struct {
		name string
		x    *tensor.Tensor
		opt  Options
	}{
		{"two points", tensor.FromSlice([]float64{0, 0, 1, 1}, 2, 2), Options{Perplexity: 1}},
		{"all points equal", same, Options{Perplexity: 3}},
		{"all points equal, no exaggeration", same, Options{Perplexity: 3, EarlyExaggeration: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Embed(tt.x, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range append(res.Y.Data, res.KL) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("Y = %v, KL = %v: want finite numbers", res.Y.Data, res.KL)
				}
			}
		})
	}
}

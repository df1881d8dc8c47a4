package kmeans

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// veryclose is the tolerance for values computed in a different order than
// the reference (Python, by hand).
const veryclose = 1e-14

// blobs returns k·m points in d dimensions around the centres c·(spread,
// 0, …) of cluster c, with unit Gaussian noise, and their true clusters.
// The points are shuffled so that clusters are not contiguous.
func blobs(rng *rand.Rand, k, m, d int, spread float64) (*tensor.Tensor, []int) {
	x := tensor.New(k*m, d).FillNormal(rng, 0, 1)
	labels := make([]int, k*m)
	perm := rng.Perm(k * m)
	for i, p := range perm {
		labels[p] = i % k
		x.Row(p)[i%k%d] += spread * float64(1+i%k)
	}
	return x, labels
}

func TestFitBlobs(t *testing.T) {
	tests := []struct {
		name     string
		k, m, d  int
		restarts int
	}{
		{"3 blobs in 2-d", 3, 40, 2, 1},
		{"5 blobs in 8-d", 5, 30, 8, 1},
		{"10 blobs in 10-d, 4 starts", 10, 20, 10, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tt.k)))
			x, truth := blobs(rng, tt.k, tt.m, tt.d, 20)
			r, err := Fit(x, tt.k, rng, Options{Restarts: tt.restarts})
			if err != nil {
				t.Fatal(err)
			}
			// Purity counts, so it is exactly 1. NMI divides two sums of
			// p·log p that are equal for a perfect clustering but round
			// differently: 1 on amd64, 1 − 2⁻⁵² on arm64, which fuses
			// their multiply-adds.
			if p, nmi := Purity(r.Labels, truth), NMI(r.Labels, truth); p != 1 || math.Abs(nmi-1) > veryclose {
				t.Errorf("purity %v NMI %v, want 1 and 1 for well-separated blobs", p, nmi)
			}
			// Each centroid is the mean of its points, and the inertia is
			// the sum of squared distances to them.
			inertia := 0.0
			for j := range tt.k {
				mean, count := make([]float64, tt.d), 0
				for i, l := range r.Labels {
					if l == j {
						count++
						for t, v := range x.Row(i) {
							mean[t] += v
						}
					}
				}
				for t := range mean {
					mean[t] /= float64(count)
				}
				if d := sqDist(mean, r.Centroids.Row(j)); d > 1e-20 {
					t.Errorf("centroid %d is %g away from the mean of its points", j, math.Sqrt(d))
				}
			}
			for i, l := range r.Labels {
				inertia += sqDist(x.Row(i), r.Centroids.Row(l))
			}
			if math.Abs(inertia-r.Inertia) > 1e-9*inertia {
				t.Errorf("Inertia %v, recomputed %v", r.Inertia, inertia)
			}
		})
	}
}

// TestFitKnownAnswer: four points on a line, two pairs. Whatever the start,
// Lloyd's iterations end with the pairs, centroids 0.5 and 10.5, inertia
// 4·0.25 = 1.
func TestFitKnownAnswer(t *testing.T) {
	x := tensor.FromSlice([]float64{0, 1, 10, 11}, 4, 1)
	for seed := range uint64(10) {
		r, err := Fit(x, 2, rand.New(rand.NewPCG(seed, 0)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		c := []float64{r.Centroids.Data[0], r.Centroids.Data[1]}
		slices.Sort(c)
		if !slices.Equal(c, []float64{0.5, 10.5}) || r.Inertia != 1 || r.Labels[0] != r.Labels[1] || r.Labels[2] != r.Labels[3] || r.Labels[0] == r.Labels[2] {
			t.Errorf("seed %d: centroids %v inertia %v labels %v", seed, c, r.Inertia, r.Labels)
		}
	}
}

// TestFitDeterministic: the same seed gives the same clustering, bit for bit.
func TestFitDeterministic(t *testing.T) {
	x, _ := blobs(rand.New(rand.NewPCG(2, 2)), 4, 25, 3, 2) // overlapping: the start matters
	run := func() *Result {
		r, err := Fit(x, 4, rand.New(rand.NewPCG(7, 7)), Options{Restarts: 3})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := run(), run()
	if !slices.Equal(a.Labels, b.Labels) || a.Inertia != b.Inertia || !slices.Equal(a.Centroids.Data, b.Centroids.Data) {
		t.Error("two runs with the same seed differ")
	}
}

// TestFitRestartsKeepTheBest: more starts never give a higher inertia than
// the first of them alone (the same rng draws the first start first).
func TestFitRestartsKeepTheBest(t *testing.T) {
	x, _ := blobs(rand.New(rand.NewPCG(3, 3)), 6, 20, 2, 1.5)
	one, _ := Fit(x, 6, rand.New(rand.NewPCG(9, 9)), Options{Restarts: 1})
	many, _ := Fit(x, 6, rand.New(rand.NewPCG(9, 9)), Options{Restarts: 8})
	if many.Inertia > one.Inertia {
		t.Errorf("8 starts: inertia %v, more than the first start's %v", many.Inertia, one.Inertia)
	}
}

// TestFitEveryPointACentroid: with k = n, k-means++ picks every point (D² of
// a chosen point is 0), so the inertia is 0; with duplicate points the
// clusters are still k, non-empty.
func TestFitEveryPointACentroid(t *testing.T) {
	x := tensor.FromSlice([]float64{0, 0, 3, 4, -1, 2, 5, 5, 0.5, -0.5}, 5, 2)
	r, err := Fit(x, 5, rand.New(rand.NewPCG(4, 4)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(r.Labels)
	slices.Sort(got)
	if r.Inertia != 0 || !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Errorf("inertia %v labels %v, want 0 and one point per cluster", r.Inertia, r.Labels)
	}
	dup := tensor.FromSlice([]float64{1, 1, 1, 2, 2, 7}, 6, 1)
	r, err = Fit(dup, 3, rand.New(rand.NewPCG(4, 5)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, 3)
	for _, l := range r.Labels {
		counts[l]++
	}
	if slices.Contains(counts, 0) || r.Inertia != 0 {
		t.Errorf("duplicates: cluster sizes %v inertia %v, want 3 non-empty clusters and 0", counts, r.Inertia)
	}
}

func TestFitErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		x    *tensor.Tensor
		k    int
		want string
	}{
		{tensor.New(4, 2), 0, "k = 0"},
		{tensor.New(4, 2), 5, "k = 5"},
		{tensor.New(8), 2, "[8]"},
	}
	for _, tt := range tests {
		if _, err := Fit(tt.x, tt.k, rng, Options{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Fit(%v, %d): error %v, want one containing %q", tt.x.Shape, tt.k, err, tt.want)
		}
	}
}

// manning is the example of Manning, Raghavan and Schütze, Introduction to
// Information Retrieval, §16.3, figure 16.4: 17 points, three clusters of
// (5 x, 1 o), (1 x, 4 o, 1 ◇), (2 x, 3 ◇). The book gives purity 12/17 ≈
// 0.71 and NMI ≈ 0.36.
var manningClusters = []int{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3}
var manningClasses = []int{'x', 'x', 'x', 'x', 'x', 'o', 'x', 'o', 'o', 'o', 'o', 'd', 'x', 'x', 'd', 'd', 'd'}

func TestPurity(t *testing.T) {
	tests := []struct {
		name              string
		clusters, classes []int
		want              float64
	}{
		{"Manning 16.4", manningClusters, manningClasses, 12.0 / 17},
		{"hand", []int{0, 0, 0, 1, 1, 1, 2, 2}, []int{0, 0, 1, 1, 1, 2, 2, 0}, 5.0 / 8},
		{"one cluster", []int{4, 4, 4, 4}, []int{0, 1, 1, 2}, 2.0 / 4},
		{"singletons", []int{0, 1, 2, 3}, []int{0, 1, 1, 2}, 1},
		{"renamed", []int{7, 7, 3, 3}, []int{1, 1, 0, 0}, 1},
	}
	for _, tt := range tests {
		if got := Purity(tt.clusters, tt.classes); got != tt.want {
			t.Errorf("%s: Purity = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNMI(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want float64
	}{
		// The reference values come from the definition evaluated with
		// numpy (sklearn's normalized_mutual_info_score computes the same).
		{"Manning 16.4", manningClusters, manningClasses, 0.36456177185718985},
		{"hand", []int{0, 0, 1, 1}, []int{0, 0, 0, 1}, 0.3437110184854508},
		{"identical", []int{0, 0, 1, 1, 2}, []int{0, 0, 1, 1, 2}, 1},
		{"renamed", []int{0, 0, 1, 1, 2}, []int{5, 5, 9, 9, -1}, 1},
		{"independent", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, 0},
		{"one cluster against two", []int{0, 0, 0, 0}, []int{0, 0, 1, 1}, 0},
		{"one cluster each", []int{3, 3, 3}, []int{8, 8, 8}, 1},
	}
	for _, tt := range tests {
		got, rev := NMI(tt.a, tt.b), NMI(tt.b, tt.a)
		if math.Abs(got-tt.want) > veryclose || math.Abs(rev-tt.want) > veryclose {
			t.Errorf("%s: NMI = %v (reversed %v), want %v", tt.name, got, rev, tt.want)
		}
	}
}

func TestScoresPanic(t *testing.T) {
	for _, f := range []func(){
		func() { Purity([]int{0, 1}, []int{0}) },
		func() { NMI(nil, nil) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "same non-zero length") {
					t.Errorf("panic %v, want one about the lengths", r)
				}
			}()
			f()
		}()
	}
}

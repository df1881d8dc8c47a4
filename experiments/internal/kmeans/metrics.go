package kmeans

import (
	"fmt"
	"math"
)

// table is the contingency table of two labelings of the same N points:
// n[i][j] points have the i-th label of the first labeling and the j-th of
// the second, labels numbered in order of first appearance (so that every
// sum below runs in one fixed order). na and nb are its row and column sums.
type table struct {
	n      [][]int
	na, nb []int
	total  float64
}

func newTable(op string, a, b []int) *table {
	if len(a) != len(b) || len(a) == 0 {
		panic(fmt.Sprintf("kmeans.%s: need two labelings of the same non-zero length, have %d and %d", op, len(a), len(b)))
	}
	ia, ib := dense(a), dense(b)
	t := &table{na: make([]int, len(ia)), nb: make([]int, len(ib)), total: float64(len(a))}
	t.n = make([][]int, len(ia))
	for i := range t.n {
		t.n[i] = make([]int, len(ib))
	}
	for k := range a {
		i, j := ia[a[k]], ib[b[k]]
		t.n[i][j]++
		t.na[i]++
		t.nb[j]++
	}
	return t
}

// dense numbers the distinct labels of l in order of first appearance.
func dense(l []int) map[int]int {
	idx := map[int]int{}
	for _, v := range l {
		if _, ok := idx[v]; !ok {
			idx[v] = len(idx)
		}
	}
	return idx
}

// Purity returns the fraction of points whose class is the majority class
// of their cluster:
//
//	purity = (1/N) Σ_clusters max_class |cluster ∩ class|
//
// 1 when every cluster holds one class, and never below the share of the
// largest class. It also reaches 1 with N clusters of one point each, so
// compare purities at the same k only. It panics unless both slices have
// the same non-zero length.
func Purity(clusters, classes []int) float64 {
	t := newTable("Purity", clusters, classes)
	sum := 0
	for _, row := range t.n {
		m := 0
		for _, c := range row {
			m = max(m, c)
		}
		sum += m
	}
	return float64(sum) / t.total
}

// NMI returns the normalised mutual information of two labelings of the
// same points, with the arithmetic mean of the entropies (scikit-learn's
// normalized_mutual_info_score with its default average_method):
//
//	I(A; B) = Σ_ab (n_ab/N)·log(N·n_ab / (n_a·n_b))
//	H(A)    = −Σ_a (n_a/N)·log(n_a/N)
//	NMI     = I(A; B) / ((H(A) + H(B)) / 2)
//
// It is symmetric, in [0, 1], 1 when the labelings are the same partition
// under any names, 0 when they are independent. Special case, as in
// scikit-learn: two labelings of one cluster each give 1. It panics unless
// both slices have the same non-zero length.
func NMI(a, b []int) float64 {
	t := newTable("NMI", a, b)
	if len(t.na) == 1 && len(t.nb) == 1 {
		return 1
	}
	mi := 0.0
	for i, row := range t.n {
		for j, c := range row {
			if c > 0 {
				mi += float64(c) / t.total * math.Log(t.total*float64(c)/(float64(t.na[i])*float64(t.nb[j])))
			}
		}
	}
	mean := (entropy(t.na, t.total) + entropy(t.nb, t.total)) / 2
	return min(1, max(0, mi/mean)) // rounding may leave I at −1e-17, or a hair above the mean
}

// entropy returns −Σ p·log p over the counts' proportions.
func entropy(counts []int, total float64) float64 {
	h := 0.0
	for _, c := range counts {
		p := float64(c) / total
		h -= p * math.Log(p)
	}
	return h
}

package kmeans_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/experiments/internal/kmeans"
	"github.com/nndiy/nndiy/tensor"
)

// Two groups of points on a line, found again without their labels.
func ExampleFit() {
	x := tensor.FromSlice([]float64{0, 1, 2, 10, 11, 12}, 6, 1)
	r, err := kmeans.Fit(x, 2, rand.New(rand.NewPCG(1, 2)), kmeans.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	truth := []int{0, 0, 0, 1, 1, 1}
	fmt.Println(r.Inertia, kmeans.Purity(r.Labels, truth), kmeans.NMI(r.Labels, truth))
	// Output: 4 1 1
}

// The example of Manning, Raghavan and Schütze's Introduction to
// Information Retrieval (§16.3): three clusters of 17 points of classes x,
// o and d.
func ExampleNMI() {
	clusters := []int{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3}
	classes := []int{'x', 'x', 'x', 'x', 'x', 'o', 'x', 'o', 'o', 'o', 'o', 'd', 'x', 'x', 'd', 'd', 'd'}
	fmt.Printf("purity %.2f, NMI %.2f\n", kmeans.Purity(clusters, classes), kmeans.NMI(clusters, classes))
	// Output: purity 0.71, NMI 0.36
}

package usps_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/experiments/internal/lab/usps"
)

// The two set-ups share the network and its parameter names, so a
// checkpoint of one loads into the other.
func ExampleNetwork() {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, softmax := range []bool{false, true} {
		net := usps.Network(softmax, rng)
		fmt.Println(len(net.Modules()), "modules:")
		for _, p := range net.Parameters() {
			fmt.Printf("  %s %v\n", p.Name, p.Value.Shape)
		}
	}
	// Output:
	// 5 modules:
	//   0.weight [256 128]
	//   0.bias [1 128]
	//   2.weight [128 64]
	//   2.bias [1 64]
	//   4.weight [64 10]
	//   4.bias [1 10]
	// 6 modules:
	//   0.weight [256 128]
	//   0.bias [1 128]
	//   2.weight [128 64]
	//   2.bias [1 64]
	//   4.weight [64 10]
	//   4.bias [1 10]
}

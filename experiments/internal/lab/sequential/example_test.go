package sequential_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/experiments/internal/lab/sequential"
)

// The network of §5.1 and its parameters, named as PyTorch names them.
func ExampleNewNet() {
	net := sequential.NewNet(rand.New(rand.NewPCG(1, 2)))
	n := 0
	for _, p := range net.Parameters() {
		n += p.Value.Len()
	}
	fmt.Println(len(net.Modules()), "modules,", n, "parameters")
	fmt.Println(net.Parameters()[0].Name, net.Parameters()[0].Value.Shape)
	// Output:
	// 8 modules, 316 parameters
	// 0.weight [2 5]
}

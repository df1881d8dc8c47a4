package portable_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/internal/portable"
)

// The same seed gives the same deviates, to the last digit, on amd64 and
// on arm64.
func ExampleNorm() {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3 {
		fmt.Println(portable.Norm(rng))
	}
	// Output:
	// 0.37944549835531083
	// 0.07473804659119399
	// 0.20006841200604142
}

func ExampleSincos() {
	s, c := portable.Sincos(1)
	fmt.Println(s, c)
	// Output:
	// 0.8414709848078965 0.5403023058681398
}

package linear_test

import (
	"fmt"
	"io"
	"os"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/linear"
)

// A quick run: the learned line and how far a straight boundary gets on
// each data set.
func ExampleRun() {
	out, err := os.MkdirTemp("", "linear")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)
	cfg := &cli.Config{Epochs: 100, LR: 0.05, Batch: 32, Seed: 1, Out: out, Quick: true, Stdout: io.Discard, Stderr: io.Discard}
	r, err := linear.Run(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("y = %.2f·x + %.2f\n", r.Slope, r.Intercept)
	for _, c := range r.Classifiers {
		fmt.Printf("%s: %.0f%%\n", c.Problem, 100*c.TestAccuracy)
	}
	// Output:
	// y = 3.00·x + 3.99
	// two Gaussians: 100%
	// XOR: 38%
	// checkerboard: 53%
}

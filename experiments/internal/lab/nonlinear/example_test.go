package nonlinear_test

import (
	"fmt"
	"io"
	"os"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/nonlinear"
)

// A quick run with the course's loss, the MSE.
func ExampleRun() {
	out, err := os.MkdirTemp("", "nonlinear")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)
	cfg := &cli.Config{Epochs: 200, LR: 0.5, Batch: 32, Seed: 1, Out: out, Quick: true, Stdout: io.Discard, Stderr: io.Discard}
	opts := nonlinear.DefaultOptions()
	opts.Loss = "mse"
	r, err := nonlinear.Run(cfg, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range r.Models {
		fmt.Printf("%s: %.0f%%\n", m.Problem.Title, 100*m.TestAccuracy)
	}
	// Output:
	// two Gaussians: 100%
	// XOR: 100%
	// checkerboard: 52%
}

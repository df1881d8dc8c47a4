package optimlab_test

import (
	"fmt"
	"io"
	"os"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/optimlab"
)

// A quick run: the methods compared, and the test accuracy each reaches on
// the circles in 30 epochs.
func ExampleRun() {
	out, err := os.MkdirTemp("", "optim")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)
	cfg := &cli.Config{Epochs: 500, LR: 0.2, Batch: 32, Seed: 1, Out: out, Quick: true, Stdout: io.Discard, Stderr: io.Discard}
	r, err := optimlab.Run(cfg, optimlab.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	for j, m := range r.Methods {
		fmt.Printf("%s: %.1f%%\n", m.Name, 100*r.Runs[3][j].TestAccuracy)
	}
	// Output:
	// plain step, ε = 0.2: 57.0%
	// momentum 0.9, lr 0.02: 53.0%
	// Nesterov 0.9, lr 0.02: 54.0%
	// Adam, lr 0.01: 98.5%
}

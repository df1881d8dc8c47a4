// Command linear runs the report's §3: a linear regression of y = 3x + 4
// from noisy points, then a linear classifier on the course's three data
// sets. It prints the learned line, the test MSE and the accuracies, and
// writes loss curves and decision boundaries as SVG into -out.
//
//	go run ./experiments/linear [-epochs 100] [-lr 0.05] [-batch 32] [-seed 1] [-out out/linear] [-quick] [-markdown]
package main

import (
	"flag"
	"fmt"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/linear"
)

func main() {
	cfg := cli.Register(flag.CommandLine, "linear", linear.Defaults)
	markdown := flag.Bool("markdown", false, "also print the results as a Markdown section")
	flag.Parse()
	cli.Main("linear", func() error {
		r, err := linear.Run(cfg)
		if err != nil {
			return err
		}
		if *markdown {
			fmt.Fprint(cfg.Stdout, "\n", r.Markdown())
		}
		return nil
	})
}

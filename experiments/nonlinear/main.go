// Command nonlinear runs the report's §4: a network with one hidden layer,
// Linear → TanH → Linear → Sigmoid, on the course's three data sets. It
// prints the accuracies and writes loss curves and decision boundaries as
// SVG into -out.
//
//	go run ./experiments/nonlinear [-hidden 10] [-loss bce|mse] [-epochs 200] [-lr 0.5] [-batch 32] [-seed 1] [-out out/nonlinear] [-quick] [-markdown]
package main

import (
	"flag"
	"fmt"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/nonlinear"
)

func main() {
	cfg := cli.Register(flag.CommandLine, "nonlinear", nonlinear.Defaults)
	opts := nonlinear.DefaultOptions()
	flag.IntVar(&opts.Hidden, "hidden", opts.Hidden, "`units` of the hidden layer")
	flag.StringVar(&opts.Loss, "loss", opts.Loss, "loss: bce (binary cross-entropy) or mse (the course's)")
	flag.Parse()
	cli.Main("nonlinear", func() error {
		r, err := nonlinear.Run(cfg, opts)
		if err != nil {
			return err
		}
		if cfg.Markdown {
			fmt.Fprint(cfg.Stdout, "\n", r.Markdown())
		}
		return nil
	})
}

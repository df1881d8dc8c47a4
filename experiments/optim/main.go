// Command optim runs the report's §5.2: the §5.1 network trained through
// the course's Optim and SGD loop with four update rules (the plain step,
// SGD with momentum, Nesterov and Adam) from the same weights on the same
// batches. It prints the final losses and test accuracies and writes the
// loss curves as SVG into -out.
//
//	go run ./experiments/optim [-epochs 500] [-lr 0.2] [-momentum 0.9] [-momentum-lr 0] [-adam-lr 0.01] [-batch 32] [-seed 1] [-out out/optim] [-quick] [-markdown]
package main

import (
	"flag"
	"fmt"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/optimlab"
)

func main() {
	cfg := cli.Register(flag.CommandLine, "optim", optimlab.Defaults)
	opts := optimlab.DefaultOptions()
	flag.Float64Var(&opts.Momentum, "momentum", opts.Momentum, "momentum `μ` of SGD with momentum and Nesterov")
	flag.Float64Var(&opts.MomentumLR, "momentum-lr", opts.MomentumLR, "learning `rate` of SGD with momentum and Nesterov (0: lr·(1 − μ), the plain step's long-run step)")
	flag.Float64Var(&opts.AdamLR, "adam-lr", opts.AdamLR, "learning `rate` of Adam")
	flag.Parse()
	cli.Main("optim", func() error {
		r, err := optimlab.Run(cfg, opts)
		if err != nil {
			return err
		}
		if cfg.Markdown {
			fmt.Fprint(cfg.Stdout, "\n", r.Markdown())
		}
		return nil
	})
}

// Command sequential runs the report's §5.1: the network
// Linear(2, 5) → TanH → Linear(5, 10) → TanH → Linear(10, 20) → TanH →
// Linear(20, 1) → Sigmoid on six data sets, compared with PyTorch.
//
//	go run ./experiments/sequential [-epochs 500] [-lr 0.2] [-batch 32] [-seed 1] [-out out/sequential] [-quick] [-export DIR] [-markdown]
//
// The PyTorch curves come from the file pytorch_losses.csv that package
// experiments/internal/lab/sequential embeds, which pytorch_reference.py (in
// this directory) writes from the files of -export:
//
//	go run ./experiments/sequential -export out/sequential/export
//	/usr/bin/python3 experiments/sequential/pytorch_reference.py out/sequential/export
package main

import (
	"flag"
	"fmt"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/sequential"
)

func main() {
	cfg := cli.Register(flag.CommandLine, "sequential", sequential.Defaults)
	opts := sequential.DefaultOptions()
	flag.StringVar(&opts.Loss, "loss", opts.Loss, "loss: bce (binary cross-entropy) or mse")
	flag.StringVar(&opts.Export, "export", "", "write the data, initial weights and batch order for pytorch_reference.py into `dir`")
	flag.Parse()
	opts.Reference = sequential.PyTorchLosses
	cli.Main("sequential", func() error {
		r, err := sequential.Run(cfg, opts)
		if err != nil {
			return err
		}
		if cfg.Markdown {
			fmt.Fprint(cfg.Stdout, "\n", r.Markdown())
		}
		return nil
	})
}

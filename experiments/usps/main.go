// Command usps is the report's §6: the USPS digits classified by an MLP
// trained two ways, a Softmax module with the cross-entropy of probabilities
// and the fused softmax cross-entropy. See package
// experiments/internal/lab/usps.
//
//	go run ./experiments/usps                    # both set-ups, about two minutes
//	go run ./experiments/usps -quick             # a subset, a few seconds
//	go run ./experiments/usps -setup fused -save mlp.ckpt
//	go run ./experiments/usps -load mlp.ckpt     # evaluate a checkpoint
//
// The data is found by -data, $NNDIY_DATA, the cache, or downloaded; -synthetic
// runs on generated digits instead.
package main

import (
	"flag"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/usps"
)

func main() {
	cfg := cli.Register(flag.CommandLine, "usps", usps.Defaults)
	opts := usps.DefaultOptions()
	opts.Data.RegisterFlags(flag.CommandLine)
	flag.StringVar(&opts.Setups, "setup", opts.Setups, "set-ups to train: both, fused or softmax")
	flag.StringVar(&opts.Optimizer, "optimizer", opts.Optimizer, "update rule: sgd (Nesterov momentum 0.9), plain or adam")
	flag.Float64Var(&opts.WeightDecay, "wd", opts.WeightDecay, "weight decay (L2 penalty) `λ`")
	flag.IntVar(&opts.Shift, "shift", opts.Shift, "shift training images by up to `n` pixels, anew every epoch (0: no augmentation)")
	flag.Float64Var(&opts.Validation, "val", 0, "hold out this `fraction` of the training set and evaluate on it instead of the test set")
	flag.StringVar(&opts.Save, "save", "", "write the trained fused network to `file`")
	flag.StringVar(&opts.Load, "load", "", "evaluate the network in `file` instead of training")
	flag.Parse()
	cli.Main("usps", func() error {
		_, err := usps.Run(cfg, opts)
		return err
	})
}

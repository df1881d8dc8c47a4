// Command usps is the report's §6: the USPS digits classified by an MLP
// trained two ways, a Softmax module with the cross-entropy of probabilities
// and the fused softmax cross-entropy. See package
// experiments/internal/lab/usps.
//
//	go run ./experiments/usps                    # both set-ups, about 20 seconds
//	go run ./experiments/usps -quick             # a subset, a second
//	go run ./experiments/usps -setup fused -save mlp.ckpt
//	go run ./experiments/usps -load mlp.ckpt     # evaluate a checkpoint
//	go run ./experiments/usps -val 0.2           # score on a held-out fifth of the training set
//
// The data is found by -data, $NNDIY_DATA, the cache, or downloaded; -synthetic
// runs on generated digits instead.
package main

import (
	"flag"
	"io"
	"os"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/usps"
)

func main() {
	cli.Main("usps", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// run parses the command line args and runs the experiment, the summary on
// stdout and the progress on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("usps", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := cli.Register(fs, "usps", usps.Defaults)
	cfg.Stdout, cfg.Stderr = stdout, stderr
	opts := usps.DefaultOptions()
	opts.Data.RegisterFlags(fs)
	fs.StringVar(&opts.Setups, "setup", opts.Setups, "set-ups to train: both, fused or softmax")
	fs.StringVar(&opts.Optimizer, "optimizer", opts.Optimizer, "update rule: sgd (Nesterov momentum 0.9), plain or adam")
	fs.Float64Var(&opts.WeightDecay, "wd", opts.WeightDecay, "weight decay (L2 penalty) `λ`")
	fs.IntVar(&opts.Shift, "shift", opts.Shift, "shift training images by up to `n` pixels, anew every epoch (0: no augmentation)")
	fs.Float64Var(&opts.Validation, "val", 0, "hold out this `fraction` of the training set and evaluate on it instead of the test set")
	fs.StringVar(&opts.Save, "save", "", "write the trained fused network to `file`")
	fs.StringVar(&opts.Load, "load", "", "evaluate the network in `file` instead of training")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	_, err := usps.Run(cfg, opts)
	return err
}

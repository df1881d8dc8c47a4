// Command conv trains the convolutional networks of the course's sixth part
// on the USPS digits: the course's Conv1D network, which reads a digit as a
// sequence of 256 pixels, and a small LeNet-like 2-D CNN on the 16×16
// image. See package experiments/internal/lab/conv.
//
//	go run ./experiments/conv                        # both networks, a few minutes
//	go run ./experiments/conv -quick                 # a subset, a few seconds
//	go run ./experiments/conv -model conv2d -save cnn.ckpt
//	go run ./experiments/conv -model conv2d -load cnn.ckpt   # evaluate a checkpoint
//	go run ./experiments/conv -val 0.2               # choose settings on held-out training images
//
// With both networks, -save cnn.ckpt writes cnn.conv1d.ckpt and
// cnn.conv2d.ckpt, and -load reads them. The data is found by -data,
// $NNDIY_DATA, the cache, or downloaded; -synthetic runs on generated digits
// instead.
package main

import (
	"flag"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/conv"
)

func main() {
	cfg := cli.Register(flag.CommandLine, "conv", conv.Defaults)
	opts := conv.DefaultOptions()
	opts.Data.RegisterFlags(flag.CommandLine)
	flag.StringVar(&opts.Model, "model", opts.Model, "networks to train: both, conv1d or conv2d")
	flag.StringVar(&opts.Optimizer, "optimizer", opts.Optimizer, "update rule: sgd (Nesterov momentum 0.9) or adam")
	flag.IntVar(&opts.Shift, "shift", opts.Shift, "shift training images by up to `n` pixels, anew every epoch (0: no augmentation)")
	flag.Float64Var(&opts.Validation, "val", 0, "hold out this `fraction` of the training set and evaluate on it instead of the test set")
	flag.StringVar(&opts.Save, "save", "", "write the trained weights to `file` (both networks: file.conv1d.ext, file.conv2d.ext)")
	flag.StringVar(&opts.Load, "load", "", "evaluate the weights in `file` instead of training (named as for -save)")
	flag.Parse()
	cli.Main("conv", func() error {
		_, err := conv.Run(cfg, opts)
		return err
	})
}

// Command bench is the benchmark of issues 9 and 15: it trains the MLP
// 256→128→64→10 and the auto-encoder 256→100→10→100→256 with plain SGD, the
// course's Conv1D network and the LeNet-like 2-D CNN of experiments/conv
// with SGD and Nesterov momentum, then times tensor.Gemm
// on square and MLP-shaped products, and prints seconds per epoch, samples
// per second, test accuracy and loss, allocations per step and GFLOPS;
// compare.py in this directory sets these numbers beside PyTorch's, NumPy's
// and gonum's. It is a tool, not a section of the report (whose programs
// are the other commands of experiments/), though the report shows its
// tables.
//
// The files of the command: train.go trains each network with optim.Fit on
// mini-batches drawn in a new order each epoch, on the USPS digits when
// they are on the machine and on random data of the same shape otherwise,
// and reports the seconds per epoch (the median of the epochs after the
// first, which also pays for allocating the buffers) and the heap
// allocations of one steady-state training step; gemm.go measures
// tensor.Gemm in GFLOPS, 2·m·n·k floating-point operations per product,
// each rate the best of a few timed repetitions, the least disturbed by
// other programs on a shared machine; bench.go prints the Result as
// Markdown tables (so -markdown changes nothing) or one JSON object;
// figures.go draws -plot.
//
//	go run ./experiments/bench                  # 5 epochs of each network, then Gemm
//	go run ./experiments/bench -json            # the same as one JSON object
//	go run ./experiments/bench -gemm=false      # training only
//	go run ./experiments/bench -train=false -gemm=false   # the CNNs only
//	go run ./experiments/bench -quick           # a few seconds, on a few hundred examples
//	go run ./experiments/bench -plot run1.json,run2.json -out docs/figures/performance
//
// -plot draws the files that compare.py --json wrote (seconds per epoch of
// the MLP and the auto-encoder, Gemm GFLOPS, and seconds per epoch of the
// CNNs, each figure when the runs measured it; the median of the runs as
// bars and each run as a dot) instead of measuring anything.
//
// The USPS data is read from -data or $NNDIY_DATA, or from the download
// cache of the other experiments; it is never downloaded: without it, the
// networks train on random data of the same shape, and the output says so.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/cli"
)

func main() {
	cli.Main("bench", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// run parses args and runs the benchmark, writing the tables or the JSON
// object on stdout.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := cli.Register(fs, "bench", Defaults)
	opts := DefaultOptions()
	fs.StringVar(&opts.Data, "data", "", "`directory` of the USPS files (default $"+"NNDIY_DATA, then the download cache; never downloads)")
	fs.BoolVar(&opts.Train, "train", true, "train the MLP and the auto-encoder")
	fs.BoolVar(&opts.CNN, "cnn", true, "train the two convolutional networks")
	fs.BoolVar(&opts.Gemm, "gemm", true, "time Gemm")
	asJSON := fs.Bool("json", false, "print one JSON object instead of tables")
	plotFiles := fs.String("plot", "", "comma-separated `files` written by compare.py --json: draw them into -out, measure nothing")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *plotFiles != "" {
		written, err := WriteComparisonFigures(cfg.Out, strings.Split(*plotFiles, ","))
		if err != nil {
			return err
		}
		for _, path := range written {
			fmt.Fprintln(stdout, "figure:", path)
		}
		return nil
	}
	cfg.Stdout, cfg.Stderr = stdout, stderr
	if *asJSON {
		cfg.Stdout = nil
	}
	r, err := Run(cfg, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		return r.WriteJSON(stdout)
	}
	return nil
}

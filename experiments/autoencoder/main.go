// Command autoencoder is the report's §7: an auto-encoder of the USPS digits,
// its reconstructions and a t-SNE map of its codes, with a grid search and
// two studies beyond the report (denoising, classification from the code).
// See package experiments/internal/lab/autoencoder.
//
//	go run ./experiments/autoencoder             # the report's network and the studies
//	go run ./experiments/autoencoder -grid       # grid search first, best retrained
//	go run ./experiments/autoencoder -quick      # a subset, a few seconds
//
// The data is found by -data, $NNDIY_DATA, the cache, or downloaded; -synthetic
// runs on generated digits instead.
package main

import (
	"flag"
	"io"
	"os"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/autoencoder"
)

func main() {
	cli.Main("autoencoder", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// run parses the command line args and runs the experiment, the summary on
// stdout and the progress on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("autoencoder", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := cli.Register(fs, "autoencoder", autoencoder.Defaults)
	cfg.Stdout, cfg.Stderr = stdout, stderr
	opts := autoencoder.DefaultOptions()
	opts.Data.RegisterFlags(fs)
	fs.IntVar(&opts.Hidden, "hidden", opts.Hidden, "`width` of the hidden layers")
	fs.IntVar(&opts.Code, "code", opts.Code, "`size` of the code")
	fs.BoolVar(&opts.Grid, "grid", false, "grid search over lr, hidden width, code size and batch size first, then retrain the best")
	fs.IntVar(&opts.GridEpochs, "grid-epochs", 0, "`epochs` of each configuration of the grid (default: -epochs, 2 with -quick)")
	fs.IntVar(&opts.Workers, "workers", 0, "configurations of the grid trained at `once` (default: the number of cores)")
	fs.BoolVar(&opts.Studies, "studies", opts.Studies, "run the denoising and classification studies")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	_, err := autoencoder.Run(cfg, opts)
	return err
}

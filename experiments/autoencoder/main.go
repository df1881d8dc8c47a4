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

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/autoencoder"
)

func main() {
	cfg := cli.Register(flag.CommandLine, "autoencoder", autoencoder.Defaults)
	opts := autoencoder.DefaultOptions()
	opts.Data.RegisterFlags(flag.CommandLine)
	flag.IntVar(&opts.Hidden, "hidden", opts.Hidden, "`width` of the hidden layers")
	flag.IntVar(&opts.Code, "code", opts.Code, "`size` of the code")
	flag.BoolVar(&opts.Grid, "grid", false, "grid search over lr, hidden width, code size and batch size first, then retrain the best")
	flag.IntVar(&opts.GridEpochs, "grid-epochs", 0, "`epochs` of each configuration of the grid (default: -epochs, 2 with -quick)")
	flag.IntVar(&opts.Workers, "workers", 0, "configurations of the grid trained at `once` (default: the number of cores)")
	flag.BoolVar(&opts.Studies, "studies", opts.Studies, "run the denoising and classification studies")
	flag.Parse()
	cli.Main("autoencoder", func() error {
		_, err := autoencoder.Run(cfg, opts)
		return err
	})
}

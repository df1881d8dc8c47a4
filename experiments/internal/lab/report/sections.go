package report

import (
	"os"
	"path/filepath"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/autoencoder"
	"github.com/nndiy/nndiy/experiments/internal/lab/digits"
	"github.com/nndiy/nndiy/experiments/internal/lab/linear"
	"github.com/nndiy/nndiy/experiments/internal/lab/nonlinear"
	"github.com/nndiy/nndiy/experiments/internal/lab/sequential"
	"github.com/nndiy/nndiy/experiments/internal/lab/usps"
)

// Sections are the report's sections, in its order, each run with the
// defaults of its own command.
var Sections = []Section{
	{
		Name:   "linear",
		Title:  "§3 Linear regression and a linear classifier",
		Report: "the linear model fits y = 3x + 4; as a classifier it solves the two Gaussians only, not XOR nor the checkerboard.",
		Run: func(c *cli.Config, _ digits.Source) (Markdowner, error) {
			return linear.Run(defaults(c, cli.Config{Epochs: 100, LR: 0.05, Batch: 32, Seed: 1}))
		},
	},
	{
		Name:   "nonlinear",
		Title:  "§4 A hidden layer: Linear → TanH → Linear → Sigmoid",
		Report: "one hidden layer also solves XOR; the checkerboard needs more.",
		Run: func(c *cli.Config, _ digits.Source) (Markdowner, error) {
			return nonlinear.Run(defaults(c, cli.Config{Epochs: 200, LR: 0.5, Batch: 32, Seed: 1}), nonlinear.DefaultOptions())
		},
	},
	{
		Name:   "sequential",
		Title:  "§5.1 Sequential: a deeper network, compared with PyTorch",
		Report: "the network Linear(2,5) → TanH → Linear(5,10) → TanH → Linear(10,20) → TanH → Linear(20,1) → Sigmoid, 500 epochs, batch 32, gives loss curves and boundaries like PyTorch's.",
		Run: func(c *cli.Config, _ digits.Source) (Markdowner, error) {
			opts := sequential.DefaultOptions()
			opts.Reference = pytorchReference()
			return sequential.Run(defaults(c, cli.Config{Epochs: 500, LR: 0.2, Batch: 32, Seed: 1}), opts)
		},
	},
	{
		Name:   "usps",
		Title:  "§6 Multi-class classification of the USPS digits",
		Report: "Softmax + cross-entropy on probabilities reached 78 % test accuracy after 200 epochs; the fused log-softmax cross-entropy 92 %.",
		Run: func(c *cli.Config, src digits.Source) (Markdowner, error) {
			return usps.Run(defaults(c, usps.Defaults), withData(usps.DefaultOptions(), src))
		},
	},
	{
		Name:  "autoencoder",
		Title: "§7 Auto-encoder",
		Report: "figures only, no numbers: reconstructed test digits, loss curves, a t-SNE map of the codes, " +
			"and the best configuration of a grid search retrained (its figure 13).",
		Run: func(c *cli.Config, src digits.Source) (Markdowner, error) {
			return autoencoder.Run(defaults(c, autoencoder.Defaults), gridded(autoencoder.DefaultOptions(), src))
		},
	},
}

// defaults returns c with the training settings of def: the sections run
// with the defaults of their commands.
func defaults(c *cli.Config, def cli.Config) *cli.Config {
	c.Epochs, c.LR, c.Batch, c.Seed = def.Epochs, def.LR, def.Batch, def.Seed
	return c
}

func withData(o usps.Options, src digits.Source) usps.Options {
	o.Data = src
	return o
}

// gridded returns the auto-encoder's options with the grid search, which
// the report's figure 13 shows.
func gridded(o autoencoder.Options, src digits.Source) autoencoder.Options {
	o.Data, o.Grid = src, true
	return o
}

// pytorchReference returns PyTorch's losses for §5.1, the file that
// experiments/sequential embeds, read from the working tree (the report runs
// from the module's root, as its default -out docs assumes); nil when it
// is not there, and §5.1 then goes without the PyTorch curves.
func pytorchReference() []byte {
	b, err := os.ReadFile(filepath.Join("experiments", "sequential", "pytorch_losses.csv"))
	if err != nil {
		return nil
	}
	return b
}

package report

import (
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/lab/autoencoder"
	"github.com/nndiy/nndiy/experiments/internal/lab/bench"
	"github.com/nndiy/nndiy/experiments/internal/lab/conv"
	"github.com/nndiy/nndiy/experiments/internal/lab/linear"
	"github.com/nndiy/nndiy/experiments/internal/lab/nonlinear"
	"github.com/nndiy/nndiy/experiments/internal/lab/optimlab"
	"github.com/nndiy/nndiy/experiments/internal/lab/sequential"
	"github.com/nndiy/nndiy/experiments/internal/lab/usps"
)

// Sections are the report's sections, in its order, each run with the
// defaults of its own command (its package's Defaults and DefaultOptions).
// The names are those of the commands, so the figures land where the
// commands' -out docs/figures/NAME puts them.
var Sections = []Section{
	{
		Name: "linear", Title: "§3 Linear regression and a linear classifier",
		Report: "the linear model fits y = 3x + 4; as a classifier it solves the two Gaussians only, not XOR nor the checkerboard.",
		Run: func(c *cli.Config, _ digits.Source) (Markdowner, error) {
			return linear.Run(defaults(c, linear.Defaults))
		},
	},
	{
		Name: "nonlinear", Title: "§4 A hidden layer: Linear → TanH → Linear → Sigmoid",
		Report: "one hidden layer also solves XOR; the checkerboard needs more.",
		Run: func(c *cli.Config, _ digits.Source) (Markdowner, error) {
			return nonlinear.Run(defaults(c, nonlinear.Defaults), nonlinear.DefaultOptions())
		},
	},
	{
		Name: "sequential", Title: "§5.1 Sequential: a deeper network, compared with PyTorch",
		Report: "the network Linear(2,5) → TanH → Linear(5,10) → TanH → Linear(10,20) → TanH → Linear(20,1) → Sigmoid, " +
			"500 epochs, batch 32, gives loss curves and boundaries like PyTorch's.",
		Run: func(c *cli.Config, _ digits.Source) (Markdowner, error) {
			opts := sequential.DefaultOptions()
			opts.Reference = sequential.PyTorchLosses
			return sequential.Run(defaults(c, sequential.Defaults), opts)
		},
	},
	{
		Name: "optim", Title: "§5.2 Optim: the training loop and four update rules",
		Run: func(c *cli.Config, _ digits.Source) (Markdowner, error) {
			return optimlab.Run(defaults(c, optimlab.Defaults), optimlab.DefaultOptions())
		},
	},
	{
		Name: "usps", Title: "§6 Multi-class classification of the USPS digits",
		Report: "Softmax + cross-entropy on probabilities reached 78 % test accuracy after 200 epochs; the fused log-softmax cross-entropy 92 %.",
		Run: func(c *cli.Config, src digits.Source) (Markdowner, error) {
			opts := usps.DefaultOptions()
			opts.Data = src
			return usps.Run(defaults(c, usps.Defaults), opts)
		},
	},
	{
		Name: "autoencoder", Title: "§7 Auto-encoder",
		Report: "figures only, no numbers: reconstructed test digits, loss curves, a t-SNE map of the codes, " +
			"and the best configuration of a grid search retrained (its figure 13).",
		Run: func(c *cli.Config, src digits.Source) (Markdowner, error) {
			opts := autoencoder.DefaultOptions()
			opts.Data, opts.Grid = src, true
			return autoencoder.Run(defaults(c, autoencoder.Defaults), opts)
		},
	},
	{
		Name: "conv", Title: "Convolutions: the course's part 6 on the USPS digits",
		Run: func(c *cli.Config, src digits.Source) (Markdowner, error) {
			opts := conv.DefaultOptions()
			opts.Data = src
			return conv.Run(defaults(c, conv.Defaults), opts)
		},
	},
	{
		Name: "bench", Title: "Speed: training steps and the matrix product",
		Run: func(c *cli.Config, src digits.Source) (Markdowner, error) {
			opts := bench.DefaultOptions()
			opts.Data = src.Dir
			return bench.Run(defaults(c, bench.Defaults), opts)
		},
	},
}

// defaults returns c with the training settings of def: the sections run
// with the defaults of their commands.
func defaults(c *cli.Config, def cli.Config) *cli.Config {
	c.Epochs, c.LR, c.Batch, c.Seed = def.Epochs, def.LR, def.Batch, def.Seed
	return c
}

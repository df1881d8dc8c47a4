package optim_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
)

// The README's first snippet: one hidden layer learns the course's XOR
// data (four Gaussians) with the course's plain gradient step.
func ExampleFit_xor() {
	rng := rand.New(rand.NewPCG(1, 2))
	X, y, _ := data.Arti(data.FourGaussians, 1000, data.DefaultArtiOptions(), rng)
	y01 := data.SignsToBinary(nil, y) // labels −1/+1 → 0/1 for the sigmoid

	net := layers.NewSequential(
		layers.NewLinear(2, 10, rng), layers.NewTanh(),
		layers.NewLinear(10, 1, rng), layers.NewSigmoid(),
	)
	o := optim.New(net, losses.NewBCE(), 0.5) // θ ← θ − 0.5·∇θ
	h, _ := optim.Fit(o, X, y01, optim.Config{BatchSize: 32, Epochs: 50, Seed: 1})

	fmt.Printf("loss %.4f after 50 epochs, accuracy %.1f%%\n",
		h.TrainLoss[len(h.TrainLoss)-1], 100*optim.Accuracy(y01, net.Forward(X)))
	// Output:
	// loss 0.0140 after 50 epochs, accuracy 99.7%
}

package digits

import (
	"github.com/nndiy/nndiy/optim"
)

// NewOptimizer returns the update rule of an experiment's -optimizer flag
// with learning rate lr and L2 penalty weightDecay: "adam" (Adam),
// "plain" (the course's step θ ← θ − lr·∇θ, as SGD without momentum), and
// anything else SGD with Nesterov momentum 0.9, the experiments' default.
func NewOptimizer(name string, lr, weightDecay float64) optim.Optimizer {
	switch name {
	case "adam":
		adam := optim.NewAdam(lr)
		adam.WeightDecay = weightDecay
		return adam
	case "plain":
		sgd := optim.NewSGD(lr)
		sgd.WeightDecay = weightDecay
		return sgd
	}
	sgd := optim.NewSGD(lr)
	sgd.Momentum, sgd.Nesterov, sgd.WeightDecay = 0.9, true, weightDecay
	return sgd
}

// OptimizerName describes the update rule NewOptimizer returns for name,
// for the experiments' summaries.
func OptimizerName(name string) string {
	switch name {
	case "adam":
		return "Adam"
	case "plain":
		return "the course's plain gradient step"
	}
	return "SGD with Nesterov momentum 0.9"
}

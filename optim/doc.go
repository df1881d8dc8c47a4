// Package optim trains the networks of package layers: the course's Optim
// step and SGD loop (Fit), PyTorch's update rules and learning-rate
// schedules, and checkpoints of a network's parameters.
//
// # Training step
//
// New(net, loss, eps) is the course's Optim. Its Step(x, y) zeroes the
// gradients, runs the forward pass and the loss, back-propagates through the
// whole network, updates the parameters and returns the batch's loss. The
// default update is the course's θ ← θ − eps·∇θ; plug in an Optimizer for
// another rule:
//
//	o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0.1)
//	o.Optimizer = optim.NewAdam(1e-3)
//
// # Training loop
//
// Fit is the course's SGD function: epochs of shuffled mini-batches, an
// optional validation set and per-epoch callback, and a History of losses,
// accuracies and times. It stops with a *LossError as soon as a batch's
// loss is NaN or ±Inf, and with a *NonFiniteError naming the epoch, the
// batch and the parameter as soon as a gradient is (before its update), or
// a parameter at the end of an epoch. Same seed and data give bit-for-bit the same history
// and weights, whatever GOMAXPROCS.
//
// # Optimizers and schedules
//
// SGD (momentum, dampening, Nesterov, weight decay), Adam (with AMSGrad)
// and AdamW compute exactly what torch.optim 1.13 computes, operation by
// operation; the tests compare them with PyTorch to 1e-10 (see
// testdata/golden_optim.py at the root of the module). StepLR and
// CosineAnnealingLR follow torch.optim.lr_scheduler and drive any Optimizer
// or an Optim.
//
// Their hyperparameters are exported fields, set after the constructor,
// which applies PyTorch's defaults. Build them with their constructors: a
// zero SGD, Adam or AdamW panics at its first Step, since it would have no
// learning rate, and Adam's betas and epsilon would be 0:
//
//	sgd := optim.NewSGD(0.1)
//	sgd.Momentum, sgd.Nesterov = 0.9, true
//
// An optimizer keeps its state per parameter, allocated at the first step:
// later steps allocate nothing.
//
// # Checkpoints
//
// Save and Load write and read the parameters of any Module, by the names
// Parameters() gives, in the format of docs/checkpoints.md; SaveFile and
// LoadFile do so atomically on files. Load validates the whole checkpoint
// before it changes the model. SaveState and LoadState (and their File
// forms) do the same for an optimizer's state, so that a run with momentum
// or Adam resumes exactly where it stopped, as with PyTorch's
// optimizer.state_dict().
//
// # What panics
//
// Programmer errors panic with a message naming the function: mismatched
// shapes, an invalid Config, invalid hyperparameters (a negative learning
// rate, β outside [0, 1), Nesterov without momentum), an optimizer not built
// by its constructor. Bad data from outside
// (a checkpoint) and a diverging loss are errors.
package optim

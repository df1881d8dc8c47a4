// Package optimlab is the report's §5.2: the network and the data sets of
// §5.1, trained through the course's Optim and its SGD loop (optim.Fit),
// comparing the plain step θ ← θ − ε·∇θ with torch.optim's SGD with
// momentum, with Nesterov momentum, and Adam.
//
// Every optimizer starts from the same initial weights and sees the same
// batches in the same order, so the curves differ by the update rule alone.
// Momentum runs at the learning rate ε·(1 − μ) by default, the same step
// in the long run as the plain step's (a constant gradient g moves θ by
// lr·g/(1 − μ) per step): what remains is the effect of the dynamics, not of
// a larger step.
//
// Run trains them all and writes the figures; experiments/optim is its
// command. (The package is not called optim: that is the library's.)
package optimlab

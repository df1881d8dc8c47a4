// Package nonlinear is the report's §4, a network with one hidden layer,
//
//	Linear(2, h) → TanH → Linear(h, 1) → Sigmoid
//
// trained on the course's three data sets with labels 0/1. One hidden layer
// bends the boundary enough for the XOR problem, which no line solves; the
// checkerboard needs more.
//
// The course trained it with the MSE; the sigmoid output of a probability
// calls for the binary cross-entropy, which is the default here (Options.Loss
// chooses).
//
// Run trains the three networks and writes the figures; experiments/nonlinear
// is its command.
package nonlinear

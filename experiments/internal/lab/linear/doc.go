// Package linear is the report's §3, the linear module on its own: a linear
// regression of y = 3x + 4 from noisy points, then a linear classifier
// (Linear + MSE on labels ±1) on the course's three data sets, which it
// solves only where a straight line separates the classes.
//
// Run trains both and writes the figures; experiments/linear is its command.
package linear

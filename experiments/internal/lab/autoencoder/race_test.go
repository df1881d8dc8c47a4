//go:build race

package autoencoder

// The race detector slows training about tenfold: the tests cut the quick
// runs further.
func init() {
	quick.train, quick.test, quick.epochs, quick.tsneSteps = 500, 150, 5, 260
}

//go:build race

package autoencoder

// The race detector slows training about tenfold: the tests cut the quick
// runs further.
func init() {
	quick.train, quick.test, quick.epochs, quick.tsneSteps = 400, 120, 4, 260
}

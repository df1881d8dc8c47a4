//go:build race

package usps

// The race detector slows training about tenfold: the tests cut the quick
// runs further.
func init() {
	quick.train, quick.test, quick.epochs = 600, 300, 4
}

//go:build race

package conv

// The race detector slows training about tenfold: the tests cut the quick
// runs further.
func init() {
	quick.train, quick.test, quick.epochs = 300, 200, 2
}

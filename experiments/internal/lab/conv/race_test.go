//go:build race

package conv

// The race detector slows training about tenfold: the tests cut the quick
// runs further, and expect less of them (a run of 26 Adam steps gets about
// a quarter of the synthetic digits right).
func init() {
	quick.train, quick.test, quick.epochs = 400, 100, 2
	minQuickAccuracy = 0.2
}

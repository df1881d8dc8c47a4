// Package sequential is the report's §5.1: the network
//
//	Linear(2, 5) → TanH → Linear(5, 10) → TanH → Linear(10, 20) → TanH → Linear(20, 1) → Sigmoid
//
// built with Sequential and trained with the course's mini-batch loop
// (500 epochs of batches of 32, the binary cross-entropy on labels 0/1) on
// the course's three data sets and on circles, moons and spirals.
//
// # The comparison with PyTorch
//
// The report compared its curves with PyTorch's by eye; here PyTorch
// replays the same computation. Run with Options.Export writes, per data
// set, the training points, the network's layers with their initial weights
// and the order in which each epoch visited the points, as JSON. The script
// experiments/sequential/pytorch_reference.py reads them, trains
// torch.nn.Sequential of the same layers in float64 with torch.optim.SGD on
// the same batches, and writes its per-epoch losses to a CSV file, which is
// committed beside it. Run reads that file (Options.Reference), overlays
// PyTorch's curves on nndiy's and reports the largest gap between them.
//
// The CSV records the settings it was made with and a fingerprint of each
// data set and initial weights (Fingerprint): a run with other settings has
// no reference to compare with, and says so instead of reporting a
// meaningless gap.
package sequential

// Package bench measures how fast nndiy trains and multiplies: issue 9's
// benchmark, which experiments/bench runs and experiments/bench/compare.py
// sets beside PyTorch, NumPy, OpenBLAS and gonum.
//
// Run trains two networks with plain SGD (optim.New, θ ← θ − lr·∇θ) on
// mini-batches drawn in a new order each epoch (optim.Fit):
//
//	MLP          256 → 128 → 64 → 10, TanH, SoftmaxCrossEntropy on the logits
//	auto-encoder 256 → 100 → 10 → 100 → 256, TanH, Sigmoid output, BCE
//
// on the USPS digits when they are on the machine, and on random data of
// the same shape otherwise: it never downloads them (see FindLocal). It
// reports the seconds per epoch (the median of the epochs after the first,
// which also pays for allocating the buffers), samples per second, the
// test accuracy of the MLP and the test loss of the auto-encoder, and the
// heap allocations of one steady-state training step.
//
// Then it measures tensor.Gemm in GFLOPS, 2·m·n·k floating-point operations
// per product: square products of 256, 512 and 1024, the 1024 one on one
// thread and on two (runtime.GOMAXPROCS), and the three products of the
// MLP's first layer on a batch of 32 (forward X·W, weight gradient Xᵀ·δ,
// input gradient δ·Wᵀ). Each rate is the best of a few timed repetitions,
// the least disturbed by other programs on a shared machine.
//
// Result holds the numbers; Result.WriteTable prints them as Markdown
// tables and Result.WriteJSON as one JSON object for scripts.
package bench

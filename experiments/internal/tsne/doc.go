// Package tsne is t-distributed stochastic neighbour embedding, written from
// the paper: L. van der Maaten and G. Hinton, "Visualizing Data using
// t-SNE", JMLR 9 (2008). Embed maps n points in d dimensions to n points in
// two (or Dims) so that neighbours stay neighbours; the auto-encoder
// experiment uses it to draw the 10-d codes of the USPS test set.
//
// # Algorithm
//
// Input similarities (affinities.go). Each point i gets a Gaussian over
// the others, p_j|i ∝ exp(−β_i·‖x_i − x_j‖²) with β_i = 1/(2σ_i²). β_i is
// found by binary search so that the entropy of p_·|i is ln(Perplexity)
// to within 1e-5 nats: the perplexity is the effective number of
// neighbours. The joint distribution is p_ij = (p_j|i + p_i|j) / 2n.
//
// Output similarities and cost (gradient.go). In the embedding, a
// Student-t kernel with one degree of freedom: q_ij = w_ij / Σ_{k≠l} w_kl
// with w_ij = (1 + ‖y_i − y_j‖²)⁻¹. The cost is KL(P‖Q) and its gradient
//
//	∂C/∂y_i = 4·Σ_j (p_ij − q_ij)·w_ij·(y_i − y_j).
//
// Optimisation (tsne.go). The embedding starts as Gaussian noise of
// standard deviation 1e-4 and follows gradient descent with momentum and
// per-coordinate adaptive gains (delta-bar-delta, Jacobs 1988), as in the
// reference implementation (van der Maaten's tsne.py, also scikit-learn):
//
//	gain = gain + 0.2 if update·g < 0 else max(0.8·gain, 0.01)
//	update = momentum·update − η·gain·g,   y = y + update.
//
// For the first 250 steps P is multiplied by the early exaggeration α and
// the momentum is 0.5; then α = 1 and the momentum is 0.8. The embedding is
// centred after every step.
//
// # Choices beyond the paper
//
// The paper exaggerates by 4 for 50 steps, with learning rate 100 (and
// momentum 0.5 for 250 steps). Embed follows the later reference
// implementations instead, so that its maps can be compared with theirs:
// α = 12 for 250 steps, as in van der Maaten's Barnes-Hut paper of 2014, his
// bhtsne and scikit-learn, which keeps the two phases of exaggeration and
// momentum aligned; and the learning rate η = max(n/α/4, 50) of
// scikit-learn's "auto" (after Belkina et al. 2019), that is 50 for the 2007
// USPS test points. Options can set the paper's values. The initial noise has
// standard deviation 1e-4 as in scikit-learn (the paper's N(0, 10⁻⁴·I)
// means a standard deviation of 1e-2). The run has a fixed number of steps,
// without the early stopping of scikit-learn.
//
// # Cost and determinism
//
// This is exact t-SNE: P is a dense n×n matrix (32 MB for n = 2007) and
// each step is one O(n²) pass over all pairs, split over Workers goroutines
// by rows. Each row is summed in column order and the row sums are combined
// in row order, so the result is the same, bit for bit, for any number of
// workers; it depends only on the data, the options and Rand, on one
// machine. Across machines it depends on the last bit of math.Exp (amd64's
// differs from arm64's, and uses FMA on CPUs that have it) and on the fused
// multiply-adds that arm64 compiles, and t-SNE's descent amplifies that bit:
// the map of ExampleEmbed ends at KL 0.157 on amd64 with FMA, 0.148 without
// it (GODEBUG=cpu.fma=off) and 0.149 on arm64. The initial embedding is
// the same everywhere (internal/portable's Norm). The cost
// KL(P‖Q) is computed every 50 steps and at the end (Result.History), with
// P not exaggerated.
//
// Embed returns an error for input it cannot embed: fewer than 2 points, a
// NaN or an infinity, a perplexity outside [1, n−1].
package tsne

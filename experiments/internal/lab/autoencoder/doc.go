// Package autoencoder is the report's §7, an auto-encoder of the USPS
// digits, behind the command experiments/autoencoder.
//
// The network is the report's, two Sequentials nested in a third:
//
//	encoder: Linear(256,100) → TanH → Linear(100,10) → TanH
//	decoder: Linear(10,100) → TanH → Linear(100,256) → Sigmoid
//
// trained with Adam (the learning rate falling to 0 along a cosine) to
// reproduce its input under the binary cross-entropy of the pixels, which
// are grey levels in [0, 1]. Run draws test digits beside
// their reconstructions, the loss curves, and a t-SNE map of the 10-d codes
// of the whole test set coloured by digit (package tsne).
//
// With Options.Grid it first searches a grid of learning rates, hidden
// widths, code sizes and batch sizes, training the configurations in
// parallel (one goroutine per core, each configuration with its own seeded
// generator, so the table does not depend on the number of workers). Each
// configuration trains on five sixths of the training set and is scored on
// the other sixth; the best is retrained on the whole training set for the
// figures. The table also gives each configuration's test loss, which chose
// nothing.
//
// Two studies go beyond the report (Options.Studies):
//
//   - denoising: auto-encoders trained to restore digits from copies with
//     Gaussian noise of standard deviation σ (clipped to [0, 1]), redrawn
//     every epoch, and scored by the mean squared error between their output
//     on noisy test digits and the clean digits, against the plain
//     auto-encoder and against the noisy input itself;
//   - classification from the code: the same small classifiers trained on
//     the 10-d codes and on the 256 raw pixels, and their test accuracies.
package autoencoder

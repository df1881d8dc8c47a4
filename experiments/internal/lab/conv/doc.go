// Package conv is the convolutional part of issue 8 (the course's sixth
// part and its bonus), behind the command experiments/conv: two
// convolutional networks trained on the USPS digits.
//
// conv1d, the course's network, reads a digit as a sequence of 256 pixels
// with one channel, row after row:
//
//	Conv1D(3, 1→32) → MaxPool1D(2, 2) → Flatten → Linear(4064→100) → ReLU → Linear(100→10)
//
// conv2d, a small LeNet-like network, reads the 16×16 image:
//
//	Conv2D(5×5, 1→16, padding 2) → ReLU → MaxPool2D(2) →
//	Conv2D(5×5, 16→32, padding 2) → ReLU → MaxPool2D(2) →
//	Flatten → Linear(512→100) → ReLU → Linear(100→10)
//
// Both train with the fused softmax cross-entropy, by SGD with Nesterov
// momentum and a learning rate falling to 0 along a cosine, on training images shifted by up to one
// pixel in each direction, anew every epoch (digits.Augment). Run prints each
// epoch's progress and a summary table, and draws the loss and error-rate
// curves, and for each network its confusion matrix, its first mistakes, its
// first-layer kernels and the maps they compute from a digit.
//
// The test set is evaluated after every epoch for the curves only: nothing
// is chosen by it. Options.Validation holds out part of the training set
// instead, which is how the defaults were chosen (docs/results.md gives the
// runs).
package conv

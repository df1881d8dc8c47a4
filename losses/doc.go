// Package losses holds the course's loss functions, with PyTorch's
// reductions.
//
// A Loss compares a batch of predictions ŷ (yhat, one example per row) with
// its targets y, target first as in the course: Forward returns the loss
// reduced as PyTorch's reduction='mean' for the same loss, Backward returns
// dL/dŷ shaped like ŷ, the δ that starts back-propagation. Every loss here
// also gives each example's loss (PerExampleLoss), whose mean is Forward.
//
//	MSE                  any shape    mean over all elements          nn.MSELoss
//	BCE                  any shape    mean over all elements          nn.BCELoss
//	CrossEntropy         N×C          probabilities, mean over rows   (after layers.Softmax)
//	NLL                  N×C          log-probabilities               nn.NLLLoss (after layers.LogSoftmax)
//	SoftmaxCrossEntropy  N×C          logits, softmax fused inside    nn.CrossEntropyLoss
//
// The classification losses take one-hot targets (any rows of weights
// work). Each type's doc gives its formula, its gradient and its special
// cases (logs clamped at −100 as PyTorch, terms with a zero target
// skipped); docs/derivations.md derives them.
//
// Backward returns a buffer owned by the loss, valid until its next call;
// after the first batch, Forward and Backward allocate nothing. A mismatch
// of the shapes of y and ŷ panics with a message naming the loss and both
// shapes.
package losses

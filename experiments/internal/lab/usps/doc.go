// Package usps is the report's §6, multi-class classification of the USPS
// digits, behind the command experiments/usps.
//
// It trains the report's two set-ups on the same multi-layer perceptron,
//
//	Linear(256,128) → TanH → Linear(128,64) → TanH → Linear(64,10)
//
// from the same initial weights and on the same batches:
//
//   - "softmax": a Softmax module on the output and the cross-entropy of the
//     probabilities (losses.CrossEntropy), the report's first version;
//   - "fused": no Softmax module, and the cross-entropy fused with the
//     log-softmax on the logits (losses.SoftmaxCrossEntropy).
//
// The two compute the same loss and, in exact arithmetic, the same gradient
// (dL/dz = (softmax(z) − y)/N either way); the fused one is exact where the
// softmax underflows and cheaper. Run prints each epoch's progress, then the
// test accuracy of both, the per-class accuracy and the confusion matrix of
// the fused one, and draws the loss and accuracy curves, the confusion
// matrix, a test digit of each class with its prediction, and the first
// mistakes.
//
// Training is SGD with Nesterov momentum and a cosine learning rate, and
// each epoch sees every training image shifted by up to a pixel along each
// axis (digits.Augment): the cheapest augmentation of digits, which removes
// about a third of the test errors of the plain training
// (docs/results.md).
//
// The test set is evaluated after every epoch for the curves only: nothing
// is chosen by it. Options.Validation holds out part of the training set
// instead, which is how the defaults were chosen.
package usps

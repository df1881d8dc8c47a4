// Package losses holds the course's loss functions, with PyTorch's
// reductions.
package losses

package main

import _ "embed"

// pytorchLosses is PyTorch's training losses on the same data, weights and
// batches, written by pytorch_reference.py.
//
//go:embed pytorch_losses.csv
var pytorchLosses []byte

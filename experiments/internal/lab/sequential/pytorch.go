package sequential

import _ "embed"

// PyTorchLosses is PyTorch's training losses on the same data, weights and
// batches as Run's (the CSV file experiments/sequential/pytorch_reference.py
// writes beside this file), the Reference of the command and the report.
//
//go:embed pytorch_losses.csv
var PyTorchLosses []byte

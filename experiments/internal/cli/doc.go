// Package cli is what every experiment main shares: the common flags, a
// progress line for training, and the summary table printed at the end.
package cli

// Package cli is what every experiment main shares: the common flags
// (Register, Parse, Check), one way to fail (Main exits 2 for a bad command
// line, a UsageError, and 1 for any other error), a progress line for
// training, the summary table printed at the end and the one format of its
// percentages (Percent).
package cli

//go:build !unix

package main

import "time"

// processCPU returns false: the CPU time of the process is measured on
// unix systems only.
func processCPU() (time.Duration, bool) { return 0, false }

// Package parts runs work cut into parts on the calling goroutine and on up
// to GOMAXPROCS−1 helper goroutines at once, without allocating: the
// convolutions and poolings of package layers cut a batch into parts with
// it, and the element-wise loops that are large enough (ReLU on a
// convolution's output, an optimizer's update of a large weight) cut their
// range of indices into chunks with it.
//
// Which goroutine runs a part changes nothing in its results as long as
// each part writes only its own memory, so the results are the same for any
// GOMAXPROCS. An element-wise loop cut into chunks computes every element
// as the plain loop does, so it gives the plain loop's bits whatever the
// chunks.
//
// The helpers are goroutines started on first need and kept, waiting for
// jobs: starting goroutines per call would allocate, and cost more than a
// small part. A helper that has finished a job waits awake for the next one
// (Await), and blocks only once no work has been handed out anywhere (Run,
// Busy) for SpinFor, since a blocked helper took 100 to 180 µs to wake on
// a 2-core virtual machine, longer than many parts, and blocking makes the
// runtime allocate now and then; tensor.Gemm's workers wait for their jobs
// with Await too.
// Handing a job to an awake helper and waiting for it costs a few
// microseconds, which is why Chunks leaves a loop under ChunkLen elements
// to the caller alone.
package parts

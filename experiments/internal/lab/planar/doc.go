// Package planar holds what the experiments on the course's 2-D data sets
// (report §3 to §5.2) share: the problems, split into a training and a test
// set; the course's training loop, written out; accuracy; and the figures of
// a classifier's decision boundary.
//
// A Problem is one of the data sets of data.Arti with labels ±1. Its
// training and test sets are drawn independently from the same
// distribution, as the course draws them (two calls of gen_arti), from a
// generator seeded by the experiment's seed and the kind of data, so that
// a data set does not change when the others are added or removed.
package planar

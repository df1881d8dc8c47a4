//go:build goexperiment.simd && amd64

package optim_test

// simdBuild reports the SIMD build, whose FMA kernels round differently.
const simdBuild = true

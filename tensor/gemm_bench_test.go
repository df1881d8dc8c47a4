package tensor

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchGemm times Gemm(transA, transB, 1, a, b, 0, c) for op(a) m×k and
// op(b) k×n, and reports GFLOPS: 2·m·n·k floating-point operations per call.
func benchGemm(b *testing.B, transA, transB bool, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := New(m, k), New(k, n)
	if transA {
		x = New(k, m)
	}
	if transB {
		y = New(n, k)
	}
	x.FillUniform(rng, -1, 1)
	y.FillUniform(rng, -1, 1)
	c := New(m, n)
	b.ReportAllocs()
	for b.Loop() {
		Gemm(transA, transB, 1, x, y, 0, c)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

// BenchmarkGemm measures square products and the three products of one
// training step of a 256→128 linear layer on a batch of 32: the forward
// pass X·W, the weight gradient Xᵀ·δ and the input gradient δ·Wᵀ. The
// names match those of the gonum comparison in docs/matmul.md.
func BenchmarkGemm(b *testing.B) {
	for _, s := range []int{64, 128, 256, 512, 1024} {
		b.Run(fmt.Sprintf("square-%d", s), func(b *testing.B) { benchGemm(b, false, false, s, s, s) })
	}
	b.Run("mlp-x.w-32x256x128", func(b *testing.B) { benchGemm(b, false, false, 32, 128, 256) })
	b.Run("mlp-xT.d-256x32x128", func(b *testing.B) { benchGemm(b, true, false, 256, 128, 32) })
	b.Run("mlp-d.wT-32x128x256", func(b *testing.B) { benchGemm(b, false, true, 32, 256, 128) })
}

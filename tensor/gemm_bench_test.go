package tensor

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/nndiy/nndiy/internal/kernel"
)

// benchOperands returns a, b and c for op(a) m×k, op(b) k×n, c m×n.
func benchOperands(transA, transB bool, m, n, k int) (a, b, c *Tensor) {
	a, b = gemmOperands(rand.New(rand.NewPCG(1, 2)), transA, transB, m, n, k)
	return a, b, New(m, n)
}

// reportGFLOPS reports the speed of a benchmark that did one m×n×k product
// (2·m·n·k floating-point operations) per iteration.
func reportGFLOPS(b *testing.B, m, n, k int) {
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

// benchGemm times Gemm(transA, transB, 1, a, b, 0, c) into an existing c.
func benchGemm(b *testing.B, transA, transB bool, m, n, k int) {
	x, y, c := benchOperands(transA, transB, m, n, k)
	Gemm(transA, transB, 1, x, y, 0, c) // grow the packing buffers before timing
	b.ReportAllocs()
	for b.Loop() {
		Gemm(transA, transB, 1, x, y, 0, c)
	}
	reportGFLOPS(b, m, n, k)
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

// BenchmarkGemmReadAInPlace compares the AVX kernel reading a where it lies
// with the same kernel reading a packed copy, on the products of the 2-D
// CNN's second convolution (experiments/conv: 5×5 windows over 16 channels,
// 32 output channels, chunks of 128 rows, parts of 512 rows), of a 256→128
// linear layer on a batch of 32, and a square product: all of them products
// where Gemm reads a in place.
func BenchmarkGemmReadAInPlace(b *testing.B) {
	if !kernel.AVX || kernel.FMA {
		b.Skip("a is read in place only by the AVX kernel")
	}
	shapes := []struct {
		name    string
		transA  bool
		m, n, k int
	}{
		{"conv-x.w-128x32x400", false, 128, 32, 400},
		{"conv-xT.d-400x32x512", true, 400, 32, 512},
		{"mlp-x.w-32x256x128", false, 32, 128, 256},
		{"square-256", false, 256, 256, 256},
	}
	// The two ways alternate within one loop, so that both see the same
	// machine: on a shared one, speeds drift by tens of percent from one
	// second to the next.
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			defer func(old bool) { gemmReadAInPlace = old }(gemmReadAInPlace)
			x, y, c := benchOperands(s.transA, false, s.m, s.n, s.k)
			var took [2]time.Duration // packed, in place
			i := 0
			for b.Loop() {
				for _, way := range [2]int{i % 2, 1 - i%2} {
					gemmReadAInPlace = way == 1
					start := time.Now()
					gemmBlocked(s.transA, false, s.m, s.n, s.k, 1, x.Data, y.Data, 0, c.Data, 1)
					took[way] += time.Since(start)
				}
				i++
			}
			flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(i)
			b.ReportMetric(flops/took[0].Seconds()/1e9, "GFLOPS-packed")
			b.ReportMetric(flops/took[1].Seconds()/1e9, "GFLOPS-in-place")
		})
	}
}

// BenchmarkGemmSmall compares, on tiny products, the plain loop with the
// blocked product on one goroutine: where the blocked one starts to win is
// gemmDirectMax.
func BenchmarkGemmSmall(b *testing.B) {
	for _, s := range []int{2, 4, 5, 6, 8, 12} {
		x, y, c := benchOperands(false, false, s, s, s)
		b.Run(fmt.Sprintf("ref-%d", s), func(b *testing.B) {
			for b.Loop() {
				gemmRef(false, false, s, s, s, 1, x.Data, y.Data, 0, c.Data)
			}
		})
		b.Run(fmt.Sprintf("blocked-%d", s), func(b *testing.B) {
			for b.Loop() {
				gemmBlocked(false, false, s, s, s, 1, x.Data, y.Data, 0, c.Data, 1)
			}
		})
	}
}

// BenchmarkGemmParallel compares the blocked product on one goroutine with
// the same on GOMAXPROCS goroutines: where the second starts to win is
// gemmParallelMin. (On a machine that other programs keep busy, it wins
// later or never.)
func BenchmarkGemmParallel(b *testing.B) {
	shapes := [][3]int{{32, 32, 32}, {48, 48, 48}, {64, 64, 64}, {96, 96, 96}, {128, 128, 128}, {32, 128, 256}, {32, 100, 512}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		x, y, c := benchOperands(false, false, m, n, k)
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("%dx%dx%d-workers-%d", m, n, k, workers), func(b *testing.B) {
				gemmBlocked(false, false, m, n, k, 1, x.Data, y.Data, 0, c.Data, workers)
				for b.Loop() {
					gemmBlocked(false, false, m, n, k, 1, x.Data, y.Data, 0, c.Data, workers)
				}
				reportGFLOPS(b, m, n, k)
			})
		}
	}
}

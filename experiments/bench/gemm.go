package main

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/nndiy/nndiy/tensor"
)

// A Product is one Gemm to time: C = op(A)·op(B) with op(A) m×k and op(B)
// k×n, on Threads threads (GOMAXPROCS; 0 keeps the program's).
type Product struct {
	Label   string `json:"label"`
	M       int    `json:"m"`
	K       int    `json:"k"`
	N       int    `json:"n"`
	TransA  bool   `json:"trans_a"`
	TransB  bool   `json:"trans_b"`
	Threads int    `json:"threads"`
}

// Dims returns the product's shapes as "m×k·k×n", with ᵀ on a transposed
// operand: "256×32ᵀ·32×128" is op(A) = Aᵀ, 256×32, for A stored 32×256.
func (p Product) Dims() string {
	ta, tb := "", ""
	if p.TransA {
		ta = "ᵀ"
	}
	if p.TransB {
		tb = "ᵀ"
	}
	return fmt.Sprintf("%d×%d%s·%d×%d%s", p.M, p.K, ta, p.K, p.N, tb)
}

// GemmResult is a product and its measured rate.
type GemmResult struct {
	Product
	// GFLOPS is 2·m·n·k / time / 10⁹, the best of the timed repetitions.
	GFLOPS float64 `json:"gflops"`
}

// Products returns the products a run times: square 256 and 512 on the
// program's threads, square 1024 on one and two threads (and on the
// program's, when it has more), and the three products of the MLP's first
// layer, 256 → 128 on a batch of 32. With quick, the square products are
// smaller, for tests.
func Products(quick bool) []Product {
	squares, big := []int{256, 512}, 1024
	if quick {
		squares, big = []int{32, 64}, 96
	}
	var ps []Product
	for _, s := range squares {
		ps = append(ps, Product{Label: "square", M: s, K: s, N: s})
	}
	threads := []int{1, 2}
	if p := runtime.GOMAXPROCS(0); p > 2 {
		threads = append(threads, p)
	}
	for _, t := range threads {
		ps = append(ps, Product{Label: "square", M: big, K: big, N: big, Threads: t})
	}
	return append(ps,
		Product{Label: "MLP forward X·W", M: 32, K: 256, N: 128},
		Product{Label: "MLP weight gradient Xᵀ·δ", M: 256, K: 32, N: 128, TransA: true},
		Product{Label: "MLP input gradient δ·Wᵀ", M: 32, K: 128, N: 256, TransB: true},
	)
}

// GemmTiming says how long each product is timed: Reps repetitions of at
// least MinRep each (and of one product at least).
type GemmTiming struct {
	Reps   int
	MinRep time.Duration
}

func gemmTiming(quick bool) GemmTiming {
	if quick {
		return GemmTiming{Reps: 1}
	}
	return GemmTiming{Reps: 5, MinRep: 200 * time.Millisecond}
}

// MeasureGemm times each product and returns their rates, in order. The
// operands hold uniform random values in [−1, 1); C is overwritten
// (beta = 0). Threads 0 is replaced by the GOMAXPROCS used.
func MeasureGemm(products []Product, timing GemmTiming) []GemmResult {
	rs := make([]GemmResult, len(products))
	for i, p := range products {
		if p.Threads == 0 {
			p.Threads = runtime.GOMAXPROCS(0)
		}
		rs[i] = GemmResult{Product: p, GFLOPS: gflops(p, timing)}
	}
	return rs
}

// gflops times one product on p.Threads threads.
func gflops(p Product, timing GemmTiming) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p.Threads))
	rng := rand.New(rand.NewPCG(uint64(p.M), uint64(p.N)))
	a := tensor.New(p.M, p.K)
	if p.TransA {
		a = tensor.New(p.K, p.M)
	}
	b := tensor.New(p.K, p.N)
	if p.TransB {
		b = tensor.New(p.N, p.K)
	}
	a.FillUniform(rng, -1, 1)
	b.FillUniform(rng, -1, 1)
	c := tensor.New(p.M, p.N)
	run := func(times int) time.Duration {
		start := time.Now()
		for range times {
			tensor.Gemm(p.TransA, p.TransB, 1, a, b, 0, c)
		}
		return time.Since(start)
	}
	run(1) // warm-up: the worker pool, the caches

	// Calibrate the number of products per repetition, then keep the best
	// repetition.
	times := 1
	for d := run(times); d < timing.MinRep; d = run(times) {
		times *= 2
	}
	best := time.Duration(1<<63 - 1)
	for range max(timing.Reps, 1) {
		best = min(best, run(times))
	}
	return 2 * float64(p.M) * float64(p.N) * float64(p.K) * float64(times) / best.Seconds() / 1e9
}

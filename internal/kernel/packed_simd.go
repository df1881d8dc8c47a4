//go:build goexperiment.simd && amd64

package kernel

import (
	"simd/archsimd"
	"unsafe"
)

// This file is the packed micro-kernel of the SIMD build (GOEXPERIMENT=simd),
// written with Go's experimental simd/archsimd package: 256-bit registers of
// four float64 (archsimd.Float64x4) and fused multiply-adds, which round once
// where the default kernels round the product and then the sum. tensor.Gemm
// then equals, bit for bit, its plain loop with each step s += x·y replaced
// by s = math.FMA(x, y, s), and differs from that loop itself in the last
// bits (see docs/matmul.md, "The SIMD build").

// FMA says whether the kernels fuse each product into its sum (packedFMA,
// stridedFMA): the CPU must have AVX2 and FMA (archsimd checks that the
// operating system saves the 256-bit registers too). Otherwise the default
// kernels run. Tests switch it off to run the default kernels on machines
// that have it.
var FMA = archsimd.X86.AVX2() && archsimd.X86.FMA()

type f64x4 = archsimd.Float64x4

// packedFMA is Packed with each product fused into its sum:
//
//	for p := 0; p < k; p++ {
//		for i := 0; i < MR; i++ {
//			for j := 0; j < NR; j++ {
//				t[i*NR+j] = math.FMA(a[p*MR+i], b[p*NR+j], t[i*NR+j])
//			}
//		}
//	}
//
// The 4×8 tile is two 4×4 blocks, each held in four registers in the
// rotated order of rotate, so that one step p needs a single load of the
// four values of a and three shuffles of them, instead of four loads and
// four broadcasts. The Go compiler spends two instructions on a broadcast
// from memory, and MulAdd (VFMADD213PD) overwrites one of its factors,
// which costs a register move for almost every MulAdd: the number of
// instructions, not the two FMA units, bounds this loop. Measured alone on data in L1, in GFLOPS per second of CPU time
// on one core of our Zen 4: 52, as fast as the same 4×8 tile written in
// assembly with FMA (52), against 44 for the default AVX kernel (no FMA)
// and 39 for this kernel written with broadcasts; 6×8 and 8×4 tiles of
// broadcasts ran at 24 and 18, the compiler loading every value of a before
// using any and running out of registers.
//
// The loop does two steps per turn and moves its pointers with unsafe.Add,
// which the compiler folds into the loads' addresses; computing them from
// the step's index instead ran 10 to 20 % slower. The pointers never leave
// a and b, whose lengths are checked first.
func packedFMA(k int, a, b []float64, t *Tile) {
	a, b = a[:k*MR], b[:k*NR]
	row := func(i, j int) f64x4 { return archsimd.LoadFloat64x4((*[4]float64)(t[i*NR+j:])) }
	c0, c1, c2, c3 := rotate(row(0, 0), row(1, 0), row(2, 0), row(3, 0)) // columns 0-3
	d0, d1, d2, d3 := rotate(row(0, 4), row(1, 4), row(2, 4), row(3, 4)) // columns 4-7

	pa, pb := unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0])
	for p := 0; ; {
		c0, c1, c2, c3, d0, d1, d2, d3 = fmaStep(pa, pb, c0, c1, c2, c3, d0, d1, d2, d3)
		if p+1 == k {
			break
		}
		c0, c1, c2, c3, d0, d1, d2, d3 = fmaStep(unsafe.Add(pa, 4*8), unsafe.Add(pb, 8*8), c0, c1, c2, c3, d0, d1, d2, d3)
		if p += 2; p == k {
			break
		}
		pa, pb = unsafe.Add(pa, 2*4*8), unsafe.Add(pb, 2*8*8)
	}

	store := func(i, j int, v f64x4) { v.Store((*[4]float64)(t[i*NR+j:])) }
	c0, c1, c2, c3 = rotate(c0, c1, c2, c3)
	d0, d1, d2, d3 = rotate(d0, d1, d2, d3)
	store(0, 0, c0)
	store(1, 0, c1)
	store(2, 0, c2)
	store(3, 0, c3)
	store(0, 4, d0)
	store(1, 4, d1)
	store(2, 4, d2)
	store(3, 4, d3)
	// Leave the upper halves of the registers clean (VZEROUPPER), as the
	// assembly kernel does: the compiler does not do it yet, and the SSE
	// instructions of math.Exp, run after a kernel that left them dirty,
	// wait on them. Without it, a training step of the MLP took 6 % longer
	// (386 µs of CPU time against 362), the difference in tanh.
	archsimd.ClearAVXUpperBits()
}

// fmaStep adds to the tile the products of the column of a at pa (four
// values) and the row of b at pb (eight values). With x = (a0, a1, a2, a3)
// and its three rotations
//
//	x1 = (a1, a0, a3, a2)   x2 = (a2, a3, a0, a1)   x3 = (a3, a2, a1, a0)
//
// cq += xq·(b0, b1, b2, b3) and dq += xq·(b4, b5, b6, b7), lane by lane,
// which adds a[i]·b[j] to lane j of the register whose rotation put a[i]
// there: that of q = i XOR j, as rotate expects.
func fmaStep(pa, pb unsafe.Pointer, c0, c1, c2, c3, d0, d1, d2, d3 f64x4) (f64x4, f64x4, f64x4, f64x4, f64x4, f64x4, f64x4, f64x4) {
	x0 := archsimd.LoadFloat64x4((*[4]float64)(pa))
	b0 := archsimd.LoadFloat64x4((*[4]float64)(pb))
	b1 := archsimd.LoadFloat64x4((*[4]float64)(unsafe.Add(pb, 4*8)))
	x1 := x0.SelectFromPairGrouped(1, 0, x0) // swap neighbours
	x2 := x0.Select128FromPair(1, 0, x0)     // swap halves
	x3 := x1.Select128FromPair(1, 0, x1)     // both
	return x0.MulAdd(b0, c0), x1.MulAdd(b0, c1), x2.MulAdd(b0, c2), x3.MulAdd(b0, c3),
		x0.MulAdd(b1, d0), x1.MulAdd(b1, d1), x2.MulAdd(b1, d2), x3.MulAdd(b1, d3)
}

// rotate converts a 4×4 block between rows r0…r3 (ri[j] = element (i, j))
// and the order fmaStep keeps it in, where register q holds in lane j the
// element (q XOR j, j):
//
//	c0 = (r0[0], r1[1], r2[2], r3[3])   the diagonal
//	c1 = (r1[0], r0[1], r3[2], r2[3])
//	c2 = (r2[0], r3[1], r0[2], r1[3])
//	c3 = (r3[0], r2[1], r1[2], r0[3])
//
// Since i = q XOR j exactly when q = i XOR j, the same function converts back.
func rotate(r0, r1, r2, r3 f64x4) (c0, c1, c2, c3 f64x4) {
	// Exchange the odd lanes of r0 and r1, and of r2 and r3...
	u0 := r0.SelectFromPairGrouped(0, 3, r1) // (r0[0], r1[1], r0[2], r1[3])
	u1 := r1.SelectFromPairGrouped(0, 3, r0) // (r1[0], r0[1], r1[2], r0[3])
	u2 := r2.SelectFromPairGrouped(0, 3, r3)
	u3 := r3.SelectFromPairGrouped(0, 3, r2)
	// ...then the upper halves of u0 and u2, and of u1 and u3.
	return u0.Select128FromPair(0, 3, u2), u1.Select128FromPair(0, 3, u3),
		u2.Select128FromPair(0, 3, u0), u3.Select128FromPair(0, 3, u1)
}

package tensor

import (
	"sync"
	"sync/atomic"

	"github.com/nndiy/nndiy/internal/kernel"
)

// The blocked Gemm, in the loop order of GotoBLAS and BLIS. docs/matmul.md
// explains it for a student; in short:
//
//	for each tile of c (a task, run by one worker)   tm×tn, tn ≤ gemmNC
//	    for p0 := 0; p0 < k; p0 += gemmKC            in this order: it fixes the sums
//	        pack op(b)[p0:p0+kc, tile cols] → bp    NR-column micro-panels
//	        for each block of gemmMC rows of the tile
//	            pack op(a)[rows, p0:p0+kc] → ap     MR-row micro-panels, stays in L2
//	            for each micro-panel of bp           stays in L1
//	                for each micro-panel of ap       streams from L2
//	                    micro-kernel: an MR×NR tile of sums over kc terms, in registers
//
// The micro-kernel is in package internal/kernel, which the convolutions of
// package layers call too.
//
// Reading a in place. The AVX kernel reads the MR values of a it needs at
// each step p at strides, so it can read them where they lie in a instead
// of from a packed copy (kernelInPlace). Packing a then costs more than it
// saves when a is used by few micro-panels of b: in the products of a
// convolution with 32 output channels, b is 4 micro-panels wide, and
// packing a (the patch matrix, written just before by im2col) was 18 % of a
// training step of the 2-D CNN of experiments/conv. Gemm reads a in place
// when it is not transposed (four rows read side by side), or when it is
// and b is at most gemmInPlaceMaxPanelsT micro-panels wide (MR consecutive
// values of a row of a, one row per step: a wide b would fetch each cache
// line of a again for every micro-panel). A last micro-panel of fewer than
// MR rows is still packed, with its zeros. Only the strides differ, so the
// two ways give the same bits
// (TestGemmMatchesReference runs both); BenchmarkGemmReadAInPlace and
// docs/matmul.md compare their speed. The SIMD build reads a in place with
// the same loop with fused multiply-adds, whose bits are those of its
// packed kernel (TestGemmFused runs both).
//
// Between two blocks of k, the partial sums of a register tile wait in the
// worker's acc buffer, unscaled, so that each element of c is one sum in
// increasing p, exactly as in gemmRef; alpha and beta are applied once,
// after the last block.
const (
	gemmMR = kernel.MR // rows of the register tile (micro-kernel): 4
	gemmNR = kernel.NR // columns of the register tile: 8, two 4-wide AVX registers

	// gemmKC is the depth of a block of k. A micro-panel of b (KC×NR) is
	// 256·8·8 B = 16 KiB and one of a (MR×KC) 8 KiB: together they sit in
	// the 32 KiB L1 data cache while the micro-kernel runs.
	gemmKC = 256
	// gemmMC is the number of rows of a packed block of a: MC×KC is
	// 128·256·8 B = 256 KiB, half of a 512 KiB L2 cache. It is read from L2
	// once for each micro-panel of b.
	gemmMC = 128
	// gemmNC is the most columns of a tile: the packed block of b, KC×NC, is
	// 256·256·8 B = 512 KiB. Each of its micro-panels is brought to L1 once
	// per block of a and reused there MC/MR = 32 times. A tile packs its
	// rows of a once for its NC columns: 256 packs a of a 1024×1024
	// product half as often as 128, which measured 8 to 12 % faster.
	gemmNC = 256
	// gemmTileMaxRows is the most rows of a tile. A tile packs its block of
	// b once per block of k for all its rows, so tall tiles pack less; the
	// bound keeps the acc buffer (tile rows × NC values) at 1 MiB.
	gemmTileMaxRows = 4 * gemmMC

	// gemmDirectMax is the largest m·n·k that Gemm multiplies with the
	// plain loop, without packing: at 4×4×4 the two take the same time
	// (BenchmarkGemmSmall).
	gemmDirectMax = 4 * 4 * 4
	// gemmParallelMin is the smallest m·n·k split over several goroutines,
	// 1.5·2²⁰. The products of an MLP on a batch of 32 (about 2²⁰
	// multiply-adds, some 70 µs on one core) stay on the calling goroutine:
	// on our busy 2-core machine a second goroutine made them slower (on
	// the idle one it gained them 5 to 25 %, BenchmarkGemmParallel). The
	// 2-D CNN's Linear(512, 100) on a batch of 32 (1.6·2²⁰) is above it: its
	// forward product went from 16–18 to 25–29 GFLOPS on two goroutines, and
	// the CNN's step on two cores took 3 to 5 % less time. Until the workers
	// waited awake for their next job (gemmWorker) the threshold was 128³.
	gemmParallelMin = 3 << 19
)

// gemmJob is one blocked product. Its tiles of c are the tasks: any worker
// may take any tile, and each tile is computed by a single worker from
// start to end, so the order of the sums does not depend on who runs it.
type gemmJob struct {
	gemmProblem

	tm, tn int // tile size: multiples of gemmMR and gemmNR, or m and n
	tilesN int // tiles across n
	tiles  int // tiles in all

	aInPlace bool // the micro-kernel reads op(a) where it lies, unpacked

	next atomic.Int64   // next tile to take
	wg   sync.WaitGroup // pool workers still running
}

// gemmProblem is what a Gemm call asks: c = alpha·op(a)·op(b) + beta·c with
// op(a) m×k and op(b) k×n.
type gemmProblem struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float64
	a, b, c        []float64
}

// gemmWorkspace holds one worker's packing buffers. They only grow, so that
// the steady state allocates nothing.
type gemmWorkspace struct {
	ap, bp, acc []float64
}

// gemmBlocked runs the blocked product on at most workers goroutines, the
// caller included. The result does not depend on workers. It needs m, n,
// k ≥ 1 and alpha ≠ 0 (gemm handles the other cases).
func gemmBlocked(transA, transB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64, workers int) {
	job := getJob()
	job.gemmProblem = gemmProblem{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a[:m*k], b: b[:k*n], c: c[:m*n]}
	job.next.Store(0)
	job.plan(workers)
	workers = min(workers, job.tiles)
	if workers > 1 {
		startWorkers(job, workers-1)
	}
	ws := getWorkspace()
	job.run(ws)
	putWorkspace(ws)
	job.wg.Wait()
	putJob(job)
}

// plan chooses the tile size. One worker takes the largest tiles, which
// pack the least. Several workers get about four tiles each if the tiles can
// stay at least 32×32, so that a worker slowed down by another program on
// the machine does not leave the others idle at the end. The tiles change
// only who computes an element of c, never how.
func (job *gemmJob) plan(workers int) {
	const minTile, tilesPerWorker = 32, 4
	job.tm, job.tn = min(job.m, gemmTileMaxRows), min(job.n, gemmNC)
split:
	for workers > 1 && job.count() < tilesPerWorker*workers {
		switch {
		case job.tn >= job.tm && job.tn >= 2*minTile:
			job.tn = roundUp(ceilDiv(job.tn, 2), gemmNR)
		case job.tm >= 2*minTile:
			job.tm = roundUp(ceilDiv(job.tm, 2), gemmMR)
		case job.tn >= 2*minTile:
			job.tn = roundUp(ceilDiv(job.tn, 2), gemmNR)
		default:
			break split
		}
	}
	job.tiles = job.count()
	job.aInPlace = gemmReadAInPlace && kernel.AVX && (!job.transA || ceilDiv(job.tn, gemmNR) <= gemmInPlaceMaxPanelsT)
}

// gemmInPlaceMaxPanelsT is the most micro-panels of b in a tile for which
// the AVX kernel reads a transposed a in place (see "Reading a in place" at
// the top of this file).
const gemmInPlaceMaxPanelsT = 4

// gemmReadAInPlace lets the AVX kernel read a in place. Tests switch it off
// to compare with the packed path.
var gemmReadAInPlace = true

// kernelInPlace is kernel.Packed for the MR rows of op(a) from r0 and its
// columns p0 … p0+kc−1, read from a itself: op(a)[r0+i][p0+p] is
// a[(r0+i)·k + p0+p], or a[(p0+p)·m + r0+i] when a is transposed.
func (job *gemmJob) kernelInPlace(kc, r0, p0 int, bp []float64, acc *kernel.Tile) {
	rs, ps, at := job.k, 1, r0*job.k+p0
	if job.transA {
		rs, ps, at = 1, job.m, p0*job.m+r0
	}
	kernel.Strided(kc, 1, job.a[at:], rs, ps, 0, bp, gemmNR, 0, acc)
}

func (job *gemmJob) count() int {
	job.tilesN = ceilDiv(job.n, job.tn)
	return ceilDiv(job.m, job.tm) * job.tilesN
}

func ceilDiv(x, y int) int { return (x + y - 1) / y }
func roundUp(x, y int) int { return ceilDiv(x, y) * y }

// run computes tiles until none is left.
func (job *gemmJob) run(ws *gemmWorkspace) {
	for {
		t := int(job.next.Add(1) - 1)
		if t >= job.tiles {
			return
		}
		i0, j0 := t/job.tilesN*job.tm, t%job.tilesN*job.tn
		job.tile(ws, i0, min(i0+job.tm, job.m), j0, min(j0+job.tn, job.n))
	}
}

// tile computes c[i0:i1, j0:j1] with the loops shown at the top of this
// file.
func (job *gemmJob) tile(ws *gemmWorkspace, i0, i1, j0, j1 int) {
	const tileLen = gemmMR * gemmNR
	panelsN := ceilDiv(j1-j0, gemmNR)
	// The buffers are sized for the job's whole tiles, whichever tile a
	// worker takes first: sized for an edge tile, they would grow again,
	// allocating, the first time the worker took a whole one, which could
	// be many steps into a training.
	kcMax := min(job.k, gemmKC)
	ws.ap = grow(ws.ap, roundUp(min(job.tm, gemmMC), gemmMR)*kcMax)
	ws.bp = grow(ws.bp, roundUp(job.tn, gemmNR)*kcMax)
	// One register tile of partial sums for each MR×NR tile of c, or a
	// single one, reused, when k fits in one block.
	slots := 1
	if job.k > gemmKC {
		slots = ceilDiv(job.tm, gemmMR) * ceilDiv(job.tn, gemmNR)
	}
	ws.acc = grow(ws.acc, slots*tileLen)

	for p0 := 0; p0 < job.k; p0 += gemmKC {
		p1 := min(p0+gemmKC, job.k)
		kc := p1 - p0
		first, last := p0 == 0, p1 == job.k
		packB(ws.bp, job.b, job.transB, job.n, job.k, p0, p1, j0, j1)
		for ic := i0; ic < i1; ic += gemmMC {
			ie := min(ic+gemmMC, i1)
			// Rows ic … full−1 make whole micro-panels. Read in place,
			// only the last, partial one (if any) is packed, at ws.ap[0:].
			full := ie
			switch {
			case !job.aInPlace:
				packA(ws.ap, job.a, job.transA, job.m, job.k, ic, ie, p0, p1)
			case (ie-ic)%gemmMR != 0:
				full = ie - (ie-ic)%gemmMR
				packA(ws.ap, job.a, job.transA, job.m, job.k, full, ie, p0, p1)
			}
			for jr := range panelsN {
				bp := ws.bp[jr*gemmNR*kc : (jr+1)*gemmNR*kc]
				for ir := range ceilDiv(ie-ic, gemmMR) {
					r0 := ic + ir*gemmMR
					slot := 0
					if slots > 1 {
						slot = ((ic-i0)/gemmMR+ir)*panelsN + jr
					}
					acc := (*kernel.Tile)(ws.acc[slot*tileLen:])
					if first {
						*acc = [tileLen]float64{}
					}
					switch {
					case !job.aInPlace:
						kernel.Packed(kc, ws.ap[ir*gemmMR*kc:], bp, acc)
					case r0 < full:
						job.kernelInPlace(kc, r0, p0, bp, acc)
					default:
						kernel.Packed(kc, ws.ap, bp, acc)
					}
					if last {
						c0 := j0 + jr*gemmNR
						kernel.Store(job.c[r0*job.n+c0:], job.n, min(gemmMR, ie-r0), min(gemmNR, j1-c0), job.alpha, acc, job.beta)
					}
				}
			}
		}
	}
}

// packRows is how many rows of a source packA (transposed) and packB (not
// transposed) read before moving to the next micro-panel.
const packRows = 8

// packA copies op(a)[i0:i1, p0:p1] into ap as micro-panels of gemmMR rows:
// micro-panel r holds rows i0+r·MR … i0+r·MR+MR−1, column by column, so that
// the micro-kernel reads MR consecutive values for each p:
//
//	ap[(r·kc + p)·MR + i] = op(a)[i0 + r·MR + i][p0 + p]
//
// Rows past i1 are zeros. a is m×k if !transA, k×m otherwise.
func packA(ap, a []float64, transA bool, m, k, i0, i1, p0, p1 int) {
	kc, rows := p1-p0, i1-i0
	panels := ceilDiv(rows, gemmMR)
	if pad := panels*gemmMR - rows; pad > 0 {
		// Zero the padding rows of the last micro-panel.
		last := ap[(panels-1)*gemmMR*kc : panels*gemmMR*kc]
		for p := range kc {
			clear(last[p*gemmMR+gemmMR-pad : p*gemmMR+gemmMR])
		}
	}
	if transA {
		// Row p of a holds column p of op(a): its values i0…i1 go to the
		// same p of every micro-panel. The rows are taken packRows at a
		// time, so that each micro-panel gets 8·MR values in a row, four
		// whole cache lines: one row at a time wrote 32 bytes to each
		// panel, at a stride of kc·MR values (8 KiB for kc = 256), which
		// maps every write to one set of the L1 cache. The gain was small:
		// packing went from 0.44 to 0.40 of the micro-kernel's time in the
		// 2-D CNN's step (docs/performance.md).
		for q0 := 0; q0 < kc; q0 += packRows {
			q1 := min(q0+packRows, kc)
			for r := range panels {
				for p := q0; p < q1; p++ {
					scatter4(ap[(r*kc+p)*gemmMR:], a[(p0+p)*m+i0+r*gemmMR:(p0+p)*m+i1])
				}
			}
		}
		return
	}
	// Row i of a is row i of op(a): interleave MR rows at a time.
	for r := range panels {
		d := ap[r*gemmMR*kc : (r+1)*gemmMR*kc]
		base := i0 + r*gemmMR
		if base+gemmMR > i1 {
			for i := range i1 - base {
				for p, v := range a[(base+i)*k+p0 : (base+i)*k+p1] {
					d[p*gemmMR+i] = v
				}
			}
			continue
		}
		row := func(i int) []float64 { return a[(base+i)*k+p0:][:kc] }
		a0, a1, a2, a3 := row(0), row(1), row(2), row(3)
		d = d[:kc*gemmMR]
		for p := range kc {
			dp := (*[gemmMR]float64)(d[p*gemmMR:])
			dp[0], dp[1], dp[2], dp[3] = a0[p], a1[p], a2[p], a3[p]
		}
	}
}

// packB copies op(b)[p0:p1, j0:j1] into bp as micro-panels of gemmNR
// columns, row by row:
//
//	bp[(r·kc + p)·NR + j] = op(b)[p0 + p][j0 + r·NR + j]
//
// Columns past j1 are zeros. b is k×n if !transB, n×k otherwise.
func packB(bp, b []float64, transB bool, n, k, p0, p1, j0, j1 int) {
	kc, cols := p1-p0, j1-j0
	panels := ceilDiv(cols, gemmNR)
	if pad := panels*gemmNR - cols; pad > 0 {
		last := bp[(panels-1)*gemmNR*kc : panels*gemmNR*kc]
		for p := range kc {
			clear(last[p*gemmNR+gemmNR-pad : p*gemmNR+gemmNR])
		}
	}
	if !transB {
		// Row p of b is row p of op(b): its values j0…j1 go to the same p
		// of every micro-panel, packRows rows at a time as in packA.
		for q0 := 0; q0 < kc; q0 += packRows {
			q1 := min(q0+packRows, kc)
			for r := range panels {
				for p := q0; p < q1; p++ {
					scatter8(bp[(r*kc+p)*gemmNR:], b[(p0+p)*n+j0+r*gemmNR:(p0+p)*n+j1])
				}
			}
		}
		return
	}
	// Row j of b is column j of op(b): interleave NR rows at a time.
	for r := range panels {
		d := bp[r*gemmNR*kc : (r+1)*gemmNR*kc]
		base := j0 + r*gemmNR
		if base+gemmNR > j1 {
			for j := range j1 - base {
				for p, v := range b[(base+j)*k+p0 : (base+j)*k+p1] {
					d[p*gemmNR+j] = v
				}
			}
			continue
		}
		// Eight rows, each cut to length kc so that the compiler drops the
		// bounds checks of the loop.
		row := func(j int) []float64 { return b[(base+j)*k+p0:][:kc] }
		b0, b1, b2, b3, b4, b5, b6, b7 := row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7)
		d = d[:kc*gemmNR]
		for p := range kc {
			dp := (*[gemmNR]float64)(d[p*gemmNR:])
			dp[0], dp[1], dp[2], dp[3] = b0[p], b1[p], b2[p], b3[p]
			dp[4], dp[5], dp[6], dp[7] = b4[p], b5[p], b6[p], b7[p]
		}
	}
}

// scatter4 copies min(4, len(src)) values to d. Four values are copied as
// two pairs: a [2]float64 assignment compiles to one 16-byte load and
// store, while copy and larger array assignments call memmove.
func scatter4(d, src []float64) {
	if len(src) >= 4 {
		d, s := (*[4]float64)(d), (*[4]float64)(src)
		*(*[2]float64)(d[0:2]) = *(*[2]float64)(s[0:2])
		*(*[2]float64)(d[2:4]) = *(*[2]float64)(s[2:4])
		return
	}
	for i, v := range src { // copy would call memmove for one to three values
		d[i] = v
	}
}

// scatter8 copies min(8, len(src)) values to d, as scatter4.
func scatter8(d, src []float64) {
	if len(src) >= 8 {
		d, s := (*[8]float64)(d), (*[8]float64)(src)
		*(*[2]float64)(d[0:2]) = *(*[2]float64)(s[0:2])
		*(*[2]float64)(d[2:4]) = *(*[2]float64)(s[2:4])
		*(*[2]float64)(d[4:6]) = *(*[2]float64)(s[4:6])
		*(*[2]float64)(d[6:8]) = *(*[2]float64)(s[6:8])
		return
	}
	copy(d, src)
}

package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/internal/kernel"
)

// Gemm promises the same float64s as gemmRef, bit for bit, so the tests
// compare bits: sameFloat is == that also tells 0 from −0 and takes any
// NaN for any NaN (a NaN's payload depends on the instruction that made it).
// The one exception is the FMA kernel of the SIMD build, which fuses each
// product into its sum: its results are compared with gemmRef's within
// fmaTol (gemmMismatch), and bit for bit with the loop it computes in
// gemm_simd_test.go.
func sameFloat(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
}

// firstDiff returns the index of the first element where got and want
// differ, or -1.
func firstDiff(got, want []float64) int {
	for i := range want {
		if !sameFloat(got[i], want[i]) {
			return i
		}
	}
	return -1
}

// fmaTol bounds the distance between a sum of k products rounded one by
// one, as gemmRef computes it, and the same sum with each product fused
// into it (math.FMA): each is within k·u·Σ|x·y| of the exact sum, where
// u = 2⁻⁵³ ≈ 1.1e-16 is the unit roundoff, so they are within 2k·u·Σ|x·y|
// of each other. gemmMismatch allows fmaTol·(k+2)·scale, the 2 for the
// scaling by alpha and the addition of beta·c.
const fmaTol = 2.3e-16

// gemmMismatch returns the index of the first element of got that is not
// what a kernel promises when want is gemmRef's result, or -1: the same
// bits when exact, else within fmaTol·(k+2)·scale, where scale holds, for
// each element, the sum of the absolute values of its terms (gemmScale).
func gemmMismatch(got, want, scale []float64, k int, exact bool) int {
	if exact {
		return firstDiff(got, want)
	}
	for i := range want {
		if sameFloat(got[i], want[i]) {
			continue
		}
		if !(math.Abs(got[i]-want[i]) <= fmaTol*float64(k+2)*scale[i]) { // false for NaN
			return i
		}
	}
	return -1
}

// gemmScale returns |alpha|·|op(a)|·|op(b)| + |beta|·|c|, element by
// element: the scale of the rounding errors of each element of Gemm.
func gemmScale(transA, transB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) []float64 {
	abs := func(x []float64) []float64 {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = math.Abs(v)
		}
		return y
	}
	scale := abs(c)
	gemmRef(transA, transB, m, n, k, math.Abs(alpha), abs(a), abs(b), math.Abs(beta), scale)
	return scale
}

// gemmOperands returns a and b of the right shapes for op(a) m×k and
// op(b) k×n, filled with normal values.
func gemmOperands(rng *rand.Rand, transA, transB bool, m, n, k int) (a, b *Tensor) {
	a, b = New(m, k), New(k, n)
	if transA {
		a = New(k, m)
	}
	if transB {
		b = New(n, k)
	}
	a.FillNormal(rng, 0, 1)
	b.FillNormal(rng, 0, 1)
	return a, b
}

// gemmImpl is one way of computing a blocked Gemm: every path of the
// package's code is compared with gemmRef.
type gemmImpl struct {
	name    string
	kernel  gemmKernel
	blocked bool // gemmBlocked, which needs m, n, k ≥ 1 and alpha ≠ 0
	run     func(transA, transB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64)
}

// kernel is one of the micro-kernels: the portable Go loop, the AVX
// assembly (reading a in place where Gemm chooses to, or always from a
// packed copy), and the FMA kernel of the SIMD build.
type gemmKernel struct {
	name     string
	avx, fma bool // the values of kernel.AVX and kernel.FMA that select it
	packed   bool // always pack a: gemmReadAInPlace false
}

// exact says whether the kernel returns gemmRef's bits.
func (k gemmKernel) exact() bool { return !k.fma }

// kernels returns the micro-kernels this machine and this build can run.
func kernels() []gemmKernel {
	ks := []gemmKernel{{"go", false, false, true}}
	if kernel.AVX {
		ks = append(ks, gemmKernel{"avx", true, false, false}, gemmKernel{"avx-packed", true, false, true})
	}
	if kernel.FMA {
		ks = append(ks, gemmKernel{"fma", kernel.AVX, true, false}, gemmKernel{"fma-packed", kernel.AVX, true, true}) // Store still uses AVX
	}
	return ks
}

// activeKernel returns the kernel that Gemm runs by default.
func activeKernel() gemmKernel {
	return gemmKernel{"default", kernel.AVX, kernel.FMA, !gemmReadAInPlace}
}

func gemmImpls() []gemmImpl {
	blocked := func(workers int) func(bool, bool, int, int, int, float64, []float64, []float64, float64, []float64) {
		return func(tA, tB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
			gemmBlocked(tA, tB, m, n, k, alpha, a, b, beta, c, workers)
		}
	}
	// onTensors calls a function of the public API, Gemm or GemmSerial, on
	// tensors over the slices.
	onTensors := func(f func(bool, bool, float64, *Tensor, *Tensor, float64, *Tensor)) func(bool, bool, int, int, int, float64, []float64, []float64, float64, []float64) {
		return func(tA, tB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
			x, y := FromSlice(a, m, k), FromSlice(b, k, n)
			if tA {
				x = FromSlice(a, k, m)
			}
			if tB {
				y = FromSlice(b, n, k)
			}
			f(tA, tB, alpha, x, y, beta, FromSlice(c, m, n))
		}
	}
	public, serial := onTensors(Gemm), onTensors(GemmSerial)
	var impls []gemmImpl
	for _, k := range kernels() {
		impls = append(impls,
			gemmImpl{"Gemm/" + k.name, k, false, public},
			gemmImpl{"GemmSerial/" + k.name, k, false, serial},
			gemmImpl{"blocked-1/" + k.name, k, true, blocked(1)},
			gemmImpl{"blocked-3/" + k.name, k, true, blocked(3)},
		)
	}
	return impls
}

// withKernel runs f with Gemm using kernel k.
func withKernel(k gemmKernel, f func()) {
	avx, fma, inPlace := kernel.AVX, kernel.FMA, gemmReadAInPlace
	kernel.AVX, kernel.FMA, gemmReadAInPlace = k.avx, k.fma, !k.packed
	defer func() { kernel.AVX, kernel.FMA, gemmReadAInPlace = avx, fma, inPlace }()
	f()
}

// TestGemmMatchesReference runs every path of Gemm on awkward shapes, for
// the four transpose combinations and several alpha and beta, and wants the
// reference's bits.
func TestGemmMatchesReference(t *testing.T) {
	type scale struct{ alpha, beta float64 }
	all := []scale{{1, 0}, {1, 1}, {-0.5, 2}, {2.5, -1}, {0, 0}, {0, 3}}
	one := []scale{{-1.5, 0.5}}
	shapes := []struct {
		m, n, k int
		scales  []scale
	}{
		{1, 1, 1, all},
		{1, 9, 5, all},   // a row vector times a matrix
		{9, 1, 5, all},   // a matrix times a column vector
		{6, 7, 1, all},   // an outer product
		{1, 1, 300, all}, // a dot product over more than one block of k
		{2, 3, 4, all},
		{13, 11, 17, all}, // primes
		{31, 37, 41, all},
		{4, 8, gemmKC, all},         // exactly one register tile, one block of k
		{5, 9, gemmKC + 1, all},     // one more than both
		{33, 65, 2*gemmKC + 1, one}, // three blocks of k, the last of depth 1
		{0, 5, 3, all},              // empty products
		{5, 0, 3, all},
		{5, 3, 0, all},
		{0, 0, 0, all},
		// Two tiles even with one worker (n > gemmNC), two blocks of a in
		// a tile (m > gemmMC), a last block of k of depth 8, partial
		// register tiles on both edges.
		{gemmMC + 1, gemmNC + 4, 2*gemmKC + 8, one},
		// A transposed a read in place (at most gemmInPlaceMaxPanelsT
		// micro-panels of b), over three blocks of k, with a partial
		// micro-panel of a packed at the end of each block of a.
		{gemmMC + 5, gemmNR * gemmInPlaceMaxPanelsT, 2*gemmKC + 3, one},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	impls := gemmImpls()
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			a, b := gemmOperands(rng, tr[0], tr[1], s.m, s.n, s.k)
			c0 := New(s.m, s.n).FillNormal(rng, 0, 1)
			for _, sc := range s.scales {
				if sc.beta == 0 {
					c0.Fill(math.NaN()) // must be overwritten, not read
				}
				want := c0.Clone()
				gemmRef(tr[0], tr[1], s.m, s.n, s.k, sc.alpha, a.Data, b.Data, sc.beta, want.Data)
				scale := gemmScale(tr[0], tr[1], s.m, s.n, s.k, sc.alpha, a.Data, b.Data, sc.beta, c0.Data)
				if sc.beta == 0 && s.k > 0 {
					for _, v := range want.Data {
						if math.IsNaN(v) {
							t.Fatalf("gemmRef %d×%d×%d beta 0: NaN from c propagated", s.m, s.n, s.k)
						}
					}
				}
				for _, impl := range impls {
					if impl.blocked && (s.m*s.n*s.k == 0 || sc.alpha == 0) {
						continue
					}
					got := c0.Clone()
					withKernel(impl.kernel, func() {
						impl.run(tr[0], tr[1], s.m, s.n, s.k, sc.alpha, a.Data, b.Data, sc.beta, got.Data)
					})
					if i := gemmMismatch(got.Data, want.Data, scale, s.k, impl.kernel.exact()); i >= 0 {
						t.Errorf("%s transA=%v transB=%v m,n,k=%d,%d,%d alpha=%v beta=%v: c[%d] = %v, want %v",
							impl.name, tr[0], tr[1], s.m, s.n, s.k, sc.alpha, sc.beta, i, got.Data[i], want.Data[i])
					}
				}
			}
		}
	}
}

// TestGemmValues checks Gemm on products worked out by hand.
func TestGemmValues(t *testing.T) {
	a := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3) // [[1 2 3] [4 5 6]]
	b := FromSlice([]float64{7, 8, 9, 10, 11, 12}, 3, 2)
	s := FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	tests := []struct {
		name           string
		transA, transB bool
		a, b           *Tensor
		alpha, beta    float64
		c, want        *Tensor
	}{
		{"a·b", false, false, a, b, 1, 0, New(2, 2), FromSlice([]float64{58, 64, 139, 154}, 2, 2)},
		{"2·a·b − c", false, false, a, b, 2, -1, New(2, 2).Fill(1), FromSlice([]float64{115, 127, 277, 307}, 2, 2)},
		{"a·aᵀ", false, true, a, a, 1, 0, New(2, 2), FromSlice([]float64{14, 32, 32, 77}, 2, 2)},
		{"aᵀ·a", true, false, a, a, 1, 0, New(3, 3), FromSlice([]float64{17, 22, 27, 22, 29, 36, 27, 36, 45}, 3, 3)},
		{"aᵀ·sᵀ", true, true, a, s, 1, 0, New(3, 2), FromSlice([]float64{9, 19, 12, 26, 15, 33}, 3, 2)},
		{"0·a·b + 3·c", false, false, a, b, 0, 3, New(2, 2).Fill(1), New(2, 2).Fill(3)},
	}
	for _, tt := range tests {
		Gemm(tt.transA, tt.transB, tt.alpha, tt.a, tt.b, tt.beta, tt.c)
		if firstDiff(tt.c.Data, tt.want.Data) >= 0 {
			t.Errorf("%s = %v, want %v", tt.name, tt.c.Data, tt.want.Data)
		}
	}
}

// TestGemmSpecialValues puts infinities and NaNs in a and b, including in
// the rows and columns that fill partial register tiles, whose padding must
// not leak into c.
func TestGemmSpecialValues(t *testing.T) {
	const m, n, k = 7, 13, 300
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tr := range [][2]bool{{false, false}, {true, true}} {
		a, b := gemmOperands(rng, tr[0], tr[1], m, n, k)
		a.Data[5] = math.Inf(1)
		a.Data[len(a.Data)-1] = math.NaN()
		b.Data[7] = math.Inf(-1)
		b.Data[len(b.Data)-2] = math.Inf(1)
		want := New(m, n)
		gemmRef(tr[0], tr[1], m, n, k, 1, a.Data, b.Data, 0, want.Data)
		scale := gemmScale(tr[0], tr[1], m, n, k, 1, a.Data, b.Data, 0, want.Data)
		for _, impl := range gemmImpls() {
			got := New(m, n)
			withKernel(impl.kernel, func() { impl.run(tr[0], tr[1], m, n, k, 1, a.Data, b.Data, 0, got.Data) })
			if i := gemmMismatch(got.Data, want.Data, scale, k, impl.kernel.exact()); i >= 0 {
				t.Errorf("%s transA=%v: c[%d] = %v, want %v", impl.name, tr[0], i, got.Data[i], want.Data[i])
			}
		}
	}
}

// TestGemmDeterministic runs the same parallel product with GOMAXPROCS 1, 2
// and 7 and wants the same bits each time, with every kernel: gemmRef's
// bits, or with the FMA kernel, values within fmaTol of them that do not
// depend on GOMAXPROCS either.
func TestGemmDeterministic(t *testing.T) {
	const m, n, k = 150, 260, 300
	if m*n*k < gemmParallelMin {
		t.Fatal("the product is too small to take the parallel path")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := gemmOperands(rng, false, true, m, n, k)
	ref := New(m, n)
	gemmRef(false, true, m, n, k, 1, a.Data, b.Data, 0, ref.Data)
	scale := gemmScale(false, true, m, n, k, 1, a.Data, b.Data, 0, ref.Data)

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var first *Tensor
	for _, procs := range []int{1, 2, 7} {
		runtime.GOMAXPROCS(procs)
		for range 3 {
			c := New(m, n)
			Gemm(false, true, 1, a, b, 0, c)
			if first == nil {
				first = c
				if i := gemmMismatch(c.Data, ref.Data, scale, k, activeKernel().exact()); i >= 0 {
					t.Fatalf("c[%d] = %v, gemmRef gives %v", i, c.Data[i], ref.Data[i])
				}
			}
			if i := firstDiff(c.Data, first.Data); i >= 0 {
				t.Fatalf("GOMAXPROCS %d: c[%d] = %v, with GOMAXPROCS 1 %v", procs, i, c.Data[i], first.Data[i])
			}
		}
	}
}

// TestGemmConcurrentCalls runs products from several goroutines at once: they
// share the worker pool, and must get the bits of the same product on one
// goroutine (which TestGemmMatchesReference compares with gemmRef).
func TestGemmConcurrentCalls(t *testing.T) {
	const m, n, k = 70, 90, 110
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := gemmOperands(rng, false, false, m, n, k)
	want := New(m, n)
	gemmBlocked(false, false, m, n, k, 1, a.Data, b.Data, 0, want.Data, 1)
	errs := make(chan string, 4)
	for range cap(errs) {
		go func() {
			c := New(m, n)
			for range 5 {
				gemmBlocked(false, false, m, n, k, 1, a.Data, b.Data, 0, c.Data, 3)
				if i := firstDiff(c.Data, want.Data); i >= 0 {
					errs <- fmt.Sprintf("c[%d] = %v, want %v", i, c.Data[i], want.Data[i])
					return
				}
			}
			errs <- ""
		}()
	}
	for range cap(errs) {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

func TestGemmPanics(t *testing.T) {
	tests := []struct {
		name           string
		transA, transB bool
		a, b, c        *Tensor
		want           []string // substrings of the panic message
	}{
		{"inner", false, false, New(2, 3), New(4, 5), New(2, 5), []string{"tensor.Gemm", "[2 3]", "[4 5]"}},
		{"inner transposed", true, false, New(2, 3), New(3, 5), New(3, 5), []string{"tensor.Gemm", "[2 3]", "[3 5]"}},
		{"c rows", false, true, New(2, 3), New(5, 3), New(3, 5), []string{"tensor.Gemm", "[2 3]", "[5 3]", "c [3 5]"}},
		{"c cols", false, false, New(2, 3), New(3, 5), New(2, 4), []string{"tensor.Gemm", "[2 3]", "[3 5]", "c [2 4]"}},
		{"1-D", false, false, New(6), New(6, 1), New(1, 1), []string{"tensor.Gemm", "2-D", "[6]", "[6 1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := panicMessage(func() { Gemm(tt.transA, tt.transB, 1, tt.a, tt.b, 0, tt.c) })
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic %q does not contain %q", msg, w)
				}
			}
		})
	}
	msg := panicMessage(func() { MatMul(New(2, 3), New(2, 3)) })
	if want := "tensor.MatMul: shape mismatch [2 3] and [2 3]"; msg != want {
		t.Errorf("MatMul panic %q, want %q", msg, want)
	}
}

// panicMessage returns the message f panics with, or "" if it returns.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestMatMul(t *testing.T) {
	a := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := FromSlice([]float64{1, 0, 0, 1, 1, 1}, 3, 2)
	got := MatMul(a, b)
	want := FromSlice([]float64{4, 5, 10, 11}, 2, 2)
	if !SameShape(got, want) || firstDiff(got.Data, want.Data) >= 0 {
		t.Errorf("MatMul = %v, want %v", got, want)
	}
}

// TestGemmNoAllocs wants Gemm into an existing c to allocate nothing once
// warm, on the blocked path with one worker and with several.
func TestGemmNoAllocs(t *testing.T) {
	const m, n, k = 64, 72, 300 // two blocks of k, several tiles with 2 workers
	rng := rand.New(rand.NewPCG(9, 10))
	a, b := gemmOperands(rng, true, false, m, n, k)
	c := New(m, n)
	tests := []struct {
		name string
		f    func()
	}{
		{"Gemm", func() { Gemm(true, false, 1, a, b, 1, c) }},
		{"blocked, 2 workers", func() { gemmBlocked(true, false, m, n, k, 1, a.Data, b.Data, 1, c.Data, 2) }},
	}
	for _, tt := range tests {
		tt.f() // warm the pool and the buffers
		if allocs := testing.AllocsPerRun(20, tt.f); allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", tt.name, allocs)
		}
	}
}

// TestPackRoundTrip checks packA and packB against their definitions,
// including the zero padding of partial micro-panels.
func TestPackRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const m, n, k = 11, 21, 9
	i0, i1, j0, j1, p0, p1 := 2, 11, 3, 20, 1, 8
	kc := p1 - p0
	for _, trans := range []bool{false, true} {
		a, b := gemmOperands(rng, trans, trans, m, n, k)
		opA := func(i, p int) float64 {
			if trans {
				return a.Data[p*m+i]
			}
			return a.Data[i*k+p]
		}
		opB := func(p, j int) float64 {
			if trans {
				return b.Data[j*k+p]
			}
			return b.Data[p*n+j]
		}
		ap := make([]float64, roundUp(i1-i0, gemmMR)*kc)
		for i := range ap {
			ap[i] = math.NaN() // padding must be written
		}
		packA(ap, a.Data, trans, m, k, i0, i1, p0, p1)
		for r := 0; r*gemmMR < i1-i0; r++ {
			for p := range kc {
				for i := range gemmMR {
					want := 0.0
					if row := i0 + r*gemmMR + i; row < i1 {
						want = opA(row, p0+p)
					}
					if got := ap[(r*kc+p)*gemmMR+i]; !sameFloat(got, want) {
						t.Fatalf("packA trans=%v: panel %d p %d i %d = %v, want %v", trans, r, p, i, got, want)
					}
				}
			}
		}
		bp := make([]float64, roundUp(j1-j0, gemmNR)*kc)
		for i := range bp {
			bp[i] = math.NaN()
		}
		packB(bp, b.Data, trans, n, k, p0, p1, j0, j1)
		for r := 0; r*gemmNR < j1-j0; r++ {
			for p := range kc {
				for j := range gemmNR {
					want := 0.0
					if col := j0 + r*gemmNR + j; col < j1 {
						want = opB(p0+p, col)
					}
					if got := bp[(r*kc+p)*gemmNR+j]; !sameFloat(got, want) {
						t.Fatalf("packB trans=%v: panel %d p %d j %d = %v, want %v", trans, r, p, j, got, want)
					}
				}
			}
		}
	}
}

func TestGemmPlan(t *testing.T) {
	tests := []struct {
		m, n, k, workers int
		tm, tn, tiles    int
	}{
		{1024, 1024, 1024, 1, gemmTileMaxRows, gemmNC, 2 * 4},
		{1024, 1024, 1024, 2, gemmTileMaxRows, gemmNC, 2 * 4},
		{32, 128, 256, 2, 32, 32, 4}, // an MLP batch: split the columns
		{256, 128, 32, 2, 64, 64, 8}, // the weight gradient
		{32, 128, 256, 1, 32, 128, 1},
		{40, 40, 40, 2, 40, 40, 1}, // too small to split
	}
	for _, tt := range tests {
		var j gemmJob
		j.m, j.n, j.k = tt.m, tt.n, tt.k
		j.plan(tt.workers)
		if j.tm != tt.tm || j.tn != tt.tn || j.tiles != tt.tiles {
			t.Errorf("plan(%d×%d×%d, %d workers) = %d×%d tiles, %d of them; want %d×%d, %d",
				tt.m, tt.n, tt.k, tt.workers, j.tm, j.tn, j.tiles, tt.tm, tt.tn, tt.tiles)
		}
	}
}

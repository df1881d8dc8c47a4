package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// variant is one of the kernels this machine and this build can run,
// selected by the values of AVX and FMA.
type variant struct {
	name     string
	avx, fma bool
}

func variants() []variant {
	vs := []variant{{"go", false, false}}
	if AVX {
		vs = append(vs, variant{"avx", true, false})
	}
	if FMA {
		vs = append(vs, variant{"fma", AVX, true})
	}
	return vs
}

// with runs f with the kernels of v.
func (v variant) with(f func()) {
	avx, fma := AVX, FMA
	AVX, FMA = v.avx, v.fma
	defer func() { AVX, FMA = avx, fma }()
	f()
}

// stridedLoop is the loop in the doc of Strided, each product rounded
// before it is added, or fused into its sum.
func stridedLoop(fused bool, k, runs int, a []float64, rs, ps, aj int, b []float64, bs, bj int, t *Tile) {
	for r := range runs {
		for p := range k {
			for i := range MR {
				for j := range NR {
					x, y := a[i*rs+r*aj+p*ps], b[r*bj+p*bs+j]
					if fused {
						t[i*NR+j] = math.FMA(x, y, t[i*NR+j])
					} else {
						t[i*NR+j] += float64(x * y)
					}
				}
			}
		}
	}
}

func randomTile(rng *rand.Rand) Tile {
	var t Tile
	for i := range t {
		t[i] = rng.NormFloat64()
	}
	return t
}

func normals(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// TestPacked compares Packed with the loop of its doc, from a non-zero
// tile, for every kernel: the FMA kernel with each product fused.
func TestPacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, k := range []int{1, 2, 3, 7, 64, 257} {
		a, b := normals(rng, k*MR), normals(rng, k*NR)
		start := randomTile(rng)
		for _, v := range variants() {
			want, got := start, start
			stridedLoop(v.fma, k, 1, a, 1, MR, 0, b, NR, 0, &want)
			v.with(func() { Packed(k, a, b, &got) })
			if got != want {
				t.Errorf("k=%d kernel %s: tile %v, want %v", k, v.name, got, want)
			}
		}
	}
}

// TestStrided compares Strided with the loop of its doc, on the strides of
// a packed panel, of Gemm reading a matrix in place (both ways), and of a
// convolution reading the rows of its windows in runs, with a and b
// exactly as long as the loop needs, so that a read past them panics.
func TestStrided(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	tests := []struct {
		name                string
		k, runs, rs, ps, aj int
		bs, bj              int
	}{
		{"packed", 9, 1, 1, MR, 0, NR, 0},
		{"rows", 33, 1, 40, 1, 0, NR, 0},       // a not transposed, k = 40
		{"transposed", 17, 1, 1, 50, 0, NR, 0}, // a transposed, m = 50
		{"one step", 1, 1, 3, 1, 0, NR, 0},
		{"window", 48, 3, 1024, 1, 128, NR, 80 * NR}, // 3 rows of a 5×5 window cut to 3 columns, 16 channels, images of 8×8
		{"window 1-channel", 3, 5, 256, 1, 16, NR, 5 * NR},
		{"runs of one", 1, 7, 2, 1, 5, NR, NR},
		{"b shared by runs", 4, 3, 12, 1, 4, NR, 0},
		{"b in place", 6, 4, 1, 16, 128, 32, 8 * 32}, // a gradient: 4 channels × 8 of 32 outputs of δ
		{"b repeated", 5, 2, 1, 1, 7, 0, 3},
	}
	for _, tt := range tests {
		a := normals(rng, (MR-1)*tt.rs+(tt.runs-1)*tt.aj+(tt.k-1)*tt.ps+1)
		b := normals(rng, (tt.runs-1)*tt.bj+(tt.k-1)*tt.bs+NR)
		start := randomTile(rng)
		for _, v := range variants() {
			want, got := start, start
			stridedLoop(v.fma, tt.k, tt.runs, a, tt.rs, tt.ps, tt.aj, b, tt.bs, tt.bj, &want)
			v.with(func() { Strided(tt.k, tt.runs, a, tt.rs, tt.ps, tt.aj, b, tt.bs, tt.bj, &got) })
			if got != want {
				t.Errorf("%s, kernel %s: tile %v, want %v", tt.name, v.name, got, want)
			}
		}
	}
}

// TestStridedPanics wants a panic, not a read past the operands, when a
// or b is one value short.
func TestStridedPanics(t *testing.T) {
	const k, runs, rs, ps, aj, bs, bj = 5, 2, 9, 1, 6, 12, 5 * NR
	aLen, bLen := (MR-1)*rs+(runs-1)*aj+(k-1)*ps+1, (runs-1)*bj+(k-1)*bs+NR
	for _, short := range []struct{ a, b int }{{aLen - 1, bLen}, {aLen, bLen - 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Strided with len(a) = %d of %d, len(b) = %d of %d did not panic", short.a, aLen, short.b, bLen)
				}
			}()
			var tile Tile
			Strided(k, runs, make([]float64, short.a), rs, ps, aj, make([]float64, short.b), bs, bj, &tile)
		}()
	}
}

// TestStore checks Store on whole and partial tiles, with beta 0 (c not
// read: NaNs there are overwritten) and beta ≠ 0.
func TestStore(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	const ldc = NR + 3
	tile := randomTile(rng)
	for _, v := range variants() {
		for _, size := range [][2]int{{MR, NR}, {3, NR}, {MR, 5}, {1, 1}} {
			for _, ab := range [][2]float64{{1, 0}, {-0.5, 2}} {
				rows, cols, alpha, beta := size[0], size[1], ab[0], ab[1]
				c := normals(rng, MR*ldc)
				if beta == 0 {
					for i := range c {
						c[i] = math.NaN()
					}
				}
				want := append([]float64(nil), c...)
				for i := range rows {
					for j := range cols {
						if beta == 0 {
							want[i*ldc+j] = alpha * tile[i*NR+j]
						} else {
							want[i*ldc+j] = float64(alpha*tile[i*NR+j]) + float64(beta*want[i*ldc+j])
						}
					}
				}
				v.with(func() { Store(c, ldc, rows, cols, alpha, &tile, beta) })
				for i := range c {
					if c[i] != want[i] && !(math.IsNaN(c[i]) && math.IsNaN(want[i])) {
						t.Errorf("kernel %s, %d×%d tile, alpha %v beta %v: c[%d] = %v, want %v", v.name, rows, cols, alpha, beta, i, c[i], want[i])
					}
				}
			}
		}
	}
}

// TestAddProducts compares AddProducts with Strided and an addition of
// each tile into c, for every kernel, with c exactly as long as it must be.
func TestAddProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	tests := []struct {
		name                         string
		k, runs, rs, ps, bj, ldc, cj int
	}{
		{"one run", 7, 1, 5, 1, 0, NR, 0},
		{"a row of a window", 32, 5, 2048, 1, 2 * 32 * NR, 1024, 16}, // δ of 4 images, Wᵀ packed by offset
		{"overlapping blocks", 3, 4, 1, 4, NR * 3, 10, 2},            // each run adds onto the last one's block
		{"k of one", 1, 3, 3, 2, NR, NR, NR},
	}
	for _, tt := range tests {
		a := normals(rng, (MR-1)*tt.rs+(tt.k-1)*tt.ps+1)
		b := normals(rng, (tt.runs-1)*tt.bj+tt.k*NR)
		c0 := normals(rng, (tt.runs-1)*tt.cj+(MR-1)*tt.ldc+NR)
		for _, v := range variants() {
			want := append([]float64(nil), c0...)
			for r := range tt.runs {
				var tile Tile
				stridedLoop(v.fma, tt.k, 1, a, tt.rs, tt.ps, 0, b[r*tt.bj:], NR, 0, &tile)
				for i := range MR {
					for j := range NR {
						want[r*tt.cj+i*tt.ldc+j] += tile[i*NR+j]
					}
				}
			}
			got := append([]float64(nil), c0...)
			v.with(func() { AddProducts(tt.k, tt.runs, a, tt.rs, tt.ps, b, tt.bj, got, tt.ldc, tt.cj) })
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s, kernel %s: c[%d] = %v, want %v", tt.name, v.name, i, got[i], want[i])
					break
				}
			}
		}
	}
}

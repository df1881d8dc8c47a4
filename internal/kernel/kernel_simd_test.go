//go:build goexperiment.simd && amd64

package kernel

import (
	"simd/archsimd"
	"testing"
)

func TestUseFMA(t *testing.T) {
	if want := archsimd.X86.AVX2() && archsimd.X86.FMA(); FMA != want {
		t.Errorf("FMA = %v, but AVX2 && FMA = %v", FMA, want)
	}
	if !FMA {
		t.Log("this CPU lacks AVX2 or FMA: the SIMD build runs the default kernels")
	}
}

// TestRotate checks rotate against its definition, and that it is its own
// inverse.
func TestRotate(t *testing.T) {
	var rows [4][4]float64
	for i := range 4 {
		for j := range 4 {
			rows[i][j] = float64(10*i + j)
		}
	}
	load := func(i int) f64x4 { return archsimd.LoadFloat64x4(&rows[i]) }
	c0, c1, c2, c3 := rotate(load(0), load(1), load(2), load(3))
	var got [4][4]float64
	for q, c := range []f64x4{c0, c1, c2, c3} {
		c.Store(&got[q])
		for j := range 4 {
			if want := rows[q^j][j]; got[q][j] != want {
				t.Errorf("rotated register %d lane %d = %v, want %v", q, j, got[q][j], want)
			}
		}
	}
	r0, r1, r2, r3 := rotate(c0, c1, c2, c3)
	for i, r := range []f64x4{r0, r1, r2, r3} {
		var back [4]float64
		r.Store(&back)
		if back != rows[i] {
			t.Errorf("rotated twice, row %d = %v, want %v", i, back, rows[i])
		}
	}
}

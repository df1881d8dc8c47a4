package layers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nndiy/nndiy/internal/kernel"
	"github.com/nndiy/nndiy/tensor"
)

// TestConvDirectSameAsLowered runs each pass of a convolution directly on
// the images (conv_direct.go) and through the patch matrix, and wants the
// same float64s from both: y, dx, dW and db. The cases cover 1-D and 2-D
// layers, strides, paddings wider than the window, channels that do not
// fill a tile (chanIn not a multiple of 4 keeps the lowered weight
// gradient; chanOut not a multiple of 8), and batches whose parts end with
// fewer than 4 images.
func TestConvDirectSameAsLowered(t *testing.T) {
	if !kernel.AVX {
		t.Skip("the direct passes need the AVX kernel")
	}
	tests := []struct {
		rank                              int
		batch, h, w, cin, cout, k, s, pad int
	}{
		{4, 32, 8, 8, 16, 32, 5, 1, 2},  // the second convolution of experiments/conv
		{4, 9, 16, 16, 1, 16, 5, 1, 2},  // its first, on 9 images: parts of 1 and 2
		{4, 13, 7, 6, 8, 12, 3, 2, 1},   // stride 2, chanOut not a multiple of 8
		{4, 5, 5, 4, 4, 8, 3, 1, 3},     // padding wider than the window: windows on zeros only
		{4, 6, 4, 5, 8, 8, 2, 2, 3},     // the same with the direct BackwardDelta (8 channels)
		{4, 6, 6, 9, 12, 3, 2, 3, 0},    // stride beyond the window, sizes not divided
		{4, 4, 5, 5, 3, 10, 5, 1, 0},    // window as large as the image
		{3, 11, 1, 40, 4, 32, 3, 1, 1},  // 1-D, 4 channels: the direct gradient
		{3, 7, 1, 30, 1, 32, 3, 2, 0},   // 1-D, the course's layer with stride 2
		{3, 33, 1, 256, 1, 32, 3, 1, 0}, // the course's Conv1D on a batch of 33
	}
	for _, tt := range tests {
		name := fmt.Sprintf("rank%d b%d %dx%d %d→%d k%d s%d p%d", tt.rank, tt.batch, tt.h, tt.w, tt.cin, tt.cout, tt.k, tt.s, tt.pad)
		t.Run(name, func(t *testing.T) {
			// A layer for each way, from the same draws: a way must not
			// find the other's results in the layer's buffers. Each layer
			// runs twice, so that the second run finds its own.
			layer := func() (Module, *convCore) {
				rng := rand.New(rand.NewPCG(uint64(tt.batch), uint64(tt.cin)))
				if tt.rank == 3 {
					l := NewConv1D(tt.k, tt.cin, tt.cout, tt.s, rng, WithPadding(tt.pad))
					return l, &l.conv
				}
				l := NewConv2D(tt.k, tt.k, tt.cin, tt.cout, tt.s, rng, WithPadding(tt.pad))
				return l, &l.conv
			}
			rng := rand.New(rand.NewPCG(uint64(tt.batch), 99))
			x := tensor.New(tt.batch, tt.h, tt.w, tt.cin)
			outShape := []int{tt.batch, (tt.h+2*tt.pad-tt.k)/tt.s + 1, (tt.w+2*tt.pad-tt.k)/tt.s + 1, tt.cout}
			if tt.rank == 3 {
				x = tensor.New(tt.batch, tt.w, tt.cin)
				outShape = []int{tt.batch, (tt.w+2*tt.pad-tt.k)/tt.s + 1, tt.cout}
			}
			x.FillNormal(rng, 0, 1)
			x.Data[0] = math.Copysign(0, -1) // a −0 among the inputs
			delta := tensor.New(outShape...).FillNormal(rng, 0, 1)

			type result struct{ y, dx, dw, db *tensor.Tensor }
			run := func(direct bool) result {
				defer func(old bool) { convDirect = old }(convDirect)
				convDirect = direct
				m, c := layer()
				var r result
				for range 2 {
					r.y = m.Forward(x).Clone()
					m.ZeroGrad()
					m.BackwardUpdateGradient(x, delta)
					r.dw, r.db = c.weight.Grad.Clone(), c.bias.Grad.Clone()
					r.dx = m.BackwardDelta(x, delta).Clone()
				}
				return r
			}
			lowered, direct := run(false), run(true)
			for _, v := range []struct {
				what      string
				got, want *tensor.Tensor
			}{
				{"y", direct.y, lowered.y}, {"dx", direct.dx, lowered.dx},
				{"dW", direct.dw, lowered.dw}, {"db", direct.db, lowered.db},
			} {
				if !tensor.SameShape(v.got, v.want) {
					t.Fatalf("%s: shape %v, want %v", v.what, v.got.Shape, v.want.Shape)
				}
				for i, g := range v.got.Data {
					if w := v.want.Data[i]; math.Float64bits(g) != math.Float64bits(w) {
						t.Fatalf("%s[%d] = %v directly, %v lowered", v.what, i, g, w)
					}
				}
			}
		})
	}
}

// BenchmarkConvPasses times each pass of the convolutions of
// experiments/conv's two networks, lowered (im2col and Gemm) and direct,
// the two ways alternating call by call so that both see the same
// machine, and reports each pass's mean time in µs:
//
//	go test ./layers -run '^$' -bench ConvPasses -cpu 1 -count 3
func BenchmarkConvPasses(b *testing.B) {
	if !kernel.AVX {
		b.Skip("the direct passes need the AVX kernel")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name string
		m    Module
		x    *tensor.Tensor
	}{
		{"Conv1D_k3_1to32_len256", NewConv1D(3, 1, 32, 1, rng), tensor.New(32, 256, 1)},
		{"Conv2D_5x5_1to16_16x16_pad2", NewConv2D(5, 5, 1, 16, 1, rng, WithPadding(2)), tensor.New(32, 16, 16, 1)},
		{"Conv2D_5x5_16to32_8x8_pad2", NewConv2D(5, 5, 16, 32, 1, rng, WithPadding(2)), tensor.New(32, 8, 8, 16)},
	}
	defer func(old bool) { convDirect = old }(convDirect)
	for _, c := range cases {
		c.x.FillUniform(rng, -1, 1)
		delta := c.m.Forward(c.x).Clone().FillUniform(rng, -1, 1)
		b.Run(c.name, func(b *testing.B) {
			var took [2][3]time.Duration // lowered, direct × Forward, gradient, BackwardDelta
			for b.Loop() {
				for _, direct := range []bool{false, true} {
					convDirect = direct
					way := &took[0]
					if direct {
						way = &took[1]
					}
					t0 := time.Now()
					c.m.Forward(c.x)
					t1 := time.Now()
					c.m.BackwardUpdateGradient(c.x, delta)
					t2 := time.Now()
					c.m.BackwardDelta(c.x, delta)
					way[0] += t1.Sub(t0)
					way[1] += t2.Sub(t1)
					way[2] += time.Since(t2)
				}
			}
			for i, way := range []string{"lowered", "direct"} {
				for j, pass := range []string{"fwd", "grad", "delta"} {
					b.ReportMetric(float64(took[i][j].Microseconds())/float64(b.N), way+"-"+pass+"-µs")
				}
			}
		})
	}
}

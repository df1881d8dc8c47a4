package digits

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/tensor"
)

// Shift sets the 16×16 image dst to src moved by dx pixels to the right and
// dy down, the pixels moved in from outside set to 0 (the background).
// dst and src must not overlap.
func Shift(dst, src []float64, dx, dy int) {
	const s = data.USPSSide
	for r := range s {
		for c := range s {
			sr, sc := r-dy, c-dx
			v := 0.0
			if sr >= 0 && sr < s && sc >= 0 && sc < s {
				v = src[sr*s+sc]
			}
			dst[r*s+c] = v
		}
	}
}

// Augment sets each image (row) of dst to the same row of src shifted by a
// random number of pixels in −maxShift … maxShift along each axis, drawn
// uniformly from rng: the cheapest data augmentation of digits, which
// teaches a network that a digit moved by a pixel is the same digit.
// dst and src are n×256 and must not overlap.
func Augment(dst, src *tensor.Tensor, maxShift int, rng *rand.Rand) {
	if !tensor.SameShape(dst, src) || src.Cols() != data.USPSPixels {
		panic(fmt.Sprintf("digits.Augment: dst shape %v and src shape %v, need both n×256", dst.Shape, src.Shape))
	}
	for i := range src.Rows() {
		dx, dy := rng.IntN(2*maxShift+1)-maxShift, rng.IntN(2*maxShift+1)-maxShift
		Shift(row(dst, i), row(src, i), dx, dy)
	}
}

func row(t *tensor.Tensor, i int) []float64 {
	return t.Data[i*data.USPSPixels : (i+1)*data.USPSPixels]
}

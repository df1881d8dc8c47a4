package digits

import (
	"fmt"
	"math"
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

// A Warp is a small affine distortion of a 16×16 digit about the centre of
// the image: a rotation by Angle radians (clockwise as the image is drawn,
// since its rows go down), a scaling by Scale (1 leaves the size), then a
// shift by DX pixels to the right and DY down. The zero Warp is not the
// identity (Scale 0 shrinks the digit to a point): use Identity.
type Warp struct {
	Angle, Scale, DX, DY float64
}

// Identity is the Warp that leaves an image as it is.
var Identity = Warp{Scale: 1}

// Apply sets the 16×16 image dst to src distorted by w. Each pixel of dst
// is read from src at the point w maps onto it, found by inverting w, and
// interpolated between the four pixels around that point (bilinear
// interpolation); points outside src read 0 (the background). With the
// identity, or a whole-pixel shift, every point falls on a pixel and dst is
// src, or src shifted as by Shift, exactly. dst and src must not overlap.
func (w Warp) Apply(dst, src []float64) { w.apply(dst, src, nil) }

// apply is Apply with each pixel of dst first moved by the field's
// displacement at that pixel (none for a nil field), then read through w.
func (w Warp) apply(dst, src []float64, field *Field) {
	const s = data.USPSSide
	const centre = (s - 1) / 2.0 // 7.5, between the two middle pixels
	// The inverse of "rotate by a then scale by k": rotate by −a and divide
	// by k. Products are converted to float64 before they are added, so
	// that no platform fuses them (FMA) and every machine gets the same bits.
	sin, cos := math.Sincos(w.Angle)
	sin, cos = sin/w.Scale, cos/w.Scale
	at := func(r, c int) float64 {
		if r < 0 || r >= s || c < 0 || c >= s {
			return 0
		}
		return src[r*s+c]
	}
	for r := range s {
		for c := range s {
			x, y := float64(c), float64(r)
			if field != nil {
				x, y = x+field.DX[r*s+c], y+field.DY[r*s+c]
			}
			x, y = x-centre-w.DX, y-centre-w.DY
			sx := float64(cos*x) + float64(sin*y) + centre
			sy := float64(cos*y) - float64(sin*x) + centre
			c0, r0 := math.Floor(sx), math.Floor(sy)
			fx, fy := sx-c0, sy-r0
			ic, ir := int(c0), int(r0)
			top := float64((1-fx)*at(ir, ic)) + float64(fx*at(ir, ic+1))
			bottom := float64((1-fx)*at(ir+1, ic)) + float64(fx*at(ir+1, ic+1))
			dst[r*s+c] = float64((1-fy)*top) + float64(fy*bottom)
		}
	}
}

// A Distortion draws random Warps: an angle uniform in ±MaxDegrees degrees,
// a scale uniform in 1 ± MaxScale, and a shift uniform in ±MaxShift pixels
// along each axis (not only whole pixels). With Elastic above 0, Distort
// also bends each digit by a random Field drawn by DrawField(Elastic,
// Sigma): an elastic distortion.
type Distortion struct {
	MaxDegrees, MaxScale, MaxShift float64
	Elastic, Sigma                 float64
}

// Draw returns a Warp drawn from rng, always four numbers in the same
// order, so that a seed gives the same Warps.
func (d Distortion) Draw(rng *rand.Rand) Warp {
	u := func(m float64) float64 { return m * (2*rng.Float64() - 1) }
	return Warp{
		Angle: u(d.MaxDegrees) * math.Pi / 180,
		Scale: 1 + u(d.MaxScale),
		DX:    u(d.MaxShift),
		DY:    u(d.MaxShift),
	}
}

// String describes d in words, as a run's summary prints it.
func (d Distortion) String() string {
	pixels := "pixels"
	if d.MaxShift == 1 {
		pixels = "pixel"
	}
	desc := fmt.Sprintf("rotated by up to %g°, scaled by up to %g %%, shifted by up to %g %s", d.MaxDegrees, 100*d.MaxScale, d.MaxShift, pixels)
	if d.Elastic > 0 {
		desc += fmt.Sprintf(", bent by an elastic field (α = %g, σ = %g pixels)", d.Elastic, d.Sigma)
	}
	return desc
}

// Distort sets each image (row) of dst to the same row of src distorted by
// a Warp drawn from d with rng, the richer cousin of Augment: small
// rotations and scalings as well as shifts, the changes of a digit
// written by another hand. dst and src are n×256 and must not overlap.
func Distort(dst, src *tensor.Tensor, d Distortion, rng *rand.Rand) {
	if !tensor.SameShape(dst, src) || src.Cols() != data.USPSPixels {
		panic(fmt.Sprintf("digits.Distort: dst shape %v and src shape %v, need both n×256", dst.Shape, src.Shape))
	}
	var field *Field
	var kernel []float64
	if d.Elastic > 0 {
		field, kernel = new(Field), gaussian(d.Sigma)
	}
	for i := range src.Rows() {
		w := d.Draw(rng)
		if field != nil {
			field.draw(d.Elastic, kernel, rng)
		}
		w.apply(row(dst, i), row(src, i), field)
	}
}

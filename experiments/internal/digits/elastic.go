package digits

import (
	"math"
	"math/rand/v2"

	"github.com/nndiy/nndiy/data"
)

// A Field is an elastic distortion of a 16×16 digit (Simard, Steinkraus
// and Platt, "Best practices for convolutional neural networks applied to
// visual document analysis", 2003): pixel i of the distorted digit is
// read DX[i] pixels to the right and DY[i] pixels below where it is. Each
// displacement is random, but neighbouring pixels move nearly alike, so
// that strokes bend and thicken, as another hand would draw them, rather
// than break into noise.
type Field struct {
	DX, DY [data.USPSPixels]float64
}

// Draw sets f to a new random field from rng, as Simard et al. draw it:
// every displacement uniform in −1 … 1, then each of the two maps smoothed
// by a Gaussian of standard deviation sigma pixels (zero outside the
// image), then scaled by alpha pixels. A small sigma gives a field of
// independent jitters, a large one a field that barely varies, nearly a
// shift; in between, with alpha a few times sigma, strokes bend. Draw uses
// 512 numbers from rng, the DX map first, in row-major order.
func (f *Field) Draw(alpha, sigma float64, rng *rand.Rand) {
	f.draw(alpha, gaussian(sigma), rng)
}

// draw is Draw with the Gaussian's weights computed once by the caller
// (Distort draws a field for every image).
func (f *Field) draw(alpha float64, kernel []float64, rng *rand.Rand) {
	for i := range f.DX {
		f.DX[i] = 2*rng.Float64() - 1
	}
	for i := range f.DY {
		f.DY[i] = 2*rng.Float64() - 1
	}
	smooth(&f.DX, kernel, alpha)
	smooth(&f.DY, kernel, alpha)
}

// gaussian returns the weights of a Gaussian of standard deviation sigma
// at −r … r, r = ⌈3σ⌉, normalised to sum to 1.
func gaussian(sigma float64) []float64 {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	return k
}

// smooth convolves the 16×16 map m with the Gaussian kernel along the
// rows, then along the columns (a 2-D Gaussian is the product of two 1-D
// ones), reading 0 outside the image, and scales it by alpha.
func smooth(m *[data.USPSPixels]float64, kernel []float64, alpha float64) {
	var rows [data.USPSPixels]float64
	blur(&rows, m, kernel, 1)
	blur(m, &rows, kernel, data.USPSSide)
	for i := range m {
		m[i] *= alpha
	}
}

// blur sets dst to the 16×16 map src convolved with kernel along one
// axis: along the rows for step 1, along the columns for step 16 (the
// distance between neighbours on that axis), reading 0 outside the image.
// Products are rounded before they are added (float64(…)), so that no
// platform fuses them and every machine draws the same field.
func blur(dst, src *[data.USPSPixels]float64, kernel []float64, step int) {
	const s = data.USPSSide
	r := len(kernel) / 2
	for i := range dst {
		at := i % s // the pixel's place along the axis
		if step == s {
			at = i / s
		}
		sum := 0.0
		for j, w := range kernel {
			if q := at + j - r; q >= 0 && q < s {
				sum += float64(w * src[i+(j-r)*step])
			}
		}
		dst[i] = sum
	}
}

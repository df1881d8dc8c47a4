// Norm, log, exp and Sincos follow the Go distribution's math/rand/v2 and
// math (Go 1.26), with explicit roundings added.
// Copyright 2009 The Go Authors. All rights reserved. Use of this source code
// is governed by a BSD-style license that can be found in Go's LICENSE file.

package portable

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
)

// Norm returns a standard normal deviate (mean 0, standard deviation 1)
// drawn with rng by math/rand/v2's ziggurat (Marsaglia and Tsang, 2000). It
// takes the same values from rng as rng.NormFloat64() and returns what that
// returns on amd64, on every architecture.
func Norm(rng *rand.Rand) float64 {
	const rn = 3.442619855899 // where the tail starts
	for {
		u := rng.Uint64()
		j := int32(u) // possibly negative
		i := u >> 32 & 0x7F
		x := float64(j) * float64(wn[i])
		if absInt32(j) < kn[i] {
			// The fast path, better than 99% of the draws.
			return x
		}
		if i == 0 {
			// The tail beyond rn, by Marsaglia's method.
			for {
				// x is rounded: it is a product, and rn + x below a sum.
				x = float64(-log(rng.Float64()) * (1.0 / rn))
				y := -log(rng.Float64())
				if y+y >= float64(x*x) {
					break
				}
			}
			if j > 0 {
				return rn + x
			}
			return -rn - x
		}
		// A wedge: accept x under the density. The product is rounded to
		// float32 before the sum, as amd64 computes it.
		if fn[i]+float32(float32(rng.Float64())*(fn[i-1]-fn[i])) < float32(exp(-.5*x*x)) {
			return x
		}
	}
}

func absInt32(i int32) uint32 {
	if i < 0 {
		return uint32(-i)
	}
	return uint32(i)
}

// log returns the natural logarithm of x > 0, math.Log's algorithm (FreeBSD's
// e_log.c), which math.Log's amd64 assembly computes in the same order.
func log(x float64) float64 {
	const (
		Ln2Hi = 6.93147180369123816490e-01 // 3fe62e42 fee00000
		Ln2Lo = 1.90821492927058770002e-10 // 3dea39ef 35793c76
		L1    = 6.666666666666735130e-01   // 3FE55555 55555593
		L2    = 3.999999999940941908e-01   // 3FD99999 9997FA04
		L3    = 2.857142874366239149e-01   // 3FD24924 94229359
		L4    = 2.222219843214978396e-01   // 3FCC71C5 1D8E78AF
		L5    = 1.818357216161805012e-01   // 3FC74664 96CB03DE
		L6    = 1.531383769920937332e-01   // 3FC39A09 D078C69F
		L7    = 1.479819860511658591e-01   // 3FC2F112 DF3E5244
	)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}

	// x = 2ᵏ·(1 + f) with √2/2 ≤ 1 + f < √2.
	f1, ki := math.Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)

	// log(1 + f) = 2s + s·R(s²) with s = f/(2 + f); every product that
	// feeds a sum is rounded.
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	t1 := float64(s2 * (L1 + float64(s4*(L3+float64(s4*(L5+float64(s4*L7)))))))
	t2 := float64(s4 * (L2 + float64(s4*(L4+float64(s4*L6)))))
	R := t1 + t2
	hfsq := float64(0.5 * f * f)
	return float64(k*Ln2Hi) - ((hfsq - (float64(s*(hfsq+R)) + float64(k*Ln2Lo))) - f)
}

// exp returns eˣ, math.Exp's portable Go algorithm (FreeBSD's e_exp.c) with
// every product that feeds a sum rounded. (math.Exp's amd64 and arm64
// assembly differ from it and from each other in the last bit.)
func exp(x float64) float64 {
	const (
		Ln2Hi = 6.93147180369123816490e-01
		Ln2Lo = 1.90821492927058770002e-10
		Log2e = 1.44269504088896338700e+00

		Overflow  = 7.09782712893383973096e+02
		Underflow = -7.45133219101941108420e+02
		NearZero  = 1.0 / (1 << 28) // 2⁻²⁸

		P1 = 1.66666666666666657415e-01  // 0x3FC55555; 0x55555555
		P2 = -2.77777777770155933842e-03 // 0xBF66C16C; 0x16BEBD93
		P3 = 6.61375632143793436117e-05  // 0x3F11566A; 0xAF25DE2C
		P4 = -1.65339022054652515390e-06 // 0xBEBBBD41; 0xC5D26BF1
		P5 = 4.13813679705723846039e-08  // 0x3E663769; 0x72BEA4D0
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > Overflow:
		return math.Inf(1)
	case x < Underflow:
		return 0
	case -NearZero < x && x < NearZero:
		return 1 + x
	}

	// x = k·ln 2 + r with |r| ≤ ln(2)/2, r computed as hi − lo.
	var k int
	switch {
	case x < 0:
		k = int(float64(Log2e*x) - 0.5)
	case x > 0:
		k = int(float64(Log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*Ln2Hi)
	lo := float64(float64(k) * Ln2Lo)

	// eʳ by a rational approximation, then eˣ = 2ᵏ·eʳ.
	r := hi - lo
	t := r * r
	c := r - float64(t*(P1+float64(t*(P2+float64(t*(P3+float64(t*(P4+float64(t*P5)))))))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

// Sincos returns sin x and cos x as math.Sincos computes them on amd64, on
// every architecture, for |x| < 2²⁹. Larger arguments (a spiral of 85
// million turns) are passed on to math.Sincos, whose Payne–Hanek reduction
// this copy leaves out, and may differ in the last bit between
// architectures.
//
// Special cases are:
//
//	Sincos(±0) = ±0, 1
//	Sincos(±Inf) = NaN, NaN
//	Sincos(NaN) = NaN, NaN
func Sincos(x float64) (sin, cos float64) {
	const (
		PI4A = 7.85398125648498535156e-1  // 0x3fe921fb40000000, π/4 split into three parts
		PI4B = 3.77489470793079817668e-8  // 0x3e64442d00000000,
		PI4C = 2.69515142907905952645e-15 // 0x3ce8469898cc5170,

		reduceThreshold = 1 << 29
	)
	switch {
	case x == 0:
		return x, 1 // ±0, 1
	case math.IsNaN(x) || math.IsInf(x, 0):
		return math.NaN(), math.NaN()
	case math.Abs(x) >= reduceThreshold:
		return math.Sincos(x)
	}

	// Make the argument positive.
	sinSign, cosSign := false, false
	if x < 0 {
		x = -x
		sinSign = true
	}

	// z = x − y·π/4 in extended precision, where y is the integer part of
	// x/(π/4) rounded up to even: the octant j mod 8.
	j := uint64(x * (4 / math.Pi))
	y := float64(j)
	if j&1 == 1 { // map zeros to origin
		j++
		y++
	}
	j &= 7
	z := ((x - float64(y*PI4A)) - float64(y*PI4B)) - float64(y*PI4C)
	if j > 3 { // reflect in x axis
		j -= 4
		sinSign, cosSign = !sinSign, !cosSign
	}
	if j > 1 {
		cosSign = !cosSign
	}

	// The Cephes polynomials on |z| ≤ π/4:
	// cos z = 1 − z²/2 + z⁴·C(z²) and sin z = z + z³·S(z²).
	zz := z * z
	cos = (1.0 - float64(0.5*zz)) + float64(zz*zz*horner(&cosCoef, zz))
	sin = z + float64(z*zz*horner(&sinCoef, zz))
	if j == 1 || j == 2 {
		sin, cos = cos, sin
	}
	if cosSign {
		cos = -cos
	}
	if sinSign {
		sin = -sin
	}
	return sin, cos
}

// horner returns c[0]·z⁵ + c[1]·z⁴ + … + c[5] by Horner's rule,
// ((c[0]·z + c[1])·z + c[2])…, rounding each product before its sum.
func horner(c *[6]float64, z float64) float64 {
	p := c[0]
	for _, ck := range c[1:] {
		p = float64(p*z) + ck
	}
	return p
}

// math's _sin and _cos, the coefficients of S and C.
var sinCoef = [6]float64{
	1.58962301576546568060e-10, // 0x3de5d8fd1fd19ccd
	-2.50507477628578072866e-8, // 0xbe5ae5e5a9291f5d
	2.75573136213857245213e-6,  // 0x3ec71de3567d48a1
	-1.98412698295895385996e-4, // 0xbf2a01a019bfdf03
	8.33333333332211858878e-3,  // 0x3f8111111110f7d0
	-1.66666666666666307295e-1, // 0xbfc5555555555548
}

var cosCoef = [6]float64{
	-1.13585365213876817300e-11, // 0xbda8fa49a0861a9b
	2.08757008419747316778e-9,   // 0x3e21ee9d7b4e3f05
	-2.75573141792967388112e-7,  // 0xbe927e4f7eac4bc6
	2.48015872888517045348e-5,   // 0x3efa01a019c844f5
	-1.38888888888730564116e-3,  // 0xbf56c16c16c14f91
	4.16666666666665929218e-2,   // 0x3fa555555555554b
}

// Fingerprint returns the first 16 hexadecimal digits of the SHA-256 of the
// values' bits, each float64 as 8 little-endian bytes, in order. Tests pin
// a generator's output with it, so that a change of a single bit on any
// architecture is caught.
func Fingerprint(values ...[]float64) string {
	h := sha256.New()
	var b [8]byte
	for _, v := range values {
		for _, x := range v {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

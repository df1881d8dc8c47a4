//go:build goexperiment.simd && amd64 && !amd64.v3

package vmath

import (
	"math"
	"simd/archsimd"
)

// This file is the SIMD build's: four float64 lanes per 256-bit register
// (archsimd.Float64x4), each lane going through the same rounded operations
// as math's scalar code, in the same order. A lane's a·b + c is fused into
// one rounding (MulAdd) exactly where math fuses it (only in Exp, whose
// assembly uses VFMADD on CPUs with FMA) and rounded twice everywhere else.
// The comments quote the scalar code each step mirrors. The tests compare
// every function with math, bit for bit, on millions of arguments.

// Enabled reports whether the functions of this package run the SIMD
// kernels: the CPU must have AVX2 and FMA, and AVX, as Go's runtime sees
// them (GODEBUG=cpu.fma=off, say, turns them off). math.Exp takes its FMA
// path exactly when AVX and FMA are on, and Exp4 is that path. Tests may
// switch it off.
var Enabled = archsimd.X86.AVX() && archsimd.X86.AVX2() && archsimd.X86.FMA()

// F64x4 is a register of four float64 lanes.
type F64x4 = archsimd.Float64x4

type u64x4 = archsimd.Uint64x4

func splat(x float64) F64x4 { return archsimd.BroadcastFloat64x4(x) }
func splatU(x uint64) u64x4 { return archsimd.BroadcastUint64x4(x) }

const (
	signBit  = 1 << 63
	mantMask = 1<<52 - 1
	// twoTo52 is 2⁵²: for an integer 0 ≤ e < 2⁵², the float64 whose bits
	// are those of 2⁵² OR e is 2⁵² + e, so subtracting 2⁵² converts e to a
	// float64 exactly (AVX2 has no int64 → float64 conversion).
	twoTo52     = 1 << 52
	twoTo52Bits = 0x4330000000000000
)

// The constants of the kernels, broadcast to four lanes once: a register
// loaded from memory costs one instruction, a broadcast three. They are set
// only where the kernels run, as a broadcast is an AVX2 instruction.
var (
	uZero, uOne, uSignBit, uMantMask, uTwoTo52Bits      u64x4
	vZero, vOne, vTwo, vHalf, vMinusOne, vInf, vTwoTo52 F64x4

	// Exp
	vExpMin, vExpMax, vLog2e, vNegExpLn2U, vNegExpLn2L, vSixteenth, vRoundMagic F64x4
	uExpBias                                                                    u64x4
	vExpTaylor                                                                  [len(expTaylor)]F64x4

	// Log and Log1p
	vLg1, vLg2, vLg3, vLg4, vLg5, vLg6, vLg7, vLn2Hi, vLn2Lo F64x4
	vLogBias, vHalfSqrt2                                     F64x4
	vLog1pBias, vLog1pSmall, vLog1pTiny, vTwo53              F64x4
	vSqrt2M1, vSqrt2HalfM1                                   F64x4
	uHalfExp, uOneExp, uSqrt2Mant, uTwoTo52                  u64x4

	// Tanh
	vTanhBig, vTanhMid, vTanhP0, vTanhP1, vTanhP2, vTanhQ0, vTanhQ1, vTanhQ2 F64x4
)

func init() {
	if !Enabled {
		return
	}
	uExpBias = splatU(1023)
	uHalfExp = splatU(0x3fe0000000000000)
	uMantMask = splatU(mantMask)
	uOne = splatU(1)
	uOneExp = splatU(0x3ff0000000000000)
	uSignBit = splatU(signBit)
	uSqrt2Mant = splatU(log1pSqrt2Mant)
	uTwoTo52 = splatU(1 << 52)
	uTwoTo52Bits = splatU(twoTo52Bits)
	uZero = splatU(0)
	vExpMax = splat(expMax)
	vExpMin = splat(expMin)
	vHalf = splat(0.5)
	vHalfSqrt2 = splat(logHalfSqrt2)
	vInf = splat(math.Inf(1))
	vLg1 = splat(lg1)
	vLg2 = splat(lg2)
	vLg3 = splat(lg3)
	vLg4 = splat(lg4)
	vLg5 = splat(lg5)
	vLg6 = splat(lg6)
	vLg7 = splat(lg7)
	vLn2Hi = splat(ln2Hi)
	vLn2Lo = splat(ln2Lo)
	vLog1pBias = splat(1023)
	vLog1pSmall = splat(log1pSmall)
	vLog1pTiny = splat(log1pTiny)
	vLog2e = splat(expLog2e)
	vLogBias = splat(0x3FE)
	vMinusOne = splat(-1)
	vNegExpLn2L = splat(-expLn2L)
	vNegExpLn2U = splat(-expLn2U)
	vOne = splat(1)
	vRoundMagic = splat(1.5 * twoTo52)
	vSixteenth = splat(0.0625)
	vSqrt2HalfM1 = splat(log1pSqrt2HalfM1)
	vSqrt2M1 = splat(log1pSqrt2M1)
	vTanhBig = splat(0.5 * tanhMaxLog)
	vTanhMid = splat(0.625)
	vTanhP0 = splat(tanhP[0])
	vTanhP1 = splat(tanhP[1])
	vTanhP2 = splat(tanhP[2])
	vTanhQ0 = splat(tanhQ[0])
	vTanhQ1 = splat(tanhQ[1])
	vTanhQ2 = splat(tanhQ[2])
	vTwo = splat(2)
	vTwo53 = splat(log1pTwo53)
	vTwoTo52 = splat(twoTo52)
	vZero = splat(0)
	for i, c := range expTaylor {
		vExpTaylor[i] = splat(c)
	}
}

// scalar4 returns f applied to each lane of x: the way out for the lanes
// that leave a kernel's main path.
func scalar4(f func(float64) float64, x F64x4) F64x4 {
	var a [4]float64
	x.Store(&a)
	for i := range a {
		a[i] = f(a[i])
	}
	return archsimd.LoadFloat64x4(&a)
}

// abs clears the sign bits.
func abs(x F64x4) F64x4 {
	return x.AsUint64x4().AndNot(uSignBit).AsFloat64x4()
}

// exponentAsFloat returns the biased exponent field of each lane of bits
// (bits 52 to 62, the sign bit must be 0) as a float64.
func exponentAsFloat(bits u64x4) F64x4 {
	return bits.ShiftAllRight(52).Or(uTwoTo52Bits).AsFloat64x4().Sub(vTwoTo52)
}

// Constants of exp_amd64.s.
const (
	expLog2e = 1.4426950408889634073599246810018920        // 1/ln 2
	expLn2U  = 0.69314718055966295651160180568695068359375 // upper half of ln 2
	expLn2L  = 0.28235290563031577122588448175013436025525412068e-12
	// exp4 is valid from expMin to expMax: there 2ᵏ is a normal number
	// (−1021 ≤ k ≤ 1023) and archExp neither overflows nor takes its
	// subnormal path.
	expMin = -708
	expMax = 709
)

// expTaylor are the coefficients 1/8!, 1/7!, …, 1/2!, 1/1! of archExp's
// polynomial, highest degree first.
var expTaylor = [...]float64{
	2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3,
	8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1,
	0.5, 1.0,
}

// Exp4 returns math.Exp of each lane.
func Exp4(x F64x4) F64x4 {
	if x.GreaterEqual(vExpMin).And(x.LessEqual(vExpMax)).ToBits() != 0xf {
		return scalar4(math.Exp, x) // NaN, ±Inf, overflow, subnormal results
	}
	return exp4(x)
}

// exp4 is archExp's FMA path for lanes in [expMin, expMax].
func exp4(x F64x4) F64x4 {
	// k = round(x·log₂e), ties to even as CVTSD2SL rounds.
	k := vLog2e.Mul(x).RoundToEven()
	// r = x − k·ln2U − k·ln2L, each step one VFNMADD231SD; k·(−c) + r
	// rounds as −(k·c) + r does.
	r := k.MulAdd(vNegExpLn2U, x)
	r = k.MulAdd(vNegExpLn2L, r)
	r = r.Mul(vSixteenth) // exp(r) = exp(r/16)¹⁶
	// p = Taylor polynomial of (exp(r) − 1)/r, Horner with VFMADD213SD.
	c := &vExpTaylor
	p := c[0].MulAdd(r, c[1]).MulAdd(r, c[2]).MulAdd(r, c[3]).MulAdd(r, c[4]).
		MulAdd(r, c[5]).MulAdd(r, c[6]).MulAdd(r, c[7])
	// y = exp(r) − 1, squared four times by (y+1)² − 1 = y·(y + 2), the
	// last one fused with the + 1.
	y := r.Mul(p)
	two := vTwo
	y = y.Mul(y.Add(two))
	y = y.Mul(y.Add(two))
	y = y.Mul(y.Add(two))
	y = y.MulAdd(y.Add(two), vOne)
	// × 2ᵏ: k + 1.5·2⁵² holds k in its low bits; (k + 1023) << 52 are the
	// bits of 2ᵏ.
	scale := k.Add(vRoundMagic).AsUint64x4().Add(uExpBias).ShiftAllLeft(52)
	return y.Mul(scale.AsFloat64x4())
}

// Constants of log_amd64.s and log1p.go.
const (
	logHalfSqrt2 = 7.07106781186547524401e-01 // √2/2
	ln2Hi        = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo        = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
	lg1          = 6.666666666666735130e-01   // 0x3FE5555555555593
	lg2          = 3.999999999940941908e-01   // 0x3FD999999997FA04
	lg3          = 2.857142874366239149e-01   // 0x3FD2492494229359
	lg4          = 2.222219843214978396e-01   // 0x3FCC71C51D8E78AF
	lg5          = 1.818357216161805012e-01   // 0x3FC7466496CB03DE
	lg6          = 1.531383769920937332e-01   // 0x3FC39A09D078C69F
	lg7          = 1.479819860511658591e-01   // 0x3FC2F112DF3E5244
)

// Log4 returns math.Log of each lane.
func Log4(x F64x4) F64x4 {
	if x.Greater(vZero).And(x.Less(vInf)).ToBits() != 0xf {
		return scalar4(math.Log, x) // 0, negative, +Inf, NaN
	}
	return log4(x)
}

// log4 is archLog for positive finite lanes (subnormal ones included:
// archLog reads their exponent field as it is, and so does log4).
func log4(x F64x4) F64x4 {
	one := vOne
	bits := x.AsUint64x4()
	// f1, k := frexp(x) by bits: f1 in [0.5, 1), k = exponent − 0x3FE.
	f1 := bits.And(uMantMask).Or(uHalfExp).AsFloat64x4()
	k := exponentAsFloat(bits.AndNot(uSignBit)).Sub(vLogBias)
	// if !(√2/2 < f1) { k -= 1; f1 *= 2 } as CMPSD NLT, ANDPD with 1.0.
	m := one.Masked(f1.LessEqual(vHalfSqrt2))
	k = k.Sub(m)
	f1 = f1.Mul(m.Add(one))
	f := f1.Sub(one)
	s := f.Div(vTwo.Add(f))
	s2 := s.Mul(s)
	s4 := s2.Mul(s2)
	// t1 = s2·(L1 + s4·(L3 + s4·(L5 + s4·L7)))
	t1 := vLg7.Mul(s4).Add(vLg5).Mul(s4).Add(vLg3).Mul(s4).Add(vLg1).Mul(s2)
	// t2 = s4·(L2 + s4·(L4 + s4·L6))
	t2 := vLg6.Mul(s4).Add(vLg4).Mul(s4).Add(vLg2).Mul(s4)
	R := t1.Add(t2)
	hfsq := vHalf.Mul(f).Mul(f)
	// k·Ln2Hi − ((hfsq − (s·(hfsq + R) + k·Ln2Lo)) − f)
	t := s.Mul(R.Add(hfsq)).Add(vLn2Lo.Mul(k))
	return k.Mul(vLn2Hi).Sub(hfsq.Sub(t).Sub(f))
}

// Constants of log1p.go.
const (
	log1pSqrt2M1     = 4.142135623730950488017e-01  // √2 − 1
	log1pSqrt2HalfM1 = -2.928932188134524755992e-01 // √2/2 − 1
	log1pSmall       = 1.0 / (1 << 29)              // 2⁻²⁹
	log1pTiny        = 1.0 / (1 << 54)              // 2⁻⁵⁴
	log1pTwo53       = 1 << 53
	log1pSqrt2Mant   = 0x0006a09e667f3bcd // mantissa bits of √2
)

// Log1p4 returns math.Log1p of each lane.
func Log1p4(x F64x4) F64x4 {
	one, zero := vOne, vZero
	absx := abs(x)
	// The main path needs −1 < x < 2⁵³ (not NaN): log1p's other cases.
	if x.Greater(vMinusOne).And(absx.Less(vTwo53)).ToBits() != 0xf {
		return scalar4(math.Log1p, x)
	}
	// k = 0 where √2/2 − 1 < x < √2 − 1: f = x, no correction.
	k0 := absx.Less(vSqrt2M1).And(x.Greater(vSqrt2HalfM1))

	// Elsewhere: u = 1 + x = 2ᵏ·(1 + f) and the rounding error of u,
	// c = (1 − (u − x))/u if k > 0, (x − (u − 1))/u otherwise.
	u := one.Add(x)
	iu := u.AsUint64x4()
	k := exponentAsFloat(iu).Sub(vLog1pBias)
	c := one.Sub(u.Sub(x)).Merge(x.Sub(u.Sub(one)), k.Greater(zero)).Div(u)
	iu = iu.And(uMantMask)
	// if iu < mantissa of √2 { u = 1.mantissa } else { k++; u = 0.5 × 1.mantissa; iu = (2⁵² − iu) >> 2 }
	big := iu.GreaterEqual(uSqrt2Mant)
	u = iu.Or(uHalfExp).Merge(iu.Or(uOneExp), big).AsFloat64x4()
	k = k.Add(one.Masked(big))
	iu = uTwoTo52.Sub(iu).ShiftAllRight(2).Merge(iu, big)
	f := u.Sub(one)

	f = x.Merge(f, k0)
	// iu == 0 (|f| < 2⁻²⁰) takes a short cut in log1p: hand those over.
	if uOne.Merge(iu, k0).Equal(uZero).ToBits() != 0 {
		return scalar4(math.Log1p, x)
	}
	hfsq := vHalf.Mul(f).Mul(f)
	s := f.Div(vTwo.Add(f))
	z := s.Mul(s)
	// R = z·(Lp1 + z·(Lp2 + z·(Lp3 + z·(Lp4 + z·(Lp5 + z·(Lp6 + z·Lp7))))))
	R := vLg7.Mul(z).Add(vLg6).Mul(z).Add(vLg5).Mul(z).Add(vLg4).Mul(z).
		Add(vLg3).Mul(z).Add(vLg2).Mul(z).Add(vLg1).Mul(z)
	shR := s.Mul(hfsq.Add(R))
	// k = 0 (either way: 1 + x may also land in [√2/2, √2)):
	// f − (hfsq − s·(hfsq + R))
	r0 := f.Sub(hfsq.Sub(shR))
	// k ≠ 0: k·Ln2Hi − ((hfsq − (s·(hfsq + R) + (k·Ln2Lo + c))) − f)
	r1 := k.Mul(vLn2Hi).Sub(hfsq.Sub(shR.Add(k.Mul(vLn2Lo).Add(c))).Sub(f))
	r := r0.Merge(r1, k0.Or(k.Equal(zero)))
	// |x| < 2⁻²⁹: x − x·x·0.5; |x| < 2⁻⁵⁴: x.
	r = x.Sub(x.Mul(x).Mul(vHalf)).Merge(r, absx.Less(vLog1pSmall))
	return x.Merge(r, absx.Less(vLog1pTiny))
}

// Constants of tanh.go.
const tanhMaxLog = 8.8029691931113054295988e+01 // log(2¹²⁷)

var (
	tanhP = [...]float64{-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3}
	tanhQ = [...]float64{1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3}
)

// Tanh4 returns math.Tanh of each lane.
func Tanh4(x F64x4) F64x4 {
	one := vOne
	z := abs(x)
	sign := x.AsUint64x4().And(uSignBit)
	big := z.Greater(vTanhBig)
	mid := z.GreaterEqual(vTanhMid)
	// 0.625 ≤ |x| ≤ 44: s = exp(2|x|); 1 − 2/(s + 1), with x's sign.
	// exp4 sees 2|x| ≤ 88 there and 0 in the other lanes.
	s := exp4(z.Add(z).Masked(mid.And(z.LessEqual(vTanhBig))))
	zm := one.Sub(vTwo.Div(s.Add(one))).AsUint64x4().Xor(sign).AsFloat64x4()
	// |x| < 0.625: x + x·s·P(s)/Q(s), s = x². (x = ±0 gives x, as tanh's
	// own case for it.)
	s = x.Mul(x)
	p := vTanhP0.Mul(s).Add(vTanhP1).Mul(s).Add(vTanhP2)
	q := s.Add(vTanhQ0).Mul(s).Add(vTanhQ1).Mul(s).Add(vTanhQ2)
	zs := x.Add(x.Mul(s).Mul(p).Div(q))
	zs = x.Merge(zs, x.Equal(vZero)) // tanh(±0) = ±0: the formula gives +0 for −0
	// |x| > 44: ±1.
	r := zm.Merge(zs, mid)
	return one.AsUint64x4().Or(sign).AsFloat64x4().Merge(r, big)
}

// The slice kernels: they do the elements of whole groups of four and
// return how many; vmath.go's loops do the rest.

func expVector(dst, x []float64) int   { return apply4(Exp4, dst, x) }
func logVector(dst, x []float64) int   { return apply4(Log4, dst, x) }
func log1pVector(dst, x []float64) int { return apply4(Log1p4, dst, x) }
func tanhVector(dst, x []float64) int  { return apply4(Tanh4, dst, x) }

func apply4(f func(F64x4) F64x4, dst, x []float64) int {
	if !Enabled {
		return 0
	}
	n := len(x) &^ 3
	dst = dst[:n]
	for i := 0; i < n; i += 4 {
		f(archsimd.LoadFloat64x4((*[4]float64)(x[i:]))).Store((*[4]float64)(dst[i:]))
	}
	archsimd.ClearAVXUpperBits()
	return n
}

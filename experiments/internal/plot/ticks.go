package plot

import (
	"math"
	"strconv"
	"strings"
)

// A tick is a labelled position on an axis. Minor ticks only draw a faint
// grid line (log axes) and have no label.
type tick struct {
	V     float64
	Label string
	Minor bool
}

// niceStep returns the step m·10^e, m ∈ {1, 2, 5}, whose ticks inside
// [lo, hi] come closest in number to target, at least two (ties go to the
// larger step, which means fewer labels). It returns m and e separately so that tick
// values can be computed as exact decimals.
func niceStep(lo, hi float64, target int) (m, e int) {
	span := hi - lo
	raw := span / float64(max(target-1, 1))
	e0 := int(math.Floor(math.Log10(raw)))
	bestM, bestE, bestDiff := 1, e0, math.MaxInt
	for e := e0 - 1; e <= e0+1; e++ {
		for _, m := range []int{1, 2, 5} {
			step := float64(m) * math.Pow(10, float64(e))
			n := int(math.Floor(hi/step+1e-9) - math.Ceil(lo/step-1e-9) + 1)
			diff := n - target
			if diff < 0 {
				diff = -diff
			}
			if n < 2 {
				diff += 100 // one tick does not show a scale
			}
			if diff < bestDiff || (diff == bestDiff && step > float64(bestM)*math.Pow(10, float64(bestE))) {
				bestM, bestE, bestDiff = m, e, diff
			}
		}
	}
	return bestM, bestE
}

// decimal returns k·m·10^e as the float64 nearest to that decimal number
// (so 3·10⁻¹ is 0.3, not 0.30000000000000004).
func decimal(k, m, e int) float64 {
	if e < 0 {
		return float64(k*m) / math.Pow(10, float64(-e))
	}
	return float64(k*m) * math.Pow(10, float64(e))
}

// linearTicks returns about target ticks at multiples of a 1-2-5 step,
// all inside [lo, hi], labelled with just enough decimals for the step.
// On a range that float64 cannot divide so (hi − lo overflows, or is
// below the resolution of lo), the ticks are just lo and hi.
func linearTicks(lo, hi float64, target int) []tick {
	exact := func(v float64) string { return strings.Replace(strconv.FormatFloat(v, 'g', -1, 64), "-", "−", 1) }
	ends := []tick{{V: lo, Label: exact(lo)}, {V: hi, Label: exact(hi)}}
	if !(lo < hi) || !isFinite(hi-lo) {
		return ends
	}
	m, e := niceStep(lo, hi, target)
	step := float64(m) * math.Pow(10, float64(e))
	k0 := math.Ceil(lo/step - 1e-9)
	k1 := math.Floor(hi/step + 1e-9)
	if !(k1-k0 >= 1 && k1-k0 <= float64(4*target+4)) || math.Abs(k0) > 1<<50 || math.Abs(k1) > 1<<50 {
		return ends
	}
	var ticks []tick
	for k := int(k0); k <= int(k1); k++ {
		v := decimal(k, m, e)
		ticks = append(ticks, tick{V: v, Label: formatTick(v, e)})
	}
	return ticks
}

// formatTick writes v, a multiple of 10^e, with the digits down to the
// place of 10^e: as a plain decimal (max(0, −e) decimals), or in exponent
// notation when |v| ≥ 10⁶ or |v| < 10⁻⁴. The minus sign is U+2212, as
// typeset figures have it, and −0 is written 0.
func formatTick(v float64, e int) string {
	a := math.Abs(v)
	if a < 0.5*math.Pow(10, float64(e)) {
		a = 0 // a rounding residue of 0
	}
	var s string
	switch {
	case a == 0 && e < -6:
		s = "0"
	case a != 0 && (a >= 1e6 || a < 1e-4):
		s = strconv.FormatFloat(v, 'e', max(int(math.Floor(math.Log10(a)))-e, 0), 64)
	default:
		s = strconv.FormatFloat(v, 'f', max(0, -e), 64)
	}
	if strings.TrimLeft(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-") // no "-0.0"
	}
	return strings.ReplaceAll(s, "-", "−")
}

// formatShort writes v with up to 4 significant digits and a typographic
// minus sign.
func formatShort(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'g', 4, 64), "-", "−", 1)
}

var superscripts = map[rune]rune{
	'0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴',
	'5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻',
}

// powerOfTen writes 10^e as "10" followed by the exponent in superscripts.
func powerOfTen(e int) string {
	var b strings.Builder
	b.WriteString("10")
	for _, r := range strconv.Itoa(e) {
		b.WriteRune(superscripts[r])
	}
	return b.String()
}

// logTicks returns ticks for a logarithmic axis over [lo, hi], 0 < lo < hi.
// When the range holds at least two powers of ten they are the labelled
// ticks (every second or third one on a long range), with minor ticks at
// 2…9 times them on a range of up to four decades; on a shorter range the ticks are 1, 2 and 5 times the
// powers of ten, then every integer multiple if that is still too few.
// Labels are plain decimals between 0.001 and 10000, powers of ten beyond.
func logTicks(lo, hi float64) []tick {
	e0 := int(math.Floor(math.Log10(lo) + 1e-9))
	e1 := int(math.Ceil(math.Log10(hi) - 1e-9))
	plain := e0 >= -3 && e1 <= 4
	label := func(m, e int) string {
		if plain || m != 1 {
			return formatTick(decimal(1, m, e), e)
		}
		return powerOfTen(e)
	}
	inside := func(v float64) bool { return v >= lo*(1-1e-9) && v <= hi*(1+1e-9) }

	var decades []int
	for e := e0; e <= e1; e++ {
		if inside(decimal(1, 1, e)) {
			decades = append(decades, e)
		}
	}
	if len(decades) >= 2 {
		every := 1 + (len(decades)-1)/8 // at most about 8 labels
		var ticks []tick
		for e := e0; e <= e1; e++ {
			for m := 1; m <= 9; m++ {
				v := decimal(1, m, e)
				if !inside(v) {
					continue
				}
				if m == 1 && (e-decades[0])%every == 0 {
					ticks = append(ticks, tick{V: v, Label: label(1, e)})
				} else if every == 1 && e1-e0 <= 4 { // more minor lines would be clutter
					ticks = append(ticks, tick{V: v, Minor: true})
				}
			}
		}
		return ticks
	}
	for _, ms := range [][]int{{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		var ticks []tick
		for e := e0; e <= e1; e++ {
			for _, m := range ms {
				if v := decimal(1, m, e); inside(v) {
					ticks = append(ticks, tick{V: v, Label: formatTick(v, e)})
				}
			}
		}
		if len(ticks) >= 3 {
			return ticks
		}
	}
	// Less than a factor 1.25 between lo and hi: fall back to linear ticks.
	return linearTicks(lo, hi, 4)
}

package plot

import (
	"fmt"
	"image/color"
	"strings"
)

// Palette holds the colours given to series and classes in order: the
// Okabe–Ito palette (Okabe & Ito, 2008), which stays distinguishable under
// the common forms of colour blindness, reordered so that the first
// colours are the ones that read best as thin lines on white. Its yellow
// is left out: it is nearly invisible on white.
var Palette = []string{
	"#0072B2", // blue
	"#D55E00", // vermillion
	"#009E73", // bluish green
	"#CC79A7", // reddish purple
	"#E69F00", // orange
	"#56B4E9", // sky blue
	"#000000", // black
}

// Colour returns the i-th colour of the Palette, cycling.
func Colour(i int) string { return Palette[i%len(Palette)] }

// MistakeColour marks wrong predictions (captions and frames in image grids).
const MistakeColour = "#C0392B"

// Typography and ink. Text is set in a sans-serif face at sizes in px; the
// greys keep the data the darkest thing in a figure.
const (
	fontFamily = "DejaVu Sans, Helvetica Neue, Helvetica, Arial, sans-serif"

	titleSize  = 15
	labelSize  = 12.5 // axis labels
	tickSize   = 11
	legendFont = 11.5

	textColour  = "#222222"
	mutedColour = "#555555" // tick labels
	axisColour  = "#888888"
	gridColour  = "#E6E6E6"
)

// textWidth estimates the rendered width of s at the given font size. SVG
// gives no metrics before rendering, so this uses per-character advance
// widths of DejaVu Sans (the widest of the usual sans-serif faces, so that
// boxes sized with it are large enough in Helvetica or Arial too).
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("il.,:;'|!", r):
			w += 0.28
		case strings.ContainsRune("fjrt ()[]/-", r):
			w += 0.38
		case r >= '0' && r <= '9':
			w += 0.64
		case strings.ContainsRune("mwMW", r):
			w += 0.95
		case r >= 'A' && r <= 'Z':
			w += 0.72
		case r == '⁰' || r == '¹' || r == '²' || r == '³' || (r >= '⁴' && r <= '⁹') || r == '⁻':
			w += 0.4
		default:
			w += 0.6
		}
	}
	return w * size
}

// titleWidth estimates the width of a title, set in bold at titleSize
// (DejaVu Sans Bold is about 12% wider than the regular face).
func titleWidth(s string) float64 { return 1.12 * textWidth(s, titleSize) }

// rgb parses a "#RRGGBB" colour.
func rgb(hex string) color.RGBA {
	var r, g, b uint8
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return color.RGBA{r, g, b, 255}
}

// hexColour formats c as "#RRGGBB".
func hexColour(c color.RGBA) string {
	return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B)
}

// mix returns (1-t)·a + t·b per channel, t in [0, 1].
func mix(a, b color.RGBA, t float64) color.RGBA {
	t = min(max(t, 0), 1)
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

var white = color.RGBA{255, 255, 255, 255}

// sequential maps t in [0, 1] to a white-to-dark-blue ramp (ColorBrewer
// "Blues"), used for heat maps of non-negative values such as counts.
func sequential(t float64) color.RGBA {
	stops := []color.RGBA{
		{247, 251, 255, 255}, {198, 219, 239, 255}, {107, 174, 214, 255},
		{33, 113, 181, 255}, {8, 48, 107, 255},
	}
	t = min(max(t, 0), 1) * float64(len(stops)-1)
	i := min(int(t), len(stops)-2)
	return mix(stops[i], stops[i+1], t-float64(i))
}

// luminance is the relative luminance of c in [0, 1] (sRGB, approximately),
// used to choose dark or light text on a coloured cell.
func luminance(c color.RGBA) float64 {
	return (0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)) / 255
}

package plot

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// epochTimes is a benchmark's bar chart: two networks, four libraries, the
// other runs as dots.
func epochTimes() *BarChart {
	b := NewBarChart("Seconds per training epoch", "seconds per epoch (lower is faster)", "MLP", "auto-encoder")
	b.Add("nndiy", []float64{0.081, 0.173}).AddOthers([][]float64{{0.094, 0.090}, {0.165, 0.160}})
	b.Add("nndiy SIMD", []float64{0.064, 0.113}).AddOthers([][]float64{{0.067, 0.077}, {0.116, 0.150}})
	b.Add("PyTorch", []float64{0.100, 0.168}).AddOthers([][]float64{{0.105, 0.099}, {0.158, 0.168}})
	b.Add("NumPy", []float64{0.083, 0.121}).AddOthers([][]float64{{0.077, 0.083}, {0.111, 0.120}})
	return b
}

func TestBarChartSVG(t *testing.T) {
	b := epochTimes()
	doc := checkSVG(t, b)
	for _, want := range []string{b.Title, b.XLabel, "MLP", "auto-encoder", "nndiy", "nndiy SIMD", "PyTorch", "NumPy", "other runs", "0.081", "0.173", "0.113"} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
	// The background, one bar per value.
	if n := doc.elements["rect"]; n != 1+8 {
		t.Errorf("%d rects, want the background and 8 bars", n)
	}
	// The bars of a series share its colour; each other run is a dot.
	if n := strings.Count(doc.raw, `fill="`+Colour(1)+`" fill-opacity="0.85"`); n < 2 {
		t.Errorf("series 2's colour on %d elements, want its 2 bars and its legend square", n)
	}
	if n := strings.Count(doc.raw, "a2.6,2.6"); n != 2*16 {
		t.Errorf("%d arcs of dots of radius 2.6, want 2 per dot, 16 dots", n)
	}
	// Height follows from the bars.
	_, h := b.Size()
	b.Categories = append(b.Categories, "conv")
	for _, s := range b.Series {
		s.Values = append(s.Values, 0.5)
		s.Others = append(s.Others, nil)
	}
	if _, h2 := b.Size(); h2 <= h {
		t.Errorf("a third group did not make the chart taller: %v then %v", h, h2)
	}
	checkSVG(t, b)
}

// TestBarChartValues checks bars of NaN (not drawn), of 0, and a value
// past XMax (cut at the axis end); and that a bar's length is its value.
func TestBarChartValues(t *testing.T) {
	b := NewBarChart("", "", "a", "b", "c")
	b.Add("x", []float64{math.NaN(), 0, 10})
	b.XMax = 5
	doc := checkSVG(t, b)
	if n := doc.elements["rect"]; n != 1+2 {
		t.Errorf("%d rects, want the background and 2 bars (NaN draws none)", n)
	}
	if !doc.hasText("10") || doc.hasText("NaN") {
		t.Errorf("texts %q: want the value 10 written, no NaN", doc.texts)
	}

	// Lengths are proportional to the values.
	b = NewBarChart("", "", "a", "b")
	b.Add("x", []float64{1, 2})
	var c canvas
	if err := b.draw(&c, 0, 0); err != nil {
		t.Fatal(err)
	}
	var widths []float64
	for _, line := range strings.Split(c.buf.String(), "\n") {
		if strings.HasPrefix(line, "<rect") {
			i := strings.Index(line, `width="`) + len(`width="`)
			var w float64
			if _, err := fmt.Sscan(line[i:strings.Index(line[i:], `"`)+i], &w); err != nil {
				t.Fatal(err)
			}
			widths = append(widths, w)
		}
	}
	if len(widths) != 2 || math.Abs(widths[1]/widths[0]-2) > 0.01 {
		t.Errorf("bar widths %v, want the second twice the first", widths)
	}
}

func TestBarChartErrors(t *testing.T) {
	for name, b := range map[string]*BarChart{
		"no category":  NewBarChart("t", ""),
		"no value":     func() *BarChart { b := NewBarChart("t", "", "a"); b.Add("x", []float64{math.NaN()}); return b }(),
		"all negative": func() *BarChart { b := NewBarChart("t", "", "a"); b.Add("x", []float64{-1}); return b }(),
		"ragged":       func() *BarChart { b := NewBarChart("t", "", "a"); b.Add("x", []float64{1}).Values = nil; return b }(),
	} {
		if err := b.WriteSVG(&strings.Builder{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	mustPanicWith(t, "3 values for 2 categories", func() { NewBarChart("t", "", "a", "b").Add("x", []float64{1, 2, 3}) })
	mustPanicWith(t, "1 lists for 2 categories", func() {
		NewBarChart("t", "", "a", "b").Add("x", []float64{1, 2}).AddOthers([][]float64{{1}})
	})
}

// mustPanicWith runs f and fails t unless it panics with a message
// containing want.
func mustPanicWith(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), want) {
			t.Errorf("recovered %v, want a panic containing %q", r, want)
		}
	}()
	f()
}

package plot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"
)

// svgDoc is what checkSVG reads back from a document.
type svgDoc struct {
	width, height string
	texts         []string       // contents of the <text> elements, in order
	elements      map[string]int // element name → count
	raw           string
}

func (d svgDoc) hasText(s string) bool {
	for _, t := range d.texts {
		if t == s {
			return true
		}
	}
	return false
}

// checkSVG renders f and walks the document with encoding/xml: it must be
// well-formed, have an <svg> root with a viewBox matching its size, and
// contain no NaN or Inf coordinates.
func checkSVG(t *testing.T, f Figure) svgDoc {
	t.Helper()
	var buf bytes.Buffer
	if err := f.WriteSVG(&buf); err != nil {
		t.Fatalf("WriteSVG: %v", err)
	}
	doc := svgDoc{elements: map[string]int{}, raw: buf.String()}
	dec := xml.NewDecoder(&buf)
	depth := 0
	var inText bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("malformed SVG: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root element %v, want svg in the SVG namespace", tok.Name)
				}
				attrs := map[string]string{}
				for _, a := range tok.Attr {
					attrs[a.Name.Local] = a.Value
				}
				doc.width, doc.height = attrs["width"], attrs["height"]
				if want := "0 0 " + doc.width + " " + doc.height; attrs["viewBox"] != want {
					t.Errorf("viewBox = %q, want %q", attrs["viewBox"], want)
				}
			}
			depth++
			doc.elements[tok.Name.Local]++
			inText = tok.Name.Local == "text"
			if inText {
				doc.texts = append(doc.texts, "")
			}
		case xml.EndElement:
			depth--
			inText = false
		case xml.CharData:
			if inText {
				doc.texts[len(doc.texts)-1] += string(tok)
			}
		}
	}
	if depth != 0 {
		t.Fatalf("unbalanced document")
	}
	for _, bad := range []string{"NaN", "Inf"} {
		if strings.Contains(doc.raw, bad) {
			t.Errorf("document contains %q", bad)
		}
	}
	return doc
}

func TestLineChartSVG(t *testing.T) {
	l := lossCurves()
	l.Title = `Loss <MSE> & "friends"`
	doc := checkSVG(t, l)
	for _, want := range []string{l.Title, "epoch", "MSE loss", "nndiy", "PyTorch", "linear model", "100", "200"} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
	if doc.width != "640" || doc.height != "400" {
		t.Errorf("size %s×%s, want the default 640×400", doc.width, doc.height)
	}
	if n := doc.elements["polyline"]; n != 3 {
		t.Errorf("%d polylines, want one per series, 3", n)
	}
	if n := strings.Count(doc.raw, "stroke-dasharray"); n != 2 {
		t.Errorf("%d dashed strokes, want 2 (the series and its legend swatch)", n)
	}
}

func TestLineChartGapsAndLog(t *testing.T) {
	l := NewLineChart("gaps", "x", "y")
	l.LogY = true
	// NaN, +Inf, 0 and a negative value cannot be drawn on a log axis:
	// they split the series into three runs, the middle one a single point.
	l.Add("a", []float64{1, 2, 3, 4, 5, 6, 7, 8}, []float64{1, 0.5, math.NaN(), 0.2, math.Inf(1), 0, -1, 0.01})
	l.Add("empty", nil, nil)
	doc := checkSVG(t, l)
	if n := doc.elements["polyline"]; n != 3 {
		t.Errorf("%d polylines, want 3 runs", n)
	}
	for _, want := range []string{"0.01", "0.1", "1", "a", "empty"} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
}

func TestLineChartErrors(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		make func() *LineChart
	}{
		{"no series", func() *LineChart { return NewLineChart("t", "", "") }},
		{"empty series", func() *LineChart {
			l := NewLineChart("t", "", "")
			l.Add("a", []float64{}, []float64{})
			return l
		}},
		{"all NaN", func() *LineChart {
			l := NewLineChart("t", "", "")
			l.Add("a", []float64{1, 2}, []float64{nan, nan})
			return l
		}},
		{"log of non-positive", func() *LineChart {
			l := NewLineChart("t", "", "")
			l.LogY = true
			l.Add("a", []float64{1, 2}, []float64{0, -1})
			return l
		}},
	}
	for _, tt := range tests {
		if err := tt.make().WriteSVG(io.Discard); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestLineChartAddPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "len(xs) = 2, len(ys) = 1") {
			t.Errorf("panic = %v, want one naming both lengths", r)
		}
	}()
	NewLineChart("", "", "").Add("a", []float64{1, 2}, []float64{1})
}

func TestSinglePoint(t *testing.T) {
	l := NewLineChart("one point", "", "")
	l.Add("a", []float64{3}, []float64{7})
	doc := checkSVG(t, l)
	if !doc.hasText("7.0") || !doc.hasText("3.0") {
		t.Errorf("the axes should be centred on the point: texts %q", doc.texts)
	}
}

func TestScatterSVG(t *testing.T) {
	s := NewScatter("points", "x₁", "x₂")
	s.AddByLabel([]float64{0, 0, 1, 1, 2, 0, math.NaN(), 1}, []float64{1, -1, 1, -1})
	if len(s.Groups) != 2 || s.Groups[0].Name != "y = −1" || len(s.Groups[0].X) != 2 || len(s.Groups[1].X) != 2 {
		t.Fatalf("AddByLabel made groups %+v", s.Groups)
	}
	doc := checkSVG(t, s)
	for _, want := range []string{"points", "x₁", "x₂", "y = −1", "y = 1"} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
	if err := NewScatter("empty", "", "").WriteSVG(io.Discard); err == nil {
		t.Error("an empty scatter plot gave no error")
	}
}

func TestDecisionBoundarySVG(t *testing.T) {
	d := xorBoundary()
	doc := checkSVG(t, d)
	for _, want := range []string{d.Title, "boundary", "y = −1", "y = 1"} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
	if doc.elements["image"] != 1 || !strings.Contains(doc.raw, `href="data:image/png;base64,`) {
		t.Error("no embedded PNG background")
	}
	// x₁·x₂ = 0 is two lines crossing at the origin. The origin falls
	// inside a grid cell, a saddle, where marching squares joins the four
	// half-lines in two pairs: two pieces, each drawn twice (halo, line).
	if n := doc.elements["polyline"]; n != 4 {
		t.Errorf("%d polylines, want 4", n)
	}

	d.Score = Pointwise(func(x1, x2 float64) float64 {
		if x1 > 1 {
			return math.Inf(1)
		}
		return math.NaN()
	})
	checkSVG(t, d) // no contour and a blank background, but no NaN in the document
	d.Score = nil
	if err := d.WriteSVG(io.Discard); err == nil {
		t.Error("no error without a Score function")
	}
}

func TestHeatmapSVG(t *testing.T) {
	h := confusion()
	doc := checkSVG(t, h)
	for _, want := range []string{h.Title, "predicted class", "true class", "0", "9"} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
	// 100 annotations, 20 class labels, the colour bar's ticks, 3 titles.
	if n := len(doc.texts); n < 123 {
		t.Errorf("%d texts, want at least 123", n)
	}
	if doc.elements["linearGradient"] != 1 {
		t.Error("no colour bar gradient")
	}
	bad := []*Heatmap{
		NewHeatmap("empty", nil),
		NewHeatmap("ragged", [][]float64{{1, 2}, {3}}),
		{Title: "labels", Values: [][]float64{{1}}, RowLabels: []string{"a", "b"}},
	}
	for _, h := range bad {
		if err := h.WriteSVG(io.Discard); err == nil {
			t.Errorf("heat map %q: no error", h.Title)
		}
	}
	w := weights()
	w.Values[0][0] = math.NaN()
	checkSVG(t, w)
}

func TestGridSVG(t *testing.T) {
	g := panels()
	doc := checkSVG(t, g)
	for _, want := range []string{g.Title, "Two Gaussians", "XOR", "Circles"} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
	if doc.width != "1080" {
		t.Errorf("width %s, want three 360 px panels, 1080", doc.width)
	}
	// Clip paths must have distinct ids across the panels.
	if strings.Count(doc.raw, `id="clip`) != 6 || strings.Count(doc.raw, `"url(#clip3)"`) != 1 {
		t.Error("clip-path ids are not unique")
	}
	err := NewGrid("bad", 0, NewLineChart("empty", "", "")).WriteSVG(io.Discard)
	if err == nil || !strings.Contains(err.Error(), "panel 0") {
		t.Errorf("error %v, want one naming the failing panel", err)
	}
}

func TestImageGrid(t *testing.T) {
	g := NewImageGrid("", 0)
	pix := make([]float64, 16*16)
	pix[0] = 1 // top-left pixel black, the rest white
	g.Add(pix, 16, 16, "")
	img, err := g.PNGImage()
	if err != nil {
		t.Fatal(err)
	}
	// One 64 px tile (scale 4) with a margin of pad on each side.
	if b := img.Bounds(); b.Dx() != 84 || b.Dy() != 84 {
		t.Fatalf("image is %v, want 84×84", b)
	}
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	for _, c := range []struct {
		x, y int
		want color.RGBA
	}{{pad, pad, black}, {pad + 3, pad + 3, black}, {pad + 4, pad, white}, {pad + 63, pad + 63, white}, {0, 0, white}} {
		if got := img.RGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d, %d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}

	g = digitGrid()
	var buf bytes.Buffer
	if err := g.WritePNG(&buf); err != nil {
		t.Fatal(err)
	}
	decoded, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	want, _ := g.PNGImage()
	if decoded.Bounds() != want.Bounds() {
		t.Errorf("decoded %v, want %v", decoded.Bounds(), want.Bounds())
	}
	reds := 0
	red := rgb(MistakeColour)
	for y := range want.Bounds().Dy() {
		for x := range want.Bounds().Dx() {
			if want.RGBAAt(x, y) == red {
				reds++
			}
		}
	}
	if reds == 0 {
		t.Error("the mistake is not marked in red")
	}
	doc := checkSVG(t, g)
	for _, want := range []string{g.Title, "pred 3", "true 5"} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
	if doc.elements["image"] != len(g.Images) {
		t.Errorf("%d images, want %d", doc.elements["image"], len(g.Images))
	}

	if _, err := NewImageGrid("empty", 3).PNGImage(); err == nil {
		t.Error("an empty grid gave no error")
	}
	bad := NewImageGrid("bad", 3)
	bad.Images = append(bad.Images, &Image{Pix: make([]float64, 3), Width: 2, Height: 2})
	if err := bad.WriteSVG(io.Discard); err == nil {
		t.Error("an image with the wrong number of pixels gave no error")
	}
}

func TestSaveErrors(t *testing.T) {
	path := t.TempDir() + "/no/such/dir/f.svg"
	if err := lossCurves().SaveSVG(path); err == nil {
		t.Error("SaveSVG into a missing directory gave no error")
	}
	if err := digitGrid().SavePNG(t.TempDir() + "/no/f.png"); err == nil {
		t.Error("SavePNG into a missing directory gave no error")
	}
	if err := lossCurves().WriteSVG(failingWriter{}); err == nil {
		t.Error("a failing writer gave no error")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestHugeValues(t *testing.T) {
	l := NewLineChart("huge", "", "")
	l.Add("a", []float64{0, 1}, []float64{-1e308, 1e308})
	if err := l.WriteSVG(io.Discard); err == nil || !strings.Contains(err.Error(), "too wide") {
		t.Errorf("error %v, want one saying the range is too wide", err)
	}
	l = NewLineChart("large but fine", "", "")
	l.Add("a", []float64{0, 1}, []float64{1e300, 3e300})
	checkSVG(t, l)

	s := NewScatter("fixed ranges, no finite point", "", "")
	s.Add("a", []float64{math.NaN()}, []float64{1})
	s.XMin, s.XMax, s.YMin, s.YMax = 0, 1, 0, 1
	checkSVG(t, s)
}

// TestNarrowChart checks that a chart too narrow for its x labels thins
// them out instead of overlapping them, and that a tiny figure still
// makes a valid document.
func TestNarrowChart(t *testing.T) {
	l := NewLineChart("narrow", "x", "y")
	l.Add("a", []float64{1e6, 3e6}, []float64{0, 1})
	l.Width = 220
	doc := checkSVG(t, l)
	var xLabels []string
	for _, s := range doc.texts {
		if strings.Contains(s, "e+06") {
			xLabels = append(xLabels, s)
		}
	}
	if len(xLabels) < 2 || len(xLabels) > 3 {
		t.Errorf("x labels %q, want 2 or 3 in 220 px", xLabels)
	}
	l.Width, l.Height = 30, 20
	if strings.Contains(checkSVG(t, l).raw, `width="-`) {
		t.Error("negative width in a tiny figure")
	}
}

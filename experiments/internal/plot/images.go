package plot

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strings"
)

// An ImageGrid shows small grayscale images, such as 16×16 digits, in
// rows, each with a caption under it ("pred 3\ntrue 5": a newline starts a
// second line). An image marked as a Mistake gets a red frame and a red
// caption. It renders as SVG or, with its own small bitmap font for the
// text, as PNG.
type ImageGrid struct {
	Title  string
	Images []*Image
	// Cols is the number of images per row (default 10).
	Cols int
	// Scale is the size in px of one image pixel (default 4).
	Scale int
	// Min and Max are the pixel values drawn white and black when
	// Min < Max; by default the smallest and largest value of all images.
	// NaN pixels are white.
	Min, Max float64
}

// An Image is one image of an ImageGrid: Height rows of Width pixels,
// row-major.
type Image struct {
	Pix           []float64
	Width, Height int
	Caption       string
	Mistake       bool
}

// NewImageGrid returns an empty grid with cols images per row.
func NewImageGrid(title string, cols int) *ImageGrid {
	return &ImageGrid{Title: title, Cols: cols}
}

// Add appends an image of width×height pixels, row-major, and returns it.
func (g *ImageGrid) Add(pix []float64, width, height int, caption string) *Image {
	if width <= 0 || height <= 0 || len(pix) != width*height {
		panic(fmt.Sprintf("plot: ImageGrid.Add: %d pixels for a %d×%d image", len(pix), width, height))
	}
	im := &Image{Pix: pix, Width: width, Height: height, Caption: caption}
	g.Images = append(g.Images, im)
	return im
}

// WriteSVG writes the grid as an SVG document.
func (g *ImageGrid) WriteSVG(w io.Writer) error { return writeSVG(w, g) }

// SaveSVG writes the grid as an SVG file.
func (g *ImageGrid) SaveSVG(path string) error { return SaveSVG(path, g) }

// SavePNG writes the grid as a PNG file.
func (g *ImageGrid) SavePNG(path string) error { return saveFile(path, g.WritePNG) }

const (
	frameColour  = "#C8C8C8"
	imageGap     = 14 // between columns and rows
	captionGap   = 5  // tile to caption
	captionSize  = 11
	captionLineH = 13
	pngFontScale = 1 // bitmap font scale for captions; the title is twice that
)

// gridLayout places the tiles and captions of an ImageGrid.
type gridLayout struct {
	cols, rows       int
	tileW, tileH     float64
	colW, rowH       float64
	top              float64 // y of the first row
	width, height    float64
	captionLineH     float64
	captionFirstLine float64 // tile bottom to first caption baseline
}

// layout computes the grid geometry given how wide a caption line and
// the title are and how tall they are in the output's font.
func (g *ImageGrid) layout(caption, title func(string) float64, titleH, lineH, ascent float64) gridLayout {
	var l gridLayout
	l.cols = g.Cols
	if l.cols <= 0 {
		l.cols = 10
	}
	l.cols = max(min(l.cols, len(g.Images)), 1)
	l.rows = (len(g.Images) + l.cols - 1) / l.cols
	scale := float64(g.scale())
	lines := 0
	for _, im := range g.Images {
		l.tileW = max(l.tileW, float64(im.Width)*scale)
		l.tileH = max(l.tileH, float64(im.Height)*scale)
		for _, s := range captionLines(im.Caption) {
			l.colW = max(l.colW, caption(s))
		}
		lines = max(lines, len(captionLines(im.Caption)))
	}
	l.colW = max(l.colW, l.tileW)
	l.captionLineH = lineH
	l.captionFirstLine = captionGap + ascent
	l.rowH = l.tileH + imageGap
	if lines > 0 {
		l.rowH += captionGap + float64(lines)*lineH
	}
	l.top = pad
	if g.Title != "" {
		l.top += titleH
	}
	l.width = 2*pad + float64(l.cols)*l.colW + float64(l.cols-1)*imageGap
	l.height = l.top + float64(l.rows)*l.rowH - imageGap + pad
	if g.Title != "" {
		l.width = max(l.width, 2*pad+title(g.Title))
	}
	return l
}

// tile returns the top-left corner of image k's tile and its size.
func (l gridLayout) tile(k int, im *Image, scale int) (x, y, w, h float64) {
	i, j := k/l.cols, k%l.cols
	left := pad + float64(j)*(l.colW+imageGap) + (l.width-2*pad-float64(l.cols)*l.colW-float64(l.cols-1)*imageGap)/2
	w, h = float64(im.Width*scale), float64(im.Height*scale)
	return left + (l.colW-w)/2, l.top + float64(i)*l.rowH + (l.tileH - h), w, h
}

func captionLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (g *ImageGrid) scale() int {
	if g.Scale <= 0 {
		return 4
	}
	return g.Scale
}

func (g *ImageGrid) svgLayout() gridLayout {
	return g.layout(func(s string) float64 { return textWidth(s, captionSize) }, titleWidth,
		titleBand, captionLineH, captionSize*0.8)
}

// Size returns the figure size in px.
func (g *ImageGrid) Size() (float64, float64) {
	l := g.svgLayout()
	return l.width, l.height
}

// grayRange returns the pixel values drawn white and black.
func (g *ImageGrid) grayRange() (lo, hi float64) {
	if g.Min < g.Max {
		return g.Min, g.Max
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, im := range g.Images {
		for _, v := range im.Pix {
			if isFinite(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if lo >= hi {
		return lo - 1, lo + 1 // also for lo = +Inf: all pixels white
	}
	return lo, hi
}

// render returns im as a grayscale image enlarged scale times (each pixel
// a scale×scale block), so that it stays sharp when the viewer smooths.
func (g *ImageGrid) render(im *Image, scale int) *image.Gray {
	lo, hi := g.grayRange()
	out := image.NewGray(image.Rect(0, 0, im.Width*scale, im.Height*scale))
	for r := range im.Height {
		for c := range im.Width {
			v := im.Pix[r*im.Width+c]
			level := uint8(255)
			if isFinite(v) {
				t := min(max((v-lo)/(hi-lo), 0), 1)
				level = uint8(math.Round(255 * (1 - t)))
			}
			for y := r * scale; y < (r+1)*scale; y++ {
				for x := c * scale; x < (c+1)*scale; x++ {
					out.Pix[y*out.Stride+x] = level
				}
			}
		}
	}
	return out
}

func (g *ImageGrid) check() error {
	if len(g.Images) == 0 {
		return fmt.Errorf("plot: image grid %q has no images", g.Title)
	}
	for k, im := range g.Images {
		if im.Width <= 0 || im.Height <= 0 || len(im.Pix) != im.Width*im.Height {
			return fmt.Errorf("plot: image grid %q: image %d has %d pixels for %d×%d", g.Title, k, len(im.Pix), im.Width, im.Height)
		}
	}
	return nil
}

func (g *ImageGrid) draw(c *canvas, x0, y0 float64) error {
	if err := g.check(); err != nil {
		return err
	}
	l := g.svgLayout()
	scale := g.scale()
	drawTitle(c, g.Title, x0+l.width/2, rect{x0, y0, l.width, l.height})
	for k, im := range g.Images {
		x, y, w, h := l.tile(k, im, scale)
		x, y = x+x0, y+y0
		c.image(x, y, w, h, pngDataURI(g.render(im, scale)), `style="image-rendering:pixelated"`)
		frame, fill := `fill="none" stroke="`+frameColour+`" stroke-width="1"`, mutedColour
		if im.Mistake {
			frame, fill = `fill="none" stroke="`+MistakeColour+`" stroke-width="2.5"`, MistakeColour
		}
		c.rect(x-1.5, y-1.5, w+3, h+3, frame)
		for i, s := range captionLines(im.Caption) {
			c.text(x+w/2, y0+l.top+float64(k/l.cols)*l.rowH+l.tileH+l.captionFirstLine+float64(i)*l.captionLineH,
				captionSize, anchorMiddle, s, `fill="`+fill+`"`)
		}
	}
	return nil
}

// WritePNG writes the grid as a PNG image, its text in a 5×9 bitmap font.
func (g *ImageGrid) WritePNG(w io.Writer) error {
	img, err := g.PNGImage()
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

// PNGImage returns the grid as the image that WritePNG encodes.
func (g *ImageGrid) PNGImage() (*image.RGBA, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	const fs = pngFontScale
	l := g.layout(
		func(s string) float64 { return float64(bitmapTextWidth(s, fs)) },
		func(s string) float64 { return float64(bitmapTextWidth(s, 2*fs)) },
		float64(2*fs*glyphH+8), float64(fs*glyphH+3), float64(fs*glyphAscent))
	W, H := int(math.Ceil(l.width)), int(math.Ceil(l.height))
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	muted, red, text := rgb(mutedColour), rgb(MistakeColour), rgb(textColour)
	if g.Title != "" {
		tw := bitmapTextWidth(g.Title, 2*fs)
		drawBitmapText(out, g.Title, (W-tw)/2, pad, 2*fs, text)
	}
	scale := g.scale()
	for k, im := range g.Images {
		x, y, w, h := l.tile(k, im, scale)
		xi, yi, wi, hi := int(math.Round(x)), int(math.Round(y)), int(w), int(h)
		draw.Draw(out, image.Rect(xi, yi, xi+wi, yi+hi), g.render(im, scale), image.Point{}, draw.Src)
		col, width := rgb(frameColour), 1
		if im.Mistake {
			col, width = red, 2
		}
		for t := 1; t <= width; t++ {
			strokeRect(out, image.Rect(xi-t, yi-t, xi+wi+t, yi+hi+t), col)
		}
		fill := muted
		if im.Mistake {
			fill = red
		}
		for i, s := range captionLines(im.Caption) {
			ty := int(l.top) + (k/l.cols)*int(l.rowH) + int(l.tileH) + captionGap + i*int(l.captionLineH)
			drawBitmapText(out, s, xi+wi/2-bitmapTextWidth(s, fs)/2, ty, fs, fill)
		}
	}
	return out, nil
}

// strokeRect draws the one-pixel outline of r.
func strokeRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	for x := r.Min.X; x < r.Max.X; x++ {
		img.SetRGBA(x, r.Min.Y, c)
		img.SetRGBA(x, r.Max.Y-1, c)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		img.SetRGBA(r.Min.X, y, c)
		img.SetRGBA(r.Max.X-1, y, c)
	}
}

const (
	glyphW      = 5
	glyphH      = 9
	glyphAscent = 7
	glyphAdv    = glyphW + 1
)

// bitmapTextWidth is the width in pixels of s in the bitmap font at scale.
func bitmapTextWidth(s string, scale int) int {
	n := len([]rune(s))
	if n == 0 {
		return 0
	}
	return (n*glyphAdv - 1) * scale
}

// drawBitmapText draws s with its top-left corner at (x, y), each font
// pixel a scale×scale block.
func drawBitmapText(img *image.RGBA, s string, x, y, scale int, c color.RGBA) {
	for _, r := range s {
		glyph, ok := font5x9[r]
		if !ok {
			glyph = font5x9['\uFFFD']
		}
		for gy, row := range glyph {
			for gx := range glyphW {
				if row[gx] != '#' {
					continue
				}
				for dy := range scale {
					for dx := range scale {
						img.SetRGBA(x+gx*scale+dx, y+gy*scale+dy, c)
					}
				}
			}
		}
		x += glyphAdv * scale
	}
}

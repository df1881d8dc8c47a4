package plot

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// canvas accumulates the SVG elements of one document. Coordinates are in
// user units (CSS px at 100% zoom); y grows downwards as in SVG.
type canvas struct {
	buf bytes.Buffer
	ids int // counter for unique clip-path ids across panels
}

// num formats a coordinate with at most two decimals and no trailing zeros,
// which keeps the files small without visible rounding.
func num(v float64) string {
	v = math.Round(v*100) / 100
	if v == 0 {
		return "0" // also turns -0 into 0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// esc escapes text for use in element content and attribute values.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' {
				continue // not allowed in XML 1.0
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (c *canvas) printf(format string, args ...any) {
	fmt.Fprintf(&c.buf, format, args...)
}

// newID returns a document-unique id with the given prefix.
func (c *canvas) newID(prefix string) string {
	c.ids++
	return prefix + strconv.Itoa(c.ids)
}

func (c *canvas) rect(x, y, w, h float64, attrs string) {
	c.printf(`<rect x="%s" y="%s" width="%s" height="%s" %s/>`+"\n", num(x), num(y), num(w), num(h), attrs)
}

func (c *canvas) line(x1, y1, x2, y2 float64, attrs string) {
	c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" %s/>`+"\n", num(x1), num(y1), num(x2), num(y2), attrs)
}

// polyline draws pts as one open line.
func (c *canvas) polyline(pts []point, attrs string) {
	if len(pts) == 0 {
		return
	}
	c.buf.WriteString(`<polyline points="`)
	for i, p := range pts {
		if i > 0 {
			c.buf.WriteByte(' ')
		}
		c.buf.WriteString(num(p.X))
		c.buf.WriteByte(',')
		c.buf.WriteString(num(p.Y))
	}
	c.printf(`" fill="none" %s/>`+"\n", attrs)
}

// Text anchors.
const (
	anchorStart  = "start"
	anchorMiddle = "middle"
	anchorEnd    = "end"
)

// text draws s with its baseline at y. attrs may add a fill, weight or transform.
func (c *canvas) text(x, y float64, size float64, anchor, s, attrs string) {
	c.printf(`<text x="%s" y="%s" font-size="%s" text-anchor="%s" %s>%s</text>`+"\n",
		num(x), num(y), num(size), anchor, attrs, esc(s))
}

// image embeds a PNG (already encoded as a data URI) in the box x, y, w, h.
func (c *canvas) image(x, y, w, h float64, dataURI, attrs string) {
	c.printf(`<image x="%s" y="%s" width="%s" height="%s" preserveAspectRatio="none" href="%s" %s/>`+"\n",
		num(x), num(y), num(w), num(h), dataURI, attrs)
}

// clipRect defines a rectangular clip path and returns its url(#id) reference.
func (c *canvas) clipRect(x, y, w, h float64) string {
	id := c.newID("clip")
	c.printf(`<clipPath id="%s">`, id)
	c.rect(x, y, w, h, "")
	c.buf.WriteString("</clipPath>\n")
	return "url(#" + id + ")"
}

// writeSVG renders f as a complete SVG document on w.
func writeSVG(w io.Writer, f Figure) error {
	c := &canvas{}
	width, height := f.Size()
	c.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s" style="max-width:100%%;height:auto">`+"\n",
		num(width), num(height), num(width), num(height), fontFamily)
	c.rect(0, 0, width, height, `fill="white"`)
	if err := f.draw(c, 0, 0); err != nil {
		return err
	}
	c.buf.WriteString("</svg>\n")
	_, err := w.Write(c.buf.Bytes())
	return err
}

// saveFile creates path and lets write fill it, reporting the first error
// of writing, flushing or closing.
func saveFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return err
	}
	return bw.Flush()
}

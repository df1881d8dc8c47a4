package data

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/nndiy/nndiy/tensor"
)

// The three USPS file formats. See the package documentation for their
// layouts; the order is the order of preference when a directory holds
// several.
type uspsFormat int

const (
	courseFormat uspsFormat = iota // USPS_train.txt: header "10 256", values in [0, 2], end marker -1
	eslFormat                      // zip.train: values in [-1, 1], labels written as floats
	libsvmFormat                   // usps: "label idx:value …", labels 1…10, values in [-1, 1]
)

type formatSpec struct {
	name        string // for messages
	train, test string // file names in lower case, without a compression suffix
	lo, hi      int64  // the range of the pixel values in the file
	label0      int    // the label written for the digit 0
}

var uspsFormats = [...]formatSpec{
	courseFormat: {"course", "usps_train.txt", "usps_test.txt", 0, 2, 0},
	eslFormat:    {"ESL", "zip.train", "zip.test", -1, 1, 0},
	libsvmFormat: {"LIBSVM", "usps", "usps.t", -1, 1, 1},
}

// maxLineBytes bounds the length of a line of a USPS file. The longest real
// lines, LIBSVM's, are about 3.5 KB.
const maxLineBytes = 1 << 20

// The limits on one USPS file, far above the real files and far below a
// machine's memory, so that a hostile or damaged file (a small gzip that
// decompresses to gigabytes, a LIBSVM file of label-only lines, each of
// which is a whole image) fails with a *ParseError instead of exhausting
// the memory. The package documentation explains the numbers.
const (
	// MaxUSPSImages is the most images a file may hold: 65 536, 9 times
	// the 7291 of the largest real file. They take 128 MiB as float64.
	MaxUSPSImages = 1 << 16
	// MaxUSPSFileBytes is the most bytes a file may hold once
	// decompressed: 128 MiB, 5 times the largest real file (LIBSVM's
	// usps, about 25 MB: 7291 images at the 3413 bytes an image of
	// usps.t takes; zip.train is 14.5 MB).
	MaxUSPSFileBytes = 128 << 20
)

// ParseError reports a malformed USPS file: the file, the line (counted from
// 1; 0 when the error is not about one line) and what is wrong.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("data: %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("data: %s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// readUSPS reads a USPS file of format f from r, gzip- or bzip2-compressed or
// not (recognised by their magic bytes, whatever the name says). name is
// the file's name for error messages.
func readUSPS(r io.Reader, name string, f uspsFormat) (*Dataset, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	magic, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &ParseError{File: name, Err: fmt.Errorf("gzip: %w", err)}
		}
		src = zr
	case bytes.HasPrefix(magic, []byte("BZh")):
		src = bzip2.NewReader(br)
	}
	p := uspsParser{file: name, format: f, spec: &uspsFormats[f]}
	return p.parse(&capReader{r: src, left: MaxUSPSFileBytes})
}

// errTooLarge is what capReader returns past its limit.
var errTooLarge = fmt.Errorf("more than %d bytes (%d MiB) once decompressed, the most a USPS file may hold (MaxUSPSFileBytes)", MaxUSPSFileBytes, MaxUSPSFileBytes>>20)

// capReader reads at most left bytes from r, and fails with errTooLarge
// when r holds more.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(b []byte) (int, error) {
	if c.left <= 0 {
		// Only an attempt to read one byte more tells a file of exactly
		// the limit from a longer one.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, errTooLarge
		}
		return 0, err
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	return n, err
}

type uspsParser struct {
	file   string
	format uspsFormat
	spec   *formatSpec
	line   int       // the number of the line being parsed
	pixels []float64 // the images read so far, one after the other
	labels []int
	// The course format's state.
	header, ended bool
}

func (p *uspsParser) errorf(format string, args ...any) error {
	return &ParseError{File: p.file, Line: p.line, Err: fmt.Errorf(format, args...)}
}

func (p *uspsParser) parse(r io.Reader) (*Dataset, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte // the buffer for lines longer than br's
	for {
		line, err := readLine(br, &long)
		if err == errLineTooLong {
			return nil, &ParseError{File: p.file, Line: p.line + 1, Err: err}
		}
		if err != nil && err != io.EOF {
			// A truncated or corrupt compressed file ends here, maybe in
			// the middle of a line: report that, not the cut line.
			return nil, &ParseError{File: p.file, Err: fmt.Errorf("reading after line %d: %w", p.line, err)}
		}
		if err == io.EOF {
			if len(line) > 0 {
				// Every real file ends with a newline: a last line
				// without one was cut, maybe inside a number
				// ("-0.6210" read as "-0.6").
				p.line++
				return nil, p.errorf("the last line does not end with a newline: the file is truncated")
			}
			break
		}
		p.line++
		if err := p.parseLine(line[:len(line)-1]); err != nil {
			return nil, err
		}
	}
	if p.format == courseFormat && !p.header {
		return nil, &ParseError{File: p.file, Err: errors.New(`empty file: no header "10 256"`)}
	}
	if p.format == courseFormat && !p.ended {
		return nil, p.errorf("file ends without the end marker -1 (truncated?)")
	}
	if len(p.labels) == 0 {
		return nil, &ParseError{File: p.file, Err: errors.New("no images")}
	}
	n := len(p.labels)
	return &Dataset{X: tensor.FromSlice(p.pixels, n, USPSPixels), Labels: p.labels, Source: p.file}, nil
}

func (p *uspsParser) parseLine(line []byte) error {
	if first, _ := nextField(line); len(first) == 0 {
		return nil // blank lines are allowed anywhere
	}
	switch p.format {
	case courseFormat:
		return p.courseLine(line)
	case eslFormat:
		return p.denseLine(line)
	default:
		return p.libsvmLine(line)
	}
}

var errLineTooLong = fmt.Errorf("line longer than %d bytes", maxLineBytes)

// readLine returns the next line of br, with its newline if it has one, and
// io.EOF with the last line. Lines longer than br's buffer are gathered in
// *long.
func readLine(br *bufio.Reader, long *[]byte) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	buf := append((*long)[:0], line...)
	for err == bufio.ErrBufferFull {
		line, err = br.ReadSlice('\n')
		buf = append(buf, line...)
		if len(buf) > maxLineBytes {
			return nil, errLineTooLong
		}
	}
	*long = buf
	return buf, err
}

// courseLine parses a non-blank line of the course format: the header
// "10 256", an image, or the end marker "-1".
func (p *uspsParser) courseLine(line []byte) error {
	switch {
	case !p.header:
		c, rest := nextField(line)
		f, rest := nextField(rest)
		extra, _ := nextField(rest)
		if string(c) != "10" || string(f) != "256" || len(extra) > 0 {
			return p.errorf(`first line %s is not the header "10 256" (classes, pixels per image)`, quote(line))
		}
		p.header = true
		return nil
	case p.ended:
		return p.errorf("line after the end marker -1")
	}
	if first, rest := nextField(line); string(first) == "-1" {
		if extra, _ := nextField(rest); len(extra) == 0 {
			p.ended = true
			return nil
		}
	}
	return p.denseLine(line)
}

// denseLine parses "label v1 … v256", the course's and ESL's image lines.
func (p *uspsParser) denseLine(line []byte) error {
	field, rest := nextField(line)
	label, err := p.label(field)
	if err != nil {
		return err
	}
	row, err := p.newRow()
	if err != nil {
		return err
	}
	n := 0
	for field, rest = nextField(rest); len(field) > 0; field, rest = nextField(rest) {
		if n < USPSPixels {
			if row[n], err = p.pixel(n+1, field); err != nil {
				return err
			}
		}
		n++
	}
	if n != USPSPixels {
		return p.errorf("%d pixel values, want %d", n, USPSPixels)
	}
	p.labels = append(p.labels, label)
	return nil
}

// libsvmLine parses "label idx:value idx:value …" with indices from 1 to 256
// in increasing order. As always in the LIBSVM format, a missing index
// stands for the value 0, which is 0.5 once scaled to [0, 1].
func (p *uspsParser) libsvmLine(line []byte) error {
	field, rest := nextField(line)
	label, err := p.label(field)
	if err != nil {
		return err
	}
	row, err := p.newRow()
	if err != nil {
		return err
	}
	zero := scaledInt(0, p.spec.lo, p.spec.hi)
	for i := range row {
		row[i] = zero
	}
	prev := 0
	for field, rest = nextField(rest); len(field) > 0; field, rest = nextField(rest) {
		colon := bytes.IndexByte(field, ':')
		if colon < 0 {
			return p.errorf("%s is not index:value", quote(field))
		}
		idx, ok := parseIndex(field[:colon])
		if !ok || idx < 1 || idx > USPSPixels {
			return p.errorf("index %s out of range 1…%d", quote(field[:colon]), USPSPixels)
		}
		if idx <= prev {
			return p.errorf("index %d after index %d: indices must increase", idx, prev)
		}
		if row[idx-1], err = p.pixel(idx, field[colon+1:]); err != nil {
			return err
		}
		prev = idx
	}
	p.labels = append(p.labels, label)
	return nil
}

// newRow appends room for one image to p.pixels and returns it. It fails
// once the file holds MaxUSPSImages images.
func (p *uspsParser) newRow() ([]float64, error) {
	n := len(p.pixels)
	if n/USPSPixels >= MaxUSPSImages {
		return nil, p.errorf("more than %d images, the most a USPS file may hold (MaxUSPSImages)", MaxUSPSImages)
	}
	if n == cap(p.pixels) {
		// Double the room, up to the limit: append's growth by 1.25 for
		// large slices would copy the images about 5 times over.
		room := min(max(2*cap(p.pixels), 256*USPSPixels), MaxUSPSImages*USPSPixels)
		p.pixels = append(make([]float64, 0, room), p.pixels...)
	}
	p.pixels = p.pixels[:n+USPSPixels]
	return p.pixels[n:], nil
}

// label parses a label and returns the digit it stands for. A label is
// written as the real files write them: decimal digits, optionally followed
// by a point and zeros ("6", "6.0000" in zip.train); see parseLabel.
func (p *uspsParser) label(s []byte) (int, error) {
	lo, hi := p.spec.label0, p.spec.label0+USPSClasses-1
	v, ok := parseLabel(s)
	if !ok {
		return 0, p.errorf(`label %s is not an integer written as the USPS files write them ("6" or "6.0000")`, quote(s))
	}
	if v < lo || v > hi {
		return 0, p.errorf("label %s out of range %d…%d", quote(s), lo, hi)
	}
	return v - p.spec.label0, nil
}

// pixel parses the value of pixel i (counted from 1) and scales it to [0, 1].
func (p *uspsParser) pixel(i int, s []byte) (float64, error) {
	v, err := scaledPixel(s, p.spec.lo, p.spec.hi)
	switch err {
	case nil:
		return v, nil
	case errOutOfRange:
		return 0, p.errorf("pixel %d: %s %w [%d, %d]", i, quote(s), err, p.spec.lo, p.spec.hi)
	}
	return 0, p.errorf("pixel %d: %s %w", i, quote(s), err)
}

var (
	errNotNumber  = errors.New("is not a number")
	errOutOfRange = errors.New("is outside")
)

// scaledPixel returns the number written s, which must lie in [lo, hi],
// mapped to [0, 1]: (v − lo)/(hi − lo). The course's files scale as v/2,
// ESL's and LIBSVM's as (v + 1)/2.
//
// The result is the exact value of (v − lo)/(hi − lo) for the decimal number
// written, rounded once to float64. Dividing the parsed float by 2 would be
// as exact for the course's [0, 2], but (v + 1)/2 in floating point rounds
// twice, and ESL's −0.6 would then not give the same float64 as the course's
// 0.4 for the same pixel. The fast path reads s as the integer m and the
// number of decimals k, v = m/10ᵏ, so that
//
//	(v − lo)/(hi − lo) = (m − lo·10ᵏ) / ((hi − lo)·10ᵏ)
//
// is the quotient of two integers below 2⁵³, exact in float64, and the
// division rounds once. It is also about three times as fast as
// strconv.ParseFloat (12 ns against 37 ns a value, BenchmarkScaledPixel).
// Other spellings (exponents, more than 15 digits) take the plain path,
// scaledPixelRef, which FuzzScaledPixel compares with this one.
func scaledPixel(s []byte, lo, hi int64) (float64, error) {
	m, k, ok := parseDecimal(s)
	if !ok {
		return scaledPixelRef(s, lo, hi)
	}
	p := pow10[k]
	if m < lo*p || m > hi*p {
		return 0, errOutOfRange
	}
	return float64(m-lo*p) / float64((hi-lo)*p), nil
}

// scaledPixelRef is the plain version of scaledPixel, exact only up to the
// rounding of the subtraction. NaN and ±Inf are out of range.
func scaledPixelRef(s []byte, lo, hi int64) (float64, error) {
	v, err := strconv.ParseFloat(string(s), 64)
	if errors.Is(err, strconv.ErrSyntax) {
		return 0, errNotNumber
	}
	// ParseFloat's other error, ErrRange, comes with ±Inf for a value too
	// large for a float64 and ±0 for one too small: the range check
	// rejects the first and keeps the second. It also rejects NaN.
	if !(v >= float64(lo) && v <= float64(hi)) {
		return 0, errOutOfRange
	}
	return (v - float64(lo)) / float64(hi-lo), nil
}

// scaledInt is scaledPixel for the integer v.
func scaledInt(v, lo, hi int64) float64 { return float64(v-lo) / float64(hi-lo) }

// maxDecimalDigits is the most digits parseDecimal reads: m < 10¹⁵ and
// 2·10¹⁵ < 2⁵³ keep every integer in scaledPixel exact in float64.
const maxDecimalDigits = 15

var pow10 = [maxDecimalDigits + 1]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseDecimal reads s = [+-]digits[.digits] (".5" and "5." included) as
// m/10ᵏ, k being the number of digits after the point. It reports false for
// any other form and for more than maxDecimalDigits digits.
func parseDecimal(s []byte) (m int64, k int, ok bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		i, neg = 1, s[0] == '-'
	}
	digits, point := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			if digits == maxDecimalDigits {
				return 0, 0, false
			}
			m = m*10 + int64(c-'0')
			digits++
			if point {
				k++
			}
		case c == '.' && !point:
			point = true
		default:
			return 0, 0, false
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	if neg {
		m = -m
	}
	return m, k, true
}

// parseLabel reads s = digits[.zeros]: one or more decimal digits,
// optionally followed by a point and any number of zeros ("6", "06", "6.",
// "6.0000"). It reports false for any other form: a sign, an exponent
// ("6e0"), hexadecimal ("0x1p1"), a non-zero decimal ("5.99999999999999999",
// which ParseFloat would round to 6). Values above 999 are returned as 999,
// out of every format's range.
func parseLabel(s []byte) (int, bool) {
	i, v := 0, 0
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		v = min(v*10+int(s[i]-'0'), 999)
	}
	if i == 0 {
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] == '0'; i++ {
		}
	}
	return v, i == len(s)
}

// parseIndex reads s as a positive decimal integer of at most 9 digits.
func parseIndex(s []byte) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// nextField returns the first field of line, fields being separated by
// spaces, tabs and carriage returns, and what follows it. field is empty
// when there is none.
func nextField(line []byte) (field, rest []byte) {
	i := 0
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	j := i
	for j < len(line) && !isSpace(line[j]) {
		j++
	}
	return line[i:j], line[j:]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

// quote quotes s for an error message, shortened when long.
func quote(s []byte) string {
	const max = 40
	if len(s) > max {
		return strconv.Quote(string(s[:max])) + "…"
	}
	return strconv.Quote(string(s))
}

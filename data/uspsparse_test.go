package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/nndiy/nndiy/tensor"
)

// synth is a small made-up USPS set: image i has the label i mod 10 and its
// pixel j the course value milli[i][j]/1000, in [0, 2]. The same images can
// be written in each of the three formats.
type synth struct {
	labels []int
	milli  [][]int
}

func synthImages(n int) synth {
	var s synth
	for i := 0; i < n; i++ {
		row := make([]int, USPSPixels)
		for j := range row {
			row[j] = (i*7919 + j*104729) % 2001
		}
		s.labels = append(s.labels, i%10)
		s.milli = append(s.milli, row)
	}
	// The ends of the range: 0 and 2 in the course's files, −1 and 1 in
	// the others.
	s.milli[0][0], s.milli[0][1] = 0, 2000
	return s
}

// want returns the images as the loader must scale them: milli/2000,
// rounded once.
func (s synth) want() *tensor.Tensor {
	X := tensor.New(len(s.labels), USPSPixels)
	for i, row := range s.milli {
		for j, m := range row {
			X.Set(i, j, float64(m)/2000)
		}
	}
	return X
}

// shortest writes m/1000 in its shortest decimal form, as the course's files
// and zip.test do ("0.052", "2", "-1").
func shortest(m int) string { return strconv.FormatFloat(float64(m)/1000, 'f', -1, 64) }

// course writes the images in the course's format.
func (s synth) course() string {
	var b strings.Builder
	b.WriteString("10 256\n")
	for i, row := range s.milli {
		fmt.Fprint(&b, s.labels[i])
		for _, m := range row {
			b.WriteString(" " + shortest(m))
		}
		b.WriteString("\n")
	}
	b.WriteString("-1\n")
	return b.String()
}

// esl writes the images in ESL's format: like zip.train with 4 decimals,
// float labels and a trailing space when trainStyle, else like zip.test.
func (s synth) esl(trainStyle bool) string {
	var b strings.Builder
	for i, row := range s.milli {
		if trainStyle {
			fmt.Fprintf(&b, "%.4f ", float64(s.labels[i]))
			for _, m := range row {
				fmt.Fprintf(&b, "%.4f ", float64(m-1000)/1000)
			}
		} else {
			fmt.Fprint(&b, s.labels[i])
			for _, m := range row {
				b.WriteString(" " + shortest(m-1000))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// libsvm writes the images in LIBSVM's format, labels shifted by 1.
func (s synth) libsvm() string {
	var b strings.Builder
	for i, row := range s.milli {
		fmt.Fprintf(&b, "%d ", s.labels[i]+1)
		for j, m := range row {
			fmt.Fprintf(&b, "%d:%.6f ", j+1, float64(m-1000)/1000)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func gzipBytes(t testing.TB, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func checkDataset(t *testing.T, ds *Dataset, s synth) {
	t.Helper()
	if !slices.Equal(ds.Labels, s.labels) {
		t.Errorf("labels %v, want %v", ds.Labels, s.labels)
	}
	want := s.want()
	if !tensor.SameShape(ds.X, want) {
		t.Fatalf("X shape %v, want %v", ds.X.Shape, want.Shape)
	}
	// Bit for bit: every format rounds the exact scaled value once.
	for i, v := range ds.X.Data {
		if v != want.Data[i] {
			t.Fatalf("image %d pixel %d = %v, want %v", i/USPSPixels, i%USPSPixels, v, want.Data[i])
		}
	}
}

func TestReadUSPSFormats(t *testing.T) {
	s := synthImages(12)
	// The standard library has no bzip2 writer: this file is
	// synthImages(12).libsvm() compressed by Python's bz2.compress(data, 9).
	bz2, err := os.ReadFile(filepath.Join("testdata", "synth12.libsvm.bz2"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		format uspsFormat
		input  []byte
	}{
		{"course", courseFormat, []byte(s.course())},
		{"course gzip", courseFormat, gzipBytes(t, s.course())},
		{"course CRLF", courseFormat, []byte(strings.ReplaceAll(s.course(), "\n", "\r\n"))},
		{"course blank lines", courseFormat, []byte("\n" + strings.ReplaceAll(s.course(), "\n", "\n\n"))},
		{"ESL zip.train style", eslFormat, []byte(s.esl(true))},
		{"ESL zip.test style", eslFormat, []byte(s.esl(false))},
		{"ESL gzip", eslFormat, gzipBytes(t, s.esl(true))},
		{"LIBSVM", libsvmFormat, []byte(s.libsvm())},
		{"LIBSVM bzip2", libsvmFormat, bz2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := readUSPS(bytes.NewReader(tt.input), "f", tt.format)
			if err != nil {
				t.Fatal(err)
			}
			checkDataset(t, ds, s)
			if ds.Source != "f" {
				t.Errorf("Source = %q", ds.Source)
			}
		})
	}
}

// TestLIBSVMSparse checks that a missing index stands for the value 0.
func TestLIBSVMSparse(t *testing.T) {
	ds, err := readUSPS(strings.NewReader("3 1:1 200:-0.5 256:-1\n"), "f", libsvmFormat)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Labels[0] != 2 {
		t.Errorf("label %d, want 2", ds.Labels[0])
	}
	for j, v := range ds.X.Row(0) {
		want := 0.5
		switch j {
		case 0:
			want = 1
		case 199:
			want = 0.25
		case 255:
			want = 0
		}
		if v != want {
			t.Errorf("pixel %d = %v, want %v", j+1, v, want)
		}
	}
}

// line returns "label v1 … vn" with every value 0 but those in set, whose
// keys count from 1.
func line(label string, n int, set map[int]string) string {
	f := []string{label}
	for j := 1; j <= n; j++ {
		v, ok := set[j]
		if !ok {
			v = "0"
		}
		f = append(f, v)
	}
	return strings.Join(f, " ") + "\n"
}

const header = "10 256\n"

var good = line("3", USPSPixels, nil)

// badInputs are malformed files of each format: the line the error must
// name (0 for none) and a part of its message. They are also the fuzz
// tests' seeds.
var badInputs = []struct {
	format uspsFormat
	input  string
	line   int
	msg    string
}{
	{courseFormat, "", 0, `empty file: no header "10 256"`},
	{courseFormat, "\n \n", 0, "empty file"},
	{courseFormat, "10 255\n" + good + "-1\n", 1, `first line "10 255" is not the header`},
	{courseFormat, "10 256 1\n" + good + "-1\n", 1, "is not the header"},
	{courseFormat, good + "-1\n", 1, `first line "3 0 0`},
	{courseFormat, header + line("3", 255, nil) + "-1\n", 2, "255 pixel values, want 256"},
	{courseFormat, header + good + line("3", 257, nil) + "-1\n", 3, "257 pixel values, want 256"},
	{courseFormat, header + "\n" + line("3", 0, nil) + "-1\n", 3, "0 pixel values, want 256"},
	{courseFormat, header + line("10", 256, nil) + "-1\n", 2, `label "10" out of range 0…9`},
	{courseFormat, header + line("-1", 256, nil) + "-1\n", 2, `label "-1" is not an integer`},
	{courseFormat, header + line("x", 256, nil) + "-1\n", 2, `label "x" is not an integer`},
	{courseFormat, header + line("3.5", 256, nil) + "-1\n", 2, `label "3.5" is not an integer`},
	{courseFormat, header + line("3", 256, map[int]string{5: "abc"}) + "-1\n", 2, `pixel 5: "abc" is not a number`},
	{courseFormat, header + line("3", 256, map[int]string{7: "2.001"}) + "-1\n", 2, `pixel 7: "2.001" is outside [0, 2]`},
	{courseFormat, header + line("3", 256, map[int]string{1: "-0.1"}) + "-1\n", 2, `pixel 1: "-0.1" is outside [0, 2]`},
	{courseFormat, header + line("3", 256, map[int]string{2: "NaN"}) + "-1\n", 2, `pixel 2: "NaN" is outside`},
	{courseFormat, header + line("3", 256, map[int]string{3: "Inf"}) + "-1\n", 2, `pixel 3: "Inf" is outside`},
	{courseFormat, header + line("3", 256, map[int]string{4: "1e999"}) + "-1\n", 2, `pixel 4: "1e999" is outside`},
	{courseFormat, header + line("3", 256, map[int]string{256: "1..2"}) + "-1\n", 2, `pixel 256: "1..2" is not a number`},
	{courseFormat, header + good + good, 3, "without the end marker -1"},
	{courseFormat, header + good + "-1\n" + good, 4, "line after the end marker"},
	{courseFormat, header + good + "-1\n-1\n", 4, "line after the end marker"},
	{courseFormat, header + "-1\n", 0, "no images"},
	{eslFormat, "", 0, "no images"},
	{eslFormat, line("6.5", 256, nil), 1, `label "6.5" is not an integer`},
	{eslFormat, good + line("-1.0000", 256, nil), 2, `label "-1.0000" is not an integer`},
	{eslFormat, good + line("10.0000", 256, nil), 2, `label "10.0000" out of range 0…9`},
	{eslFormat, good + line("99999999999999999999", 256, nil), 2, `label "99999999999999999999" out of range 0…9`},
	// Issue 14: labels that ParseFloat reads as whole numbers, but that no
	// USPS file writes.
	{eslFormat, line("0x1p1", 256, nil), 1, `label "0x1p1" is not an integer`},
	{eslFormat, line("0.99999999999999999", 256, nil), 1, `label "0.99999999999999999" is not an integer`},
	{eslFormat, line("1e0", 256, nil), 1, `label "1e0" is not an integer`},
	{eslFormat, good + line("1e1", 256, nil), 2, `label "1e1" is not an integer`},
	{eslFormat, line("+3", 256, nil), 1, `label "+3" is not an integer`},
	{eslFormat, line("6.0001", 256, nil), 1, `label "6.0001" is not an integer`},
	{eslFormat, line(".0", 256, nil), 1, `label ".0" is not an integer`},
	{libsvmFormat, "2.5 1:0\n", 1, `label "2.5" is not an integer`},
	{libsvmFormat, "0x1p1 1:0\n", 1, `label "0x1p1" is not an integer`},
	// Issue 14: a file cut inside its last line. zip.train's "-0.6210 "
	// cut to "-0.6" would otherwise load with a wrong pixel.
	{eslFormat, good + strings.TrimSuffix(line("6.0000", 256, map[int]string{256: "-0.6210"}), "210\n"), 2, "the last line does not end with a newline: the file is truncated"},
	{eslFormat, strings.TrimSuffix(good, "\n"), 1, "does not end with a newline"},
	{eslFormat, good + " ", 2, "does not end with a newline"},
	{courseFormat, header + good + "-1", 3, "does not end with a newline"},
	{courseFormat, header + good + "-", 3, "does not end with a newline"},
	{courseFormat, "10 256", 1, "does not end with a newline"},
	{libsvmFormat, "3 1:0.5 2:-0.25\n4 1:0.5 2:-0.2", 2, "does not end with a newline"},
	{eslFormat, line("6", 256, map[int]string{9: "1.0001"}), 1, `pixel 9: "1.0001" is outside [-1, 1]`},
	{eslFormat, line("6", 256, map[int]string{9: "-1.5"}), 1, `pixel 9: "-1.5" is outside [-1, 1]`},
	{eslFormat, good + good + line("6", 100, nil), 3, "100 pixel values, want 256"},
	{libsvmFormat, "", 0, "no images"},
	{libsvmFormat, "0 1:0\n", 1, `label "0" out of range 1…10`},
	{libsvmFormat, "1 1:0\n11 1:0\n", 2, `label "11" out of range 1…10`},
	{libsvmFormat, "5 1:0 3-0.5\n", 1, `"3-0.5" is not index:value`},
	{libsvmFormat, "5 257:0\n", 1, `index "257" out of range 1…256`},
	{libsvmFormat, "5 0:0\n", 1, `index "0" out of range 1…256`},
	{libsvmFormat, "5 a:0\n", 1, `index "a" out of range 1…256`},
	{libsvmFormat, "5 99999999999:0\n", 1, `index "99999999999" out of range`},
	{libsvmFormat, "5 3:0 2:0\n", 1, "index 2 after index 3: indices must increase"},
	{libsvmFormat, "5 3:0 3:0\n", 1, "index 3 after index 3"},
	{libsvmFormat, "5 1:1.2\n", 1, `pixel 1: "1.2" is outside [-1, 1]`},
	{libsvmFormat, "5 1:\n", 1, `pixel 1: "" is not a number`},
	{libsvmFormat, "5 1:0:0\n", 1, `pixel 1: "0:0" is not a number`},
}

func TestReadUSPSErrors(t *testing.T) {
	for _, tt := range badInputs {
		name := fmt.Sprintf("%s/%.30q", uspsFormats[tt.format].name, tt.input)
		t.Run(name, func(t *testing.T) {
			checkParseError(t, tt.format, []byte(tt.input), tt.line, tt.msg)
		})
	}
}

func checkParseError(t *testing.T, f uspsFormat, input []byte, line int, msg string) {
	t.Helper()
	ds, err := readUSPS(bytes.NewReader(input), "dir/file.txt", f)
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), dataset %v: want a *ParseError", err, err, ds)
	}
	if pe.File != "dir/file.txt" || pe.Line != line || !strings.Contains(pe.Error(), msg) {
		t.Errorf("error %q (line %d), want line %d and %q", pe, pe.Line, line, msg)
	}
	if prefix := fmt.Sprintf("data: dir/file.txt:%d: ", line); line > 0 && !strings.HasPrefix(pe.Error(), prefix) {
		t.Errorf("error %q does not start with %q", pe, prefix)
	}
}

// TestParseLabel checks the spellings of a label that the loaders accept,
// and a few they reject (badInputs has more, in whole files).
func TestParseLabel(t *testing.T) {
	tests := []struct {
		s  string
		v  int
		ok bool
	}{
		{"6", 6, true}, {"6.0000", 6, true}, {"6.", 6, true}, {"06", 6, true}, {"0", 0, true}, {"10", 10, true},
		{"0.0", 0, true}, {"123456789012345678901234567890", 999, true},
		{"", 0, false}, {".", 0, false}, {".0", 0, false}, {"-0", 0, false}, {"+6", 0, false}, {"6.5", 0, false},
		{"6.00001", 0, false}, {"6e0", 0, false}, {"0x1p1", 0, false}, {"0.99999999999999999", 0, false},
		{"6..0", 0, false}, {"6.0.", 0, false}, {"١", 0, false}, {"Inf", 0, false}, {"NaN", 0, false},
	}
	for _, tt := range tests {
		v, ok := parseLabel([]byte(tt.s))
		if ok != tt.ok || (ok && v != tt.v) {
			t.Errorf("parseLabel(%q) = %d, %v, want %d, %v", tt.s, v, ok, tt.v, tt.ok)
		}
	}
}

// labelOnly is issue 14's LIBSVM file: "1\n" 500 000 times, 1 MB that gzip
// makes 1010 bytes. Each line is a whole image (the digit 0, every pixel
// missing, so 0.5): 500 000 images, 4.3 GB resident before MaxUSPSImages.
var labelOnly = sync.OnceValue(func() []byte {
	return gzipBytes(nil, strings.Repeat("1\n", 500_000))
})

// blankImages is issue 14's ESL file: image lines of 256 zeros, one more
// than MaxUSPSImages, gzipped (149 KB).
var blankImages = sync.OnceValue(func() []byte {
	return gzipBytes(nil, strings.Repeat(line("0", USPSPixels, nil), MaxUSPSImages+1))
})

// TestReadUSPSLimits checks that files with too many images or bytes fail
// with a *ParseError, and that files at the limits load.
func TestReadUSPSLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 128 MiB")
	}
	z := labelOnly()
	if len(z) > 2048 {
		t.Fatalf("the gzip of 500 000 label lines is %d bytes, want about 1 KB", len(z))
	}
	checkParseError(t, libsvmFormat, z, MaxUSPSImages+1, "more than 65536 images")
	// blankImages, the same limit in ESL's format, is FuzzReadESL's seed.

	// Exactly MaxUSPSImages images load.
	ds, err := readUSPS(strings.NewReader(strings.Repeat("1\n", MaxUSPSImages)), "f", libsvmFormat)
	if err != nil || ds.Len() != MaxUSPSImages {
		t.Fatalf("%d images: error %v", MaxUSPSImages, err)
	}

	// An endless file of blank lines (each of maxLineBytes) stops at
	// MaxUSPSFileBytes.
	_, err = readUSPS(&blankLines{}, "f", eslFormat)
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "more than 134217728 bytes (128 MiB) once decompressed") {
		t.Errorf("endless file: error %v, want one about MaxUSPSFileBytes", err)
	}
}

// TestCapReader checks the byte limit at its boundary: a file of exactly
// the limit is read to its end, one byte more is an error.
func TestCapReader(t *testing.T) {
	for _, tt := range []struct {
		input string
		limit int64
		err   error
	}{
		{"abc", 3, nil}, {"abc", 4, nil}, {"abcd", 3, errTooLarge}, {"", 0, nil}, {"a", 0, errTooLarge},
	} {
		got, err := io.ReadAll(&capReader{r: iotest.OneByteReader(strings.NewReader(tt.input)), left: tt.limit})
		if err != tt.err || (err == nil && string(got) != tt.input) {
			t.Errorf("%q with limit %d: read %q, error %v; want error %v", tt.input, tt.limit, got, err, tt.err)
		}
	}
}

// blankLines is an endless file of lines of spaces, each maxLineBytes long
// with its newline.
type blankLines struct{ n int }

var blankLine = []byte(strings.Repeat(" ", maxLineBytes-1) + "\n")

func (r *blankLines) Read(b []byte) (int, error) {
	n := copy(b, blankLine[r.n:])
	r.n = (r.n + n) % len(blankLine)
	return n, nil
}

func TestReadUSPSLongLineAndBadCompression(t *testing.T) {
	long := header + "3" + strings.Repeat(" 0", maxLineBytes/2) + "\n-1\n"
	checkParseError(t, courseFormat, []byte(long), 2, "line longer than 1048576 bytes")

	z := gzipBytes(t, header+good+good+"-1\n")
	checkParseError(t, courseFormat, z[:len(z)/2], 0, "reading after line")
	checkParseError(t, courseFormat, z[:5], 0, "gzip: unexpected EOF")
	checkParseError(t, libsvmFormat, []byte("BZh9 not bzip2"), 0, "bzip2")
}

// checkDatasetInvariants checks what every successfully parsed file must
// satisfy.
func checkDatasetInvariants(t *testing.T, ds *Dataset) {
	n := ds.Len()
	if n == 0 || ds.X.Rows() != n || ds.X.Cols() != USPSPixels {
		t.Fatalf("%d labels, X shape %v", n, ds.X.Shape)
	}
	for _, l := range ds.Labels {
		if l < 0 || l >= USPSClasses {
			t.Fatalf("label %d", l)
		}
	}
	for _, v := range ds.X.Data {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("pixel %v outside [0, 1]", v)
		}
	}
}

// fuzzFormat fuzzes the parser of one format: no input may make it panic,
// every error must be a *ParseError, and every dataset it returns must be
// valid.
func fuzzFormat(f *testing.F, format uspsFormat, valid string) {
	f.Add([]byte(valid))
	f.Add(gzipBytes(f, valid))
	for _, b := range badInputs {
		if b.format == format {
			f.Add([]byte(b.input))
		}
	}
	// Issue 14's files beyond the limits.
	switch format {
	case libsvmFormat:
		f.Add(labelOnly())
	case eslFormat:
		f.Add(blankImages())
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		ds, err := readUSPS(bytes.NewReader(input), "fuzz", format)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz" {
				t.Fatalf("error %v (%T), want a *ParseError", err, err)
			}
			return
		}
		checkDatasetInvariants(t, ds)
	})
}

func FuzzReadCourse(f *testing.F) { fuzzFormat(f, courseFormat, synthImages(2).course()) }
func FuzzReadESL(f *testing.F)    { fuzzFormat(f, eslFormat, synthImages(2).esl(true)) }
func FuzzReadLIBSVM(f *testing.F) { fuzzFormat(f, libsvmFormat, synthImages(2).libsvm()) }

// FuzzScaledPixel compares the fast exact scaling with the exact value
// computed by math/big, and with the plain path through strconv.ParseFloat.
func FuzzScaledPixel(f *testing.F) {
	for _, s := range []string{"0", "2", "-1.0000", "1.0000", "0.052", "-0.6", "0.4", ".5", "5.", "+1", "-0",
		"1e-3", "abc", "NaN", "-Inf", "0x1p-1", "1.00000000000001", "0.1234567890123456", "", "-", ".", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range [][2]int64{{0, 2}, {-1, 1}} {
			lo, hi := r[0], r[1]
			got, err := scaledPixel([]byte(s), lo, hi)
			ref, refErr := scaledPixelRef([]byte(s), lo, hi)
			if (err == nil) != (refErr == nil) {
				t.Fatalf("scaledPixel(%q, %d, %d): error %v, reference error %v", s, lo, hi, err, refErr)
			}
			if err != nil {
				continue
			}
			if !(got >= 0 && got <= 1) {
				t.Fatalf("scaledPixel(%q, %d, %d) = %v outside [0, 1]", s, lo, hi, got)
			}
			// Within an ulp of the plain path, and equal to it when the
			// scaling is a halving, which is exact.
			if d := math.Abs(got - ref); d > 0x1p-53 || (lo == 0 && d != 0) {
				t.Fatalf("scaledPixel(%q, %d, %d) = %v, ParseFloat gives %v", s, lo, hi, got, ref)
			}
			m, k, ok := parseDecimal([]byte(s))
			if !ok {
				continue
			}
			// The fast path's value is the exact (v − lo)/(hi − lo)
			// rounded once.
			v, ok := new(big.Rat).SetString(s)
			if !ok {
				t.Fatalf("parseDecimal accepts %q, big.Rat does not", s)
			}
			if v.Cmp(big.NewRat(m, pow10[k])) != 0 {
				t.Fatalf("parseDecimal(%q) = %d/10^%d, want %v", s, m, k, v)
			}
			v.Sub(v, big.NewRat(lo, 1)).Quo(v, big.NewRat(hi-lo, 1))
			if want, _ := v.Float64(); got != want {
				t.Fatalf("scaledPixel(%q, %d, %d) = %v, want %v", s, lo, hi, got, want)
			}
		}
	})
}

// BenchmarkReadUSPS parses 1000 synthetic images in each format, without
// compression.
func BenchmarkReadUSPS(b *testing.B) {
	s := synthImages(1000)
	for _, bf := range []struct {
		name   string
		format uspsFormat
		input  string
	}{
		{"course", courseFormat, s.course()},
		{"ESL", eslFormat, s.esl(true)},
		{"LIBSVM", libsvmFormat, s.libsvm()},
	} {
		b.Run(bf.name, func(b *testing.B) {
			b.SetBytes(int64(len(bf.input)))
			for b.Loop() {
				if _, err := readUSPS(strings.NewReader(bf.input), "f", bf.format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScaledPixel compares the exact fast path with the plain one.
func BenchmarkScaledPixel(b *testing.B) {
	values := [][]byte{[]byte("-0.9480"), []byte("0.052"), []byte("-1.0000"), []byte("0.734000")}
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			for _, v := range values {
				scaledPixel(v, -1, 1)
			}
		}
	})
	b.Run("ParseFloat", func(b *testing.B) {
		for b.Loop() {
			for _, v := range values {
				scaledPixelRef(v, -1, 1)
			}
		}
	})
}

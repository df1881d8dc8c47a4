package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/internal/portable"
	"github.com/nndiy/nndiy/tensor"
)

// dataset is an experiment's points, split into a training and a test set.
// A classification set has 2-D points and class indices 0 … classes−1; the
// regression set has 1-D inputs x and real targets y.
type dataset struct {
	classes                int            // 0 for regression
	xTrain, xTest          *tensor.Tensor // n×2, or n×1 for regression
	labelTrain, labelTest  []int          // class indices; nil for regression
	targetTrain, targetTst *tensor.Tensor // regression targets (n×1); nil otherwise
	bounds                 [4]float64     // the view: x₁ from, to, x₂ (or y) from, to
}

// The random streams of a session, all drawn from its seed: the same seed
// gives the same data, the same initial weights and the same batches.
const (
	streamData = iota + 1
	streamInit
	streamBatches
)

func rng(seed uint64, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// points is a data set before the split: x is n×2 (n×1 for regression).
type points struct {
	x       *tensor.Tensor
	labels  []int          // classification
	target  *tensor.Tensor // regression
	classes int
}

// makeDataset draws the points of c.Data (csv: takes them from upload),
// then splits them.
func makeDataset(c Config, upload *points) (*dataset, error) {
	r := rng(c.Seed, streamData)
	var p points
	switch c.Data {
	case "regression":
		opts := data.DefaultRegressionOptions()
		opts.Noise = c.Noise
		if err := opts.Check(c.Points); err != nil {
			return nil, err
		}
		x, y := data.Regression(c.Points, opts, r)
		p = points{x: x, target: y}
	case "blobs":
		p = blobs(c.Points, c.Classes, c.Noise, r)
	case "csv":
		if upload == nil {
			return nil, errors.New("data csv: upload a file first")
		}
		p = *upload
	default:
		kind, err := data.ParseKind(c.Data)
		if err != nil {
			return nil, err
		}
		opts := data.DefaultArtiOptions()
		opts.Epsilon = c.Noise
		if err := opts.Check(kind, c.Points); err != nil {
			return nil, err
		}
		x, y := data.Arti(kind, c.Points, opts, r)
		p = points{x: x, labels: data.SignsToClasses(nil, y), classes: 2}
	}
	n := p.x.Rows()
	train, test, err := data.SplitIndices(n, c.Test, r)
	if err != nil {
		return nil, err
	}
	if len(train) == 0 || len(test) == 0 {
		return nil, fmt.Errorf("%d points split %v: want at least one point on each side", n, c.Test)
	}
	d := &dataset{
		classes: p.classes,
		xTrain:  data.GatherRows(nil, p.x, train),
		xTest:   data.GatherRows(nil, p.x, test),
	}
	if p.target != nil {
		d.targetTrain = data.GatherRows(nil, p.target, train)
		d.targetTst = data.GatherRows(nil, p.target, test)
		d.bounds = viewBounds(p.x.Data, p.target.Data)
	} else {
		d.labelTrain, d.labelTest = pick(p.labels, train), pick(p.labels, test)
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range n {
			xs[i], ys[i] = p.x.At(i, 0), p.x.At(i, 1)
		}
		d.bounds = viewBounds(xs, ys)
	}
	return d, nil
}

func pick(labels []int, idx []int) []int {
	out := make([]int, len(idx))
	for i, j := range idx {
		out[i] = labels[j]
	}
	return out
}

// viewBounds returns the box around the points with a margin of a tenth of
// its size on each side (the decision boundary is drawn a little beyond
// the data).
func viewBounds(xs, ys []float64) [4]float64 {
	box := func(v []float64) (lo, hi float64) {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, a := range v {
			lo, hi = min(lo, a), max(hi, a)
		}
		m := max((hi-lo)/10, 0.1)
		return lo - m, hi + m
	}
	x0, x1 := box(xs)
	y0, y1 := box(ys)
	return [4]float64{x0, x1, y0, y1}
}

// blobs draws n points around k centres evenly spaced on the circle of
// radius 2, class i around centre i, with the course's variance 0.1 per
// coordinate plus noise. The classes get n/k points each, the first n mod k
// one more.
func blobs(n, k int, noise float64, r *rand.Rand) points {
	x := tensor.New(n, 2)
	labels := make([]int, n)
	std := math.Sqrt(0.1)
	for i := range n {
		c := i % k
		// portable's Norm and Sincos, and every product rounded before
		// its sum (float64(a*b)), so that a seed gives the same points on
		// arm64, whose compiler would fuse a*b + c, as on amd64.
		s, co := portable.Sincos(2 * math.Pi * float64(c) / float64(k))
		x.Set(i, 0, float64(2*co)+float64(std*portable.Norm(r))+float64(noise*portable.Norm(r)))
		x.Set(i, 1, float64(2*s)+float64(std*portable.Norm(r))+float64(noise*portable.Norm(r)))
		labels[i] = c
	}
	return points{x: x, labels: labels, classes: k}
}

// The limits of an uploaded CSV file.
const (
	maxCSVBytes = 256 << 10
	maxCSVRows  = maxPoints
)

// parseCSV reads a file of lines x1,x2,label: two finite numbers and a
// class, either 0 … maxClasses−1 or the course's −1/+1 (read as 0 and 1).
// A first line that does not start with a number is a header and is
// skipped; blank lines are skipped. Every error names the line.
func parseCSV(b []byte) (*points, error) {
	if len(b) > maxCSVBytes {
		return nil, fmt.Errorf("csv: the file has %d bytes, the limit is %d", len(b), maxCSVBytes)
	}
	var xs []float64
	var raw []int
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 4096), maxCSVBytes)
	line, header := 0, false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if len(raw) == 0 && !header && !startsNumber(text) {
			header = true // a first line such as x1,x2,label
			continue
		}
		if len(fields) != 3 {
			return nil, fmt.Errorf("csv line %d: %d fields, want 3: x1,x2,label", line, len(fields))
		}
		if len(raw) == maxCSVRows {
			return nil, fmt.Errorf("csv line %d: more than %d points", line, maxCSVRows)
		}
		for j, name := range []string{"x1", "x2"} {
			v, err := strconv.ParseFloat(strings.TrimSpace(fields[j]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("csv line %d: %s = %q is not a finite number", line, name, fields[j])
			}
			if math.Abs(v) > 1e6 {
				return nil, fmt.Errorf("csv line %d: %s = %v is too large (|x| ≤ 1e6)", line, name, v)
			}
			xs = append(xs, v)
		}
		l, err := strconv.Atoi(strings.TrimSpace(fields[2]))
		if err != nil || l < -1 || l >= maxClasses {
			return nil, fmt.Errorf("csv line %d: label %q, want a class 0 … %d, or −1/+1", line, fields[2], maxClasses-1)
		}
		raw = append(raw, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("csv line %d: %v", line+1, err)
	}
	if len(raw) < minPoints {
		return nil, fmt.Errorf("csv: %d points, want at least %d", len(raw), minPoints)
	}
	labels, classes, err := csvClasses(raw)
	if err != nil {
		return nil, err
	}
	return &points{x: tensor.FromSlice(xs, len(raw), 2), labels: labels, classes: classes}, nil
}

// csvClasses maps labels −1/+1 to classes 0/1 and checks that the classes
// 0 … k−1 all occur, k ≥ 2.
func csvClasses(raw []int) (labels []int, classes int, err error) {
	signs := true
	for _, l := range raw {
		if l != -1 && l != 1 {
			signs = false
		}
	}
	labels = make([]int, len(raw))
	for i, l := range raw {
		switch {
		case signs:
			labels[i] = (l + 1) / 2
		case l < 0:
			return nil, 0, fmt.Errorf("csv: label −1 mixed with labels other than +1; use 0 … %d, or −1/+1 only", maxClasses-1)
		default:
			labels[i] = l
		}
		classes = max(classes, labels[i]+1)
	}
	seen := make([]bool, classes)
	for _, l := range labels {
		seen[l] = true
	}
	for c, ok := range seen {
		if !ok {
			return nil, 0, fmt.Errorf("csv: no point of class %d (classes must be 0 … %d, all present)", c, classes-1)
		}
	}
	if classes < 2 {
		return nil, 0, errors.New("csv: all points have the same label, want at least 2 classes")
	}
	return labels, classes, nil
}

func startsNumber(s string) bool {
	return s[0] == '-' || s[0] == '+' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9')
}

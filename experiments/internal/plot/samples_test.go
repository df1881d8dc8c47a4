package plot

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// sampleDir is where TestSamples writes its figures: the directory named by
// $PLOT_SAMPLES (to look at them), or a temporary one.
func sampleDir(t *testing.T) string {
	if d := os.Getenv("PLOT_SAMPLES"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func lossCurves() *LineChart {
	l := NewLineChart("Training loss", "epoch", "MSE loss")
	var xs, a, b, c []float64
	for e := 1; e <= 200; e++ {
		x := float64(e)
		xs = append(xs, x)
		a = append(a, 0.9*math.Exp(-x/30)+0.05+0.01*math.Sin(x))
		b = append(b, 0.9*math.Exp(-x/30)+0.05+0.012*math.Sin(x*1.1))
		c = append(c, 1.0*math.Exp(-x/60)+0.2)
	}
	l.Add("nndiy", xs, a)
	l.Add("linear model", xs, c)
	// The reference is drawn last, dashed and dark, so that where the
	// curves coincide both show.
	p := l.Add("PyTorch", xs, b)
	p.Dashed = true
	p.Colour = "#000000"
	return l
}

// xorData returns n points of the course's XOR set: four Gaussian blobs,
// label +1 on one diagonal and −1 on the other.
func xorData(n int, seed uint64) (xy, labels []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for k := range n {
		cx, cy := 1.0, 1.0
		if k%2 == 1 {
			cx = -1
		}
		if k%4 >= 2 {
			cy = -1
		}
		xy = append(xy, cx+0.35*rng.NormFloat64(), cy+0.35*rng.NormFloat64())
		labels = append(labels, cx*cy)
	}
	return xy, labels
}

func xorBoundary() *DecisionBoundary {
	xy, labels := xorData(400, 1)
	d := NewDecisionBoundary("XOR: one hidden layer", Pointwise(func(x1, x2 float64) float64 {
		return math.Tanh(2 * x1 * x2)
	}), 0)
	d.AddByLabel(xy, labels)
	return d
}

func circleBoundary() *DecisionBoundary {
	rng := rand.New(rand.NewPCG(2, 2))
	var xy, labels []float64
	for range 300 {
		r := 1.0
		if rng.IntN(2) == 0 {
			r = 2
		}
		t := rng.Float64() * 2 * math.Pi
		r += 0.2 * rng.NormFloat64()
		xy = append(xy, r*math.Cos(t), r*math.Sin(t))
		labels = append(labels, math.Round(r/2-0.25))
	}
	d := NewDecisionBoundary("Circles: sigmoid output", Pointwise(func(x1, x2 float64) float64 {
		return 1 / (1 + math.Exp(-4*(math.Hypot(x1, x2)-1.5)))
	}), 0.5)
	d.AddByLabel(xy, labels)
	return d
}

func gaussBoundary() *DecisionBoundary {
	rng := rand.New(rand.NewPCG(3, 3))
	var xy, labels []float64
	for k := range 300 {
		c := 1.0
		if k%2 == 0 {
			c = -1
		}
		xy = append(xy, c+0.6*rng.NormFloat64(), c+0.6*rng.NormFloat64())
		labels = append(labels, c)
	}
	d := NewDecisionBoundary("Two Gaussians: linear model", Pointwise(func(x1, x2 float64) float64 {
		return 0.7*x1 + 0.5*x2 + 0.1
	}), 0)
	d.AddByLabel(xy, labels)
	return d
}

func threeClasses() *Scatter {
	rng := rand.New(rand.NewPCG(4, 4))
	s := NewScatter("Three blobs", "x₁", "x₂")
	for c := range 3 {
		var xs, ys []float64
		for range 80 {
			xs = append(xs, float64(c)*1.5+0.5*rng.NormFloat64())
			ys = append(ys, float64(c%2)*1.2+0.5*rng.NormFloat64())
		}
		s.Add("class "+strconv.Itoa(c), xs, ys)
	}
	return s
}

func confusion() *Heatmap {
	rng := rand.New(rand.NewPCG(5, 5))
	counts := make([][]int, 10)
	for i := range counts {
		counts[i] = make([]int, 10)
		for j := range counts[i] {
			if i == j {
				counts[i][j] = 150 + rng.IntN(200)
			} else if rng.IntN(3) == 0 {
				counts[i][j] = rng.IntN(12)
			}
		}
	}
	h := ConfusionMatrix("USPS test set: confusion matrix", counts, nil)
	h.ColourBar = true
	return h
}

func weights() *Heatmap {
	v := make([][]float64, 16)
	for i := range v {
		v[i] = make([]float64, 16)
		for j := range v[i] {
			v[i][j] = math.Sin(float64(i)/3) * math.Cos(float64(j)/4) * 0.3
		}
	}
	h := NewHeatmap("Weights of the unit for digit 3", v)
	h.Diverging = true
	h.ColourBar = true
	return h
}

func panels() *Grid {
	a, b, c := gaussBoundary(), xorBoundary(), circleBoundary()
	a.Title, b.Title, c.Title = "Two Gaussians", "XOR", "Circles"
	b.Legend, c.Legend = LegendHidden, LegendHidden
	for _, d := range []*DecisionBoundary{a, b, c} {
		d.Width, d.Height = 360, 340
	}
	return NewGrid("Decision boundaries of the same network on three data sets", 0, a, b, c)
}

func logLoss() *LineChart {
	l := NewLineChart("Loss (log scale)", "iteration", "loss")
	l.LogY = true
	var xs, plain, adam []float64
	for i := 0; i <= 1000; i += 5 {
		x := float64(i)
		xs = append(xs, x)
		plain = append(plain, 0.7*math.Exp(-x/400)+0.02)
		adam = append(adam, 0.7*math.Exp(-x/60)+2e-4*(1+math.Sin(x/20)))
	}
	l.Add("SGD", xs, plain)
	l.Add("Adam", xs, adam)
	return l
}

func accuracy() *LineChart {
	l := NewLineChart("Accuracy per epoch", "epoch", "accuracy")
	var train, test []float64
	for e := 1; e <= 20; e++ {
		x := float64(e)
		train = append(train, 1-0.5*math.Exp(-x/3))
		test = append(test, 0.97-0.5*math.Exp(-x/3)-0.002*x)
	}
	l.AddY("train", train).Marker = Circle
	l.AddY("test", test).Marker = Square
	l.YMin, l.YMax = 0.4, 1
	return l
}

// digitGrid shows "digits" drawn with the bitmap font, blurred a little,
// with one mistake.
func digitGrid() *ImageGrid {
	g := NewImageGrid("Digits: predictions", 5)
	for k := range 10 {
		pix := make([]float64, 16*16)
		glyph := font5x9[rune('0'+k)]
		for r := range 7 {
			for c := range 5 {
				if glyph[r][c] == '#' {
					for _, d := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
						pix[(1+2*r+d[0])*16+3+2*c+d[1]] = 2
					}
				}
			}
		}
		pred := k
		if k == 5 {
			pred = 3
		}
		im := g.Add(pix, 16, 16, "pred "+strconv.Itoa(pred)+"\ntrue "+strconv.Itoa(k))
		im.Mistake = pred != k
	}
	return g
}

// crowded has curves all over the plot area: the legend must go outside.
func crowded() *LineChart {
	l := NewLineChart("Learning rates", "epoch", "loss")
	for k, lr := range []string{"0.001", "0.003", "0.01", "0.03", "0.1", "0.3"} {
		var xs, ys []float64
		for e := 0; e <= 50; e++ {
			xs = append(xs, float64(e))
			ys = append(ys, 0.5+0.45*math.Sin(float64(e)/4+float64(k)))
		}
		l.Add("lr = "+lr, xs, ys)
	}
	return l
}

// checkerBoundary has many saddles: where four squares meet.
func checkerBoundary() *DecisionBoundary {
	rng := rand.New(rand.NewPCG(6, 6))
	var xy, labels []float64
	for range 500 {
		x, y := rng.Float64()*4-2, rng.Float64()*4-2
		xy = append(xy, x, y)
		labels = append(labels, math.Copysign(1, math.Sin(math.Pi*x)*math.Sin(math.Pi*y)))
	}
	d := NewDecisionBoundary("Checkerboard", Pointwise(func(x1, x2 float64) float64 {
		return math.Sin(math.Pi*x1) * math.Sin(math.Pi*x2)
	}), 0)
	d.AddByLabel(xy, labels)
	return d
}

func TestSamples(t *testing.T) {
	dir := sampleDir(t)
	figs := map[string]Figure{
		"line":      lossCurves(),
		"scatter":   threeClasses(),
		"xor":       xorBoundary(),
		"circles":   circleBoundary(),
		"gaussian":  gaussBoundary(),
		"confusion": confusion(),
		"weights":   weights(),
		"panels":    panels(),
		"logy":      logLoss(),
		"accuracy":  accuracy(),
		"digits":    digitGrid(),
		"crowded":   crowded(),
		"checker":   checkerBoundary(),
		"bars":      epochTimes(),
	}
	for name, f := range figs {
		if err := SaveSVG(filepath.Join(dir, name+".svg"), f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := digitGrid().SavePNG(filepath.Join(dir, "digits.png")); err != nil {
		t.Fatal(err)
	}
}

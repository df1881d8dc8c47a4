package digits

import (
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/internal/portable"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

func TestGenerateShapes(t *testing.T) {
	for _, n := range []int{1, 10, 57} {
		ds := Generate(n, 3)
		if ds.X.Rows() != n || ds.X.Cols() != data.USPSPixels || len(ds.Labels) != n {
			t.Fatalf("Generate(%d): X %v, %d labels", n, ds.X.Shape, len(ds.Labels))
		}
		for i, v := range ds.X.Data {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("Generate(%d): pixel %d = %v, outside [0, 1]", n, i, v)
			}
		}
		var counts [Classes]int
		for _, l := range ds.Labels {
			counts[l]++
		}
		// Every block of ten images holds each digit once.
		for d, c := range counts {
			if c < n/Classes || c > (n+Classes-1)/Classes {
				t.Errorf("Generate(%d): %d images of %d, want %d or %d", n, c, d, n/Classes, (n+Classes-1)/Classes)
			}
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, b, c := Generate(50, 7), Generate(50, 7), Generate(50, 8)
	if !slices.Equal(a.X.Data, b.X.Data) || !slices.Equal(a.Labels, b.Labels) {
		t.Error("Generate(50, 7) differs between two calls")
	}
	if slices.Equal(a.X.Data, c.X.Data) {
		t.Error("seeds 7 and 8 give the same images")
	}
}

// The digits look like digits: ink on a mostly blank background, and every
// image different.
func TestGenerateInk(t *testing.T) {
	ds := Generate(200, 1)
	for i := range ds.Len() {
		img := Image(ds, i)
		dark, light := 0, 0
		for _, v := range img {
			if v > 0.5 {
				dark++
			} else if v < 0.2 {
				light++
			}
		}
		if dark < 10 || light < 128 {
			t.Errorf("image %d (digit %d): %d dark and %d light pixels", i, ds.Labels[i], dark, light)
		}
		if i > 0 && slices.Equal(img, Image(ds, i-1)) {
			t.Errorf("images %d and %d are equal", i-1, i)
		}
	}
}

// A logistic regression learns the synthetic digits well but not perfectly,
// as USPS: they are learnable and not trivial.
func TestGenerateLearnable(t *testing.T) {
	train, test := Generate(1000, 1), Generate(300, 2)
	rng := rand.New(rand.NewPCG(1, 1))
	net := layers.NewSequential(layers.NewLinear(data.USPSPixels, Classes, rng))
	o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0).WithOptimizer(optim.NewAdam(3e-3))
	if _, err := optim.Fit(o, train.X, train.OneHot(), optim.Config{BatchSize: 32, Epochs: 5, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	acc := NewConfusion(test.Labels, Predict(net, test.X, 64)).Accuracy()
	if acc < 0.8 || acc > 0.995 {
		t.Errorf("test accuracy of a linear classifier %.3f, want in [0.8, 0.995]", acc)
	}
}

func TestConfusion(t *testing.T) {
	truth := []int{0, 0, 1, 1, 1, 2, 9}
	pred := []int{0, 1, 1, 1, 2, 2, 0}
	c := NewConfusion(truth, pred)
	if c.Total() != 7 || c.Correct() != 4 {
		t.Errorf("total %d, correct %d, want 7 and 4", c.Total(), c.Correct())
	}
	if got := c.Accuracy(); got != 4.0/7 {
		t.Errorf("accuracy %v, want 4/7", got)
	}
	for _, tc := range []struct {
		d     int
		count int
		acc   float64
	}{{0, 2, 0.5}, {1, 3, 2.0 / 3}, {2, 1, 1}, {9, 1, 0}} {
		if c.ClassCount(tc.d) != tc.count || c.ClassAccuracy(tc.d) != tc.acc {
			t.Errorf("class %d: count %d, accuracy %v, want %d, %v", tc.d, c.ClassCount(tc.d), c.ClassAccuracy(tc.d), tc.count, tc.acc)
		}
	}
	if c[1][2] != 1 || c[9][0] != 1 || c.Counts()[0][1] != 1 {
		t.Errorf("cells wrong: %v", c.Counts())
	}
	if h := c.Heatmap("x"); len(h.Values) != Classes {
		t.Errorf("heat map has %d rows", len(h.Values))
	}
}

func TestChoosers(t *testing.T) {
	labels := []int{3, 0, 3, 1, 0}
	if got, want := OnePerClass(labels), []int{1, 3, 0}; !slices.Equal(got, want) {
		t.Errorf("OnePerClass = %v, want %v", got, want)
	}
	pred := []int{3, 1, 2, 1, 5}
	if got, want := Mistakes(labels, pred, 0), []int{1, 2, 4}; !slices.Equal(got, want) {
		t.Errorf("Mistakes(all) = %v, want %v", got, want)
	}
	if got, want := Mistakes(labels, pred, 2), []int{1, 2}; !slices.Equal(got, want) {
		t.Errorf("Mistakes(2) = %v, want %v", got, want)
	}
	ds := Generate(20, 1)
	g := DigitGrid("t", ds, []int{0, 1}, []int{ds.Labels[0], (ds.Labels[1] + 1) % 10}, 2)
	if len(g.Images) != 2 || g.Images[0].Mistake || !g.Images[1].Mistake {
		t.Errorf("DigitGrid marks %v, %v as mistakes, want false, true", g.Images[0].Mistake, g.Images[1].Mistake)
	}
	if h := Head(ds, 5); h.Len() != 5 || !slices.Equal(h.Labels, ds.Labels[:5]) {
		t.Errorf("Head(5) has %d images", h.Len())
	}
	if Head(ds, 0) != ds || Head(ds, 100) != ds {
		t.Error("Head of 0 or more than all is not the data set itself")
	}
}

func TestPredict(t *testing.T) {
	// A network whose output is its input: the prediction is the argmax of
	// each row, batched or not.
	x := tensor.FromSlice([]float64{
		0, 1, 0,
		5, 2, 1,
		0, 0, 3,
		1, 1, 0,
	}, 4, 3)
	for _, batch := range []int{1, 3, 10} {
		if got, want := Predict(layers.NewSequential(), x, batch), []int{1, 0, 2, 0}; !slices.Equal(got, want) {
			t.Errorf("batch %d: %v, want %v", batch, got, want)
		}
		// The same examples as 3×1 sequences, flattened back to rows.
		seq := x.Reshape(4, 3, 1)
		if got, want := Predict(layers.NewSequential(layers.NewFlatten()), seq, batch), []int{1, 0, 2, 0}; !slices.Equal(got, want) {
			t.Errorf("batch %d, shape %v: %v, want %v", batch, seq.Shape, got, want)
		}
	}
}

func TestShift(t *testing.T) {
	src := make([]float64, data.USPSPixels)
	src[5*16+7] = 1 // row 5, column 7
	dst := make([]float64, data.USPSPixels)
	Shift(dst, src, 2, -1)
	if dst[4*16+9] != 1 || tensor.Sum(tensor.FromSlice(dst, 256)) != 1 {
		t.Error("Shift(2, −1) did not move pixel (5, 7) to (4, 9)")
	}
	src[15] = 1 // top right corner leaves the image
	Shift(dst, src, 1, 0)
	if tensor.Sum(tensor.FromSlice(dst, 256)) != 1 {
		t.Error("a pixel shifted out of the image came back")
	}

	ds := Generate(30, 1)
	aug := tensor.New(ds.X.Shape...)
	Augment(aug, ds.X, 1, rand.New(rand.NewPCG(1, 1)))
	moved := 0
	for i := range ds.Len() {
		if !slices.Equal(row(aug, i), Image(ds, i)) {
			moved++
		}
	}
	if moved < 20 || moved == 30 {
		t.Errorf("%d of 30 images moved by shifts in {−1, 0, 1}², want about 8/9 of them", moved)
	}
}

func TestSourceLoad(t *testing.T) {
	train, test, err := Source{Synthetic: true}.Load()
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != SyntheticTrain || test.Len() != SyntheticTest {
		t.Errorf("synthetic sizes %d, %d", train.Len(), test.Len())
	}
	if slices.Equal(Image(train, 0), Image(test, 0)) {
		t.Error("the training and test sets start with the same image")
	}
	if got := TestSource().Synthetic; got != (os.Getenv(data.DataEnv) == "") {
		t.Errorf("TestSource().Synthetic = %v with $%s = %q", got, data.DataEnv, os.Getenv(data.DataEnv))
	}
	// A directory without the files is an error naming -synthetic, not a download.
	_, _, err = Source{Dir: t.TempDir()}.Load()
	if err == nil {
		t.Fatal("Load of an empty directory succeeded")
	}
}

func TestSourceRealData(t *testing.T) {
	if os.Getenv(data.DataEnv) == "" {
		t.Skip("$" + data.DataEnv + " is not set")
	}
	train, test, err := TestSource().Load()
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 7291 || test.Len() != 2007 {
		t.Errorf("USPS sizes %d, %d", train.Len(), test.Len())
	}
}

// Image i depends on the seed and i only: fewer images are a prefix.
func TestGeneratePrefix(t *testing.T) {
	all, some := Generate(45, 4), Generate(23, 4)
	if !slices.Equal(some.X.Data, all.X.Data[:23*data.USPSPixels]) || !slices.Equal(some.Labels, all.Labels[:23]) {
		t.Error("Generate(23, 4) is not the start of Generate(45, 4)")
	}
	train, test, err := Source{Synthetic: true}.LoadHead(40, 0)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 40 || test.Len() != SyntheticTest {
		t.Errorf("LoadHead(40, 0): sizes %d, %d", train.Len(), test.Len())
	}
}

func TestLoadSets(t *testing.T) {
	src := Source{Synthetic: true}
	rng := rand.New(rand.NewPCG(1, 2))
	train, eval, err := LoadSets(src, true, 100, 40, 0, rng)
	if err != nil || train.Len() != 100 || eval.Len() != 40 {
		t.Fatalf("quick: %v and %v images, error %v; want 100 and 40", train.Len(), eval.Len(), err)
	}
	// A validation fifth of the 100 training images replaces the test set.
	train, eval, err = LoadSets(src, true, 100, 40, 0.2, rng)
	if err != nil || train.Len() != 80 || eval.Len() != 20 {
		t.Fatalf("-val 0.2: %v and %v images, error %v; want 80 and 20", train.Len(), eval.Len(), err)
	}
	for _, v := range []float64{-0.1, 1} {
		if _, _, err := LoadSets(src, true, 100, 40, v, rng); err == nil || !strings.Contains(err.Error(), "-val") {
			t.Errorf("-val %g: error %v, want one naming -val", v, err)
		}
	}
}

func TestShifted(t *testing.T) {
	src := Generate(5, 1).X
	if x, _ := Shifted(src, 0, nil); x != src {
		t.Error("Shifted by 0 is not the images themselves")
	}
	x, reshift := Shifted(src, 2, rand.New(rand.NewPCG(1, 2)))
	first := x.Clone()
	reshift()
	if x == src || tensor.AllClose(x, first, 0, 0) {
		t.Error("Shifted by 2: the images are not a copy shifted anew by each call")
	}
}

// A seed gives the same digits on every architecture: the fingerprint of
// the first thousand images is pinned (on amd64, and under qemu-aarch64
// for arm64).
func TestGenerateFingerprint(t *testing.T) {
	const want = "3ac73e96a8bde5e7"
	if got := portable.Fingerprint(Generate(1000, 1).X.Data); got != want {
		t.Errorf("Generate(1000, 1) has fingerprint %s, want %s", got, want)
	}
}

func TestWarp(t *testing.T) {
	img := Image(Generate(1, 3), 0)
	dst := make([]float64, data.USPSPixels)
	// The identity and whole-pixel shifts read every pixel exactly.
	Identity.Apply(dst, img)
	if !slices.Equal(dst, img) {
		t.Error("the identity Warp changed the image")
	}
	want := make([]float64, data.USPSPixels)
	for _, d := range [][2]int{{1, 0}, {-2, 1}, {0, -1}} {
		Warp{Scale: 1, DX: float64(d[0]), DY: float64(d[1])}.Apply(dst, img)
		Shift(want, img, d[0], d[1])
		if !slices.Equal(dst, want) {
			t.Errorf("Warp shifted by %v differs from Shift", d)
		}
	}

	// One lit pixel, at row 7, column 12 (4.5 pixels right of the centre,
	// half a pixel above it).
	src := make([]float64, data.USPSPixels)
	src[7*16+12] = 1
	for _, tc := range []struct {
		name string
		w    Warp
		want map[int]float64 // the lit pixels of dst, by index r*16+c
	}{
		// A quarter turn clockwise as drawn: right of the centre goes
		// below it, (x, y) = (4.5, −0.5) to (0.5, 4.5): row 12, column 8.
		{"rotation by 90°", Warp{Angle: math.Pi / 2, Scale: 1}, map[int]float64{12*16 + 8: 1}},
		// Half a turn: (−4.5, 0.5), row 8, column 3.
		{"rotation by 180°", Warp{Angle: math.Pi, Scale: 1}, map[int]float64{8*16 + 3: 1}},
		// Half a pixel to the right: the ink splits between two pixels.
		{"shift by 0.5", Warp{Scale: 1, DX: 0.5}, map[int]float64{7*16 + 12: 0.5, 7*16 + 13: 0.5}},
		// Twice the size about the centre: (4.5, −0.5) to (9, −1), out of
		// the image; the pixels of column 15 read src at x = 3.75, a
		// quarter of the way from column 11 to 12, and rows 5 … 8 at
		// y = −1.25 … 0.25, so the ink spreads over them by the bilinear
		// weights ¼ · (¼, ¾, ¾, ¼).
		{"scaling by 2", Warp{Scale: 2}, map[int]float64{5*16 + 15: 0.0625, 6*16 + 15: 0.1875, 7*16 + 15: 0.1875, 8*16 + 15: 0.0625}},
	} {
		tc.w.Apply(dst, src)
		for i, v := range dst {
			if math.Abs(v-tc.want[i]) > 1e-12 {
				t.Errorf("%s: pixel (%d, %d) = %v, want %v", tc.name, i/16, i%16, v, tc.want[i])
			}
		}
	}
}

func TestDistort(t *testing.T) {
	src := Generate(20, 1).X
	d := Distortion{MaxDegrees: 10, MaxScale: 0.1, MaxShift: 1}
	a, b, c := tensor.New(src.Shape...), tensor.New(src.Shape...), tensor.New(src.Shape...)
	Distort(a, src, d, rand.New(rand.NewPCG(1, 5)))
	Distort(b, src, d, rand.New(rand.NewPCG(1, 5)))
	Distort(c, src, d, rand.New(rand.NewPCG(2, 5)))
	if !slices.Equal(a.Data, b.Data) {
		t.Error("the same seed gives different distortions")
	}
	if slices.Equal(a.Data, c.Data) || slices.Equal(a.Data, src.Data) {
		t.Error("another seed gives the same distortions, or none")
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 1000 {
		w := d.Draw(rng)
		if math.Abs(w.Angle) > 10*math.Pi/180 || math.Abs(w.Scale-1) > 0.1 || math.Abs(w.DX) > 1 || math.Abs(w.DY) > 1 {
			t.Fatalf("Draw gave %+v, outside %+v", w, d)
		}
	}
	// No distortion at all is the identity.
	Distort(a, src, Distortion{}, rng)
	if !slices.Equal(a.Data, src.Data) {
		t.Error("the zero Distortion changed the images")
	}
	x, redraw := Distorted(src, d, rand.New(rand.NewPCG(1, 2)))
	first := x.Clone()
	redraw()
	if tensor.AllClose(x, first, 0, 0) {
		t.Error("Distorted: redraw did not draw new distortions")
	}
}

func TestField(t *testing.T) {
	img := Image(Generate(1, 3), 0)
	dst, want := make([]float64, data.USPSPixels), make([]float64, data.USPSPixels)
	// A field that moves every pixel alike is a shift: reading one pixel
	// to the right moves the digit one pixel to the left.
	var f Field
	for i := range f.DX {
		f.DX[i], f.DY[i] = 1, -2
	}
	Identity.apply(dst, img, &f)
	Shift(want, img, -1, 2)
	if !slices.Equal(dst, want) {
		t.Error("a constant field differs from Shift")
	}

	// Smoothing keeps a constant map constant, scaled by alpha, where the
	// kernel stays inside the image (σ = 1: 3 pixels from each edge).
	var m [data.USPSPixels]float64
	for i := range m {
		m[i] = 0.5
	}
	smooth(&m, gaussian(1), 4)
	for r := 3; r < 13; r++ {
		for c := 3; c < 13; c++ {
			if v := m[r*16+c]; math.Abs(v-2) > 1e-12 {
				t.Fatalf("smoothed constant 0.5 × 4 at (%d, %d) = %v, want 2", r, c, v)
			}
		}
	}
	if v := m[0]; v >= 2 || v <= 0.5 { // the corner reads zeros outside the image
		t.Errorf("smoothed corner = %v, want between 0.5 and 2", v)
	}

	// Draw: same seed, same field; another seed, another.
	var a, b, c Field
	a.Draw(8, 2, rand.New(rand.NewPCG(1, 1)))
	b.Draw(8, 2, rand.New(rand.NewPCG(1, 1)))
	c.Draw(8, 2, rand.New(rand.NewPCG(2, 1)))
	if a != b || a == c {
		t.Error("Field.Draw: the same seed gives different fields, or another seed the same")
	}
	// Its size, over 200 fields, inside the image (away from the zeros
	// read outside): for σ = 2, a standard deviation of α · √⅓ · 2σ√π⁻¹
	// = 0.0815 α (√⅓ for the uniform noise, ∑k² = 1/(2σ√π) per axis for
	// the kernel), 0.65 pixels for α = 8; and smooth: neighbours, whose
	// correlation is exp(−1/(4σ²)), differ by √(2(1 − e^(−1/16))) = 0.35
	// times that.
	rng := rand.New(rand.NewPCG(3, 1))
	sum2, step2, n := 0.0, 0.0, 0
	for range 200 {
		a.Draw(8, 2, rng)
		for r := 4; r < 12; r++ {
			for col := 4; col < 12; col++ {
				i := r*16 + col
				sum2 += a.DX[i] * a.DX[i]
				step2 += (a.DX[i+1] - a.DX[i]) * (a.DX[i+1] - a.DX[i])
				n++
			}
		}
	}
	std, step := math.Sqrt(sum2/float64(n)), math.Sqrt(step2/float64(n))
	if math.Abs(std-0.652) > 0.03 || math.Abs(step/std-0.35) > 0.03 {
		t.Errorf("Field α = 8, σ = 2: standard deviation %.3f pixels, neighbours differ by %.3f of it; want 0.652 and 0.35", std, step/std)
	}

	// Distort with an elastic field: deterministic, and not the affine
	// distortion alone.
	src := Generate(10, 1).X
	d := Distortion{MaxDegrees: 10, MaxScale: 0.1, MaxShift: 1, Elastic: 8, Sigma: 2}
	e1, e2, affine := tensor.New(src.Shape...), tensor.New(src.Shape...), tensor.New(src.Shape...)
	Distort(e1, src, d, rand.New(rand.NewPCG(1, 5)))
	Distort(e2, src, d, rand.New(rand.NewPCG(1, 5)))
	d.Elastic = 0
	Distort(affine, src, d, rand.New(rand.NewPCG(1, 5)))
	if !slices.Equal(e1.Data, e2.Data) {
		t.Error("Distort with a field: the same seed gives different images")
	}
	if slices.Equal(e1.Data, affine.Data) {
		t.Error("Distort with a field gives the affine distortion alone")
	}
}

func TestDescribe(t *testing.T) {
	ds := func(source string) *data.Dataset { return &data.Dataset{Source: source} }
	for _, tc := range []struct {
		train, test *data.Dataset
		want        string
	}{
		{ds(""), ds(""), "synthetic digits"},
		{ds("/d/usps/zip.train.gz"), ds("/d/usps/zip.test.gz"), "USPS (zip.train.gz and zip.test.gz in /d/usps, ESL's format)"},
		{ds("/d/usps_train.txt.gz"), ds("/d/usps_test.txt.gz"), "USPS (usps_train.txt.gz and usps_test.txt.gz in /d, the course's format)"},
		// A validation split: both sets come from the training file.
		{ds("/d/usps.bz2"), ds("/d/usps.bz2"), "USPS (usps.bz2 in /d, LIBSVM's format)"},
	} {
		if got := Describe(tc.train, tc.test); got != tc.want {
			t.Errorf("Describe(%q, %q) = %q, want %q", tc.train.Source, tc.test.Source, got, tc.want)
		}
	}
}

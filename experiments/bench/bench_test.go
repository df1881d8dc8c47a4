package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// quickConfig is a -quick run that cannot find the USPS files: the test
// trains on random data, whatever the machine holds.
func quickConfig(t *testing.T) (*cli.Config, Options) {
	t.Setenv(data.DataEnv, "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	cfg := Defaults
	cfg.Quick, cfg.Out, cfg.Stdout, cfg.Stderr = true, t.TempDir(), io.Discard, io.Discard
	return &cfg, DefaultOptions()
}

func TestRunQuick(t *testing.T) {
	cfg, opts := quickConfig(t)
	var out bytes.Buffer
	cfg.Stdout = &out
	r, err := Run(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.Data != "random" || r.Train != quickTrain || r.Test != quickTest || r.Epochs != quickEpochs {
		t.Errorf("data %q, %d training and %d test examples, %d epochs; want random, %d, %d, %d",
			r.Data, r.Train, r.Test, r.Epochs, quickTrain, quickTest, quickEpochs)
	}
	if r.Conv1D == nil || r.Conv2D == nil {
		t.Fatalf("no CNN results: %+v, %+v", r.Conv1D, r.Conv2D)
	}
	for i, tm := range []Timing{r.MLP.Timing, r.Autoencoder.Timing, r.Conv1D.Timing, r.Conv2D.Timing} {
		name := []string{"MLP", "auto-encoder", "Conv1D net", "2-D CNN"}[i]
		if len(tm.EpochSeconds) != quickEpochs || !(tm.SecPerEpoch > 0) || !(tm.SamplesPerSec > 0) {
			t.Errorf("%s: timing %+v", name, tm)
		}
		if tm.SecPerEpoch != tm.EpochSeconds[1] {
			t.Errorf("%s: sec per epoch %g, want the second epoch's %g", name, tm.SecPerEpoch, tm.EpochSeconds[1])
		}
		if _, ok := processCPU(); ok && (len(tm.EpochCPUSeconds) != quickEpochs || !(tm.CPUSecPerEpoch > 0)) {
			t.Errorf("%s: CPU seconds %v, per epoch %g", name, tm.EpochCPUSeconds, tm.CPUSecPerEpoch)
		}
		// A step that allocates does so at every step, the same way: at
		// least one allocation per step. Fewer is the runtime allocating
		// for itself now and then (a thread when it needs one more, say),
		// which a loaded machine or the race detector makes likelier; the
		// layers' and optim's AllocsPerRun tests pin the steps at 0, and
		// TestCNNStepsAllocateNothing the CNNs' steps on two cores.
		if tm.AllocsPerStep >= 1 {
			t.Errorf("%s: %g allocations per step, want none", name, tm.AllocsPerStep)
		}
	}
	// Random labels: the accuracy is a fraction, not a score to meet.
	for _, a := range []float64{r.MLP.TestAccuracy, r.Conv1D.TestAccuracy, r.Conv2D.TestAccuracy} {
		if !(a >= 0 && a <= 1) {
			t.Errorf("test accuracy %g", a)
		}
	}
	// Random pixels uniform in [0, 1) cost about 1/2 nat each at best.
	if l := r.Autoencoder.TestLoss; !(l > 0.4 && l < 1) {
		t.Errorf("auto-encoder test loss %g, want about ln 2", l)
	}
	if len(r.Gemm) != len(Products(true)) {
		t.Fatalf("%d Gemm results, want %d", len(r.Gemm), len(Products(true)))
	}
	for _, g := range r.Gemm {
		if !(g.GFLOPS > 0) || math.IsInf(g.GFLOPS, 0) || g.Threads < 1 {
			t.Errorf("%s %s: %g GFLOPS on %d threads", g.Label, g.Dims(), g.GFLOPS, g.Threads)
		}
	}
	for _, want := range []string{"data: random, USPS not found locally", "| " + MLPName, "| " + AutoencoderName, "| " + Conv1DName, "| " + Conv2DName, "| MLP weight gradient Xᵀ·δ | 256×32ᵀ·32×128"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if md := r.Markdown(); md != out.String() {
		t.Errorf("Markdown differs from the printed tables:\n%s", md)
	}
	checkJSONKeys(t, r)
}

// cnnKeys are the keys compare.py reads of each CNN.
type cnnKeys struct {
	SecPerEpoch   *float64 `json:"sec_per_epoch"`
	TestAccuracy  *float64 `json:"test_accuracy"`
	AllocsPerStep *float64 `json:"allocs_per_step"`
}

// checkJSONKeys checks that r's JSON has the keys compare.py reads.
func checkJSONKeys(t *testing.T, r *Result) {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Data    string `json:"data"`
		Machine struct {
			GOMAXPROCS int `json:"gomaxprocs"`
		} `json:"machine"`
		MLP struct {
			SecPerEpoch   *float64 `json:"sec_per_epoch"`
			TestAccuracy  *float64 `json:"test_accuracy"`
			AllocsPerStep *float64 `json:"allocs_per_step"`
		} `json:"mlp"`
		Autoencoder struct {
			SecPerEpoch *float64 `json:"sec_per_epoch"`
			TestLoss    *float64 `json:"test_loss"`
		} `json:"autoencoder"`
		Conv1D cnnKeys          `json:"conv1d"`
		Conv2D cnnKeys          `json:"conv2d"`
		Gemm   []map[string]any `json:"gemm"`
	}
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if v.Data != "random" || v.Machine.GOMAXPROCS < 1 || v.MLP.SecPerEpoch == nil || v.MLP.TestAccuracy == nil ||
		v.MLP.AllocsPerStep == nil || v.Autoencoder.SecPerEpoch == nil || v.Autoencoder.TestLoss == nil ||
		v.Conv1D.SecPerEpoch == nil || v.Conv1D.TestAccuracy == nil || v.Conv1D.AllocsPerStep == nil ||
		v.Conv2D.SecPerEpoch == nil || v.Conv2D.TestAccuracy == nil || v.Conv2D.AllocsPerStep == nil {
		t.Errorf("missing keys in\n%s", buf.String())
	}
	if len(v.Gemm) == 0 {
		t.Fatalf("no gemm list in\n%s", buf.String())
	}
	for _, g := range v.Gemm {
		for _, k := range []string{"m", "k", "n", "trans_a", "trans_b", "threads", "gflops"} {
			if _, ok := g[k]; !ok {
				t.Errorf("gemm entry %v lacks %q", g, k)
			}
		}
	}
}

func TestRunHalves(t *testing.T) {
	if testing.Short() {
		// -short is the arm64 run under QEMU, where these runs cost as much
		// as TestRunQuick's, which trains every network and times Gemm
		// there: which parts run depends on the options alone, the same
		// on every architecture, checked natively.
		t.Skip("-short: which parts run is checked natively; TestRunQuick runs them all")
	}
	cfg, opts := quickConfig(t)
	opts.Gemm, opts.CNN = false, false
	r, err := Run(cfg, opts)
	if err != nil || r.MLP == nil || r.Gemm != nil || r.Conv1D != nil {
		t.Errorf("training only: %v, MLP %v, Gemm %v, Conv1D %v", err, r.MLP, r.Gemm, r.Conv1D)
	}
	opts.Train, opts.CNN = false, true
	r, err = Run(cfg, opts)
	if err != nil || r.MLP != nil || r.Conv1D == nil || r.Conv2D == nil || r.Gemm != nil {
		t.Errorf("CNNs only: %v, %+v", err, r)
	}
	opts.CNN, opts.Gemm = false, true
	r, err = Run(cfg, opts)
	if err != nil || r.MLP != nil || r.Autoencoder != nil || len(r.Gemm) == 0 {
		t.Errorf("Gemm only: %v, %+v", err, r)
	}
	opts.Gemm = false
	if _, err := Run(cfg, opts); err == nil {
		t.Error("nothing to run: no error")
	}
}

// TestFindLocalMissingDir checks that a directory given explicitly must
// hold the files: a mistyped -data is an error, not random data.
func TestFindLocalMissingDir(t *testing.T) {
	train, _, _, err := FindLocal(t.TempDir())
	if err == nil || train != nil {
		t.Errorf("FindLocal(empty dir) = %v, %v; want an error", train, err)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		v    []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.v); got != tc.want {
			t.Errorf("median(%v) = %g, want %g", tc.v, got, tc.want)
		}
	}
}

func TestProductDims(t *testing.T) {
	for _, p := range Products(false) {
		if p.M*p.K*p.N == 0 {
			t.Errorf("empty product %+v", p)
		}
	}
	p := Product{M: 32, K: 128, N: 256, TransB: true}
	if got, want := p.Dims(), "32×128·128×256ᵀ"; got != want {
		t.Errorf("Dims = %q, want %q", got, want)
	}
}

// The benchmarks below time the training steps that experiments/bench
// trains, on the first USPS images when FindLocal finds them (the data
// changes the cost of the BCE: its logs are skipped where a pixel is 0 or
// 1), on random images otherwise. Profile them with
//
//	go test -run '^$' -bench Step -cpuprofile cpu.prof ./experiments/bench
//	go tool pprof -top cpu.prof

// benchBatch returns the first 32 USPS training images, or 32 random ones.
func benchBatch(b *testing.B, rng *rand.Rand) *data.Dataset {
	train, _, where, err := FindLocal("")
	if err != nil {
		b.Fatal(err)
	}
	if train == nil {
		b.Logf("random images: %s", where)
		return randomDigits(32, rng)
	}
	return firstRows(train, 32)
}

// TestCNNStepsAllocateNothing checks that a steady-state training step of
// each CNN on two cores allocates nothing, as allocsPerStep counts it (in
// 3 rounds of 4 steps here): the convolutions' parts then run on a helper
// goroutine and the Linear layers' larger products on Gemm's worker, and
// neither may allocate nor make the runtime allocate (issue 15).
func TestCNNStepsAllocateNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the native run checks it, and emulated on arm64 it is slow (99 s with rounds of 16 steps)")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rng := rand.New(rand.NewPCG(1, 1))
	d := randomDigits(32, rng)
	for _, c := range []struct {
		name  string
		net   *layers.Sequential
		shape []int
	}{
		{Conv1DName, Conv1DNet(rng), []int{data.USPSPixels, 1}},
		{Conv2DName, Conv2DNet(rng), []int{16, 16, 1}},
	} {
		o := cnnOptim(c.net)
		if a := allocsPerStep(o, asImages(d.X, c.shape...), d.OneHot(), 32, 4); a != 0 {
			t.Errorf("%s: %g allocations per step on 2 cores, want 0", c.name, a)
		}
	}
}

// stepBench times o.Step on one batch.
func stepBench(b *testing.B, o *optim.Optim, x, y *tensor.Tensor) {
	b.ReportAllocs()
	for b.Loop() {
		o.Step(x, y)
	}
}

func BenchmarkMLPStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	d := benchBatch(b, rng)
	stepBench(b, optim.New(MLP(rng), losses.NewSoftmaxCrossEntropy(), 0.1), d.X, d.OneHot())
}

func BenchmarkAutoencoderStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	d := benchBatch(b, rng)
	stepBench(b, optim.New(Autoencoder(rng), losses.NewBCE(), 0.1), d.X, d.X)
}

func BenchmarkConv1DStep(b *testing.B) {
	d := benchBatch(b, rand.New(rand.NewPCG(1, 1)))
	o := cnnOptim(Conv1DNet(rand.New(rand.NewPCG(1, 2))))
	stepBench(b, o, asImages(d.X, data.USPSPixels, 1), d.OneHot())
}

func BenchmarkConv2DStep(b *testing.B) {
	d := benchBatch(b, rand.New(rand.NewPCG(1, 1)))
	o := cnnOptim(Conv2DNet(rand.New(rand.NewPCG(1, 2))))
	stepBench(b, o, asImages(d.X, 16, 16, 1), d.OneHot())
}

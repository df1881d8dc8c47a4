package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/clitest"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// randomDigits returns n random 16×16 images and n labels.
func randomDigits(n int, seed uint64) (*tensor.Tensor, []int) {
	rng := rand.New(rand.NewPCG(seed, 9))
	x := tensor.New(n, 16, 16, 1)
	for i := range x.Data {
		x.Data[i] = rng.Float64()
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	return x, labels
}

// The ensemble's probabilities are the mean of its members' softmax
// probabilities, computed here by hand from each member's logits; its
// loss is −mean log p̄(label) and its prediction the argmax of p̄, in
// any batch size.
func TestEnsembleProbabilities(t *testing.T) {
	var nets []*layers.Sequential
	for k := range 3 {
		nets = append(nets, newLeNet(rand.New(rand.NewPCG(7, uint64(k)))))
	}
	x, labels := randomDigits(5, 1)
	want := make([]float64, 5*10)
	for _, net := range nets {
		logits := net.Forward(x)
		for n := range 5 {
			row := logits.Row(n)
			sum := 0.0
			for _, v := range row {
				sum += math.Exp(v)
			}
			for j, v := range row {
				want[n*10+j] += math.Exp(v) / sum / 3
			}
		}
	}
	wantLoss := 0.0
	for n, l := range labels {
		wantLoss -= math.Log(want[n*10+l]) / 5
	}
	for _, batch := range []int{5, 2, 1} {
		p := ensembleProbabilities(nets, nil, x, batch)
		if !slices.Equal(p.Shape, []int{5, 10}) {
			t.Fatalf("batch %d: shape %v, want [5 10]", batch, p.Shape)
		}
		for i, v := range p.Data {
			if math.Abs(v-want[i]) > 1e-15 {
				t.Fatalf("batch %d: probability %d is %v, want %v", batch, i, v, want[i])
			}
		}
		loss, pred := ensembleScore(nets, nil, x, labels, batch)
		if math.Abs(loss-wantLoss) > 1e-13 {
			t.Errorf("batch %d: loss %v, want %v", batch, loss, wantLoss)
		}
		for n := range 5 {
			row := want[n*10 : n*10+10]
			if best := slices.Index(row, slices.Max(row)); pred[n] != best {
				t.Errorf("batch %d: example %d predicted %d, want %d", batch, n, pred[n], best)
			}
		}
	}
	// The members disagree: the ensemble is none of them.
	one, _ := ensembleScore(nets[:1], nil, x, labels, 5)
	if loss, _ := ensembleScore(nets, nil, x, labels, 5); loss == one {
		t.Errorf("the ensemble's loss %v is its first member's", loss)
	}
	// An ensemble of one network is that network, up to rounding: the
	// fused softmax cross-entropy gives its loss, Predict its answers.
	y := tensor.New(5, 10)
	for n, l := range labels {
		y.Data[n*10+l] = 1
	}
	fused, _ := optim.Evaluate(nets[0], losses.NewSoftmaxCrossEntropy(), x, y, 5, nil)
	if math.Abs(one-fused) > 1e-12 {
		t.Errorf("one member: loss %v, the fused cross-entropy gives %v", one, fused)
	}
	if _, pred := ensembleScore(nets[:1], nil, x, labels, 5); !slices.Equal(pred, digits.Predict(nets[0], x, 5)) {
		t.Errorf("one member: predictions %v, Predict gives %v", pred, digits.Predict(nets[0], x, 5))
	}
}

// meanHistory averages the members' curves epoch by epoch, and leaves out
// the ones they do not have.
func TestMeanHistory(t *testing.T) {
	h := meanHistory([]*optim.History{
		{TrainLoss: []float64{1, 2}, TrainAccuracy: []float64{0.5, 0.25}},
		{TrainLoss: []float64{3, 6}, TrainAccuracy: []float64{1, 0.75}},
	})
	if !slices.Equal(h.TrainLoss, []float64{2, 4}) || !slices.Equal(h.TrainAccuracy, []float64{0.75, 0.5}) || h.ValLoss != nil || h.ValAccuracy != nil {
		t.Errorf("meanHistory = %+v", h)
	}
}

// Training the members at once, one goroutine each, gives the networks
// that training them one after the other gives, bit for bit, whatever
// GOMAXPROCS; the members differ from each other (their own initial
// weights and distortions), and member 0 is the network a model of one
// network trains (TestEnsembleRun).
func TestEnsembleConcurrent(t *testing.T) {
	train := digits.Generate(96, 1)
	m := models[4] // conv2d-best: LeNets on distorted digits
	members, procsList := 3, []int{1, 2, 4}
	if testing.Short() {
		// The arm64 run under QEMU, where each run costs some 30 s: two
		// members compared with one concurrent run, on 2 cores.
		members, procsList = 2, []int{2}
	}
	m.epochs = 2
	rc := &recipe{x: train.X, y: train.OneHot(), batch: 32, lr: 0.05, seed: 3, optimizer: "nesterov", shift: 1}
	trainNets := func(concurrent bool, procs int) []*layers.Sequential {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var nets []*layers.Sequential
		for k := range members {
			nets = append(nets, m.build(rand.New(rand.NewPCG(rc.seed, streamInit+uint64(k)*memberStreams))))
		}
		_, err := trainMembers(nets, concurrent, func(k int, net *layers.Sequential) (*optim.History, error) {
			return rc.fit(net, m, k, cli.NewProgress(io.Discard, m.name, m.epochs))
		})
		if err != nil {
			t.Fatal(err)
		}
		return nets
	}
	bits := func(nets []*layers.Sequential) [][]float64 {
		var all [][]float64
		for _, net := range nets {
			for _, p := range net.Parameters() {
				all = append(all, p.Value.Data)
			}
		}
		return all
	}
	sequential := bits(trainNets(false, 1))
	for _, procs := range procsList {
		if concurrent := bits(trainNets(true, procs)); !slices.EqualFunc(sequential, concurrent, slices.Equal) {
			t.Errorf("GOMAXPROCS %d: the members trained at once differ from the members trained one after the other", procs)
		}
	}
	n := len(sequential) / members // parameters per member
	for k := n; k < len(sequential); k += n {
		if slices.Equal(sequential[k-n], sequential[k]) {
			t.Error("two members have the same first-layer weights")
		}
	}
}

// conv2d-best as an ensemble of three networks: three times the
// parameters, well above chance, a note in the summary, a progress line
// per member, a loss curve without a test line, a checkpoint per member
// that loads back to the same results; -members 1 trains exactly the one
// network of conv2d with the same distortions.
func TestEnsembleRun(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "best.ckpt")
	args := append([]string{"-quick", "-epochs", "2", "-out", dir, "-distort", "10,0.1,1,4,2"}, digits.TestFlags()...)
	n := 3
	if testing.Short() {
		// -short is the arm64 run under QEMU, where each network costs
		// about a minute: two members are an ensemble already.
		n = 2
	}
	members := strconv.Itoa(n)
	var out, progress, loaded bytes.Buffer
	if err := run(append(args, "-model", "conv2d-best", "-members", members, "-save", ckpt), &out, &progress); err != nil {
		t.Fatal(err)
	}
	best := cli.FindRow(out.String(), "conv2d-best")
	if want := strconv.Itoa(n * 65558); len(best) != 9 || best[1] != want {
		t.Errorf("conv2d-best: row %q, want %d·65558 = %s parameters", best, n, want)
	}
	// After two epochs on 500 images, well above chance (on the
	// synthetic digits on amd64, 41 % with three members, 53 % with two).
	if acc, err := strconv.ParseFloat(strings.TrimSuffix(best[6], " %"), 64); err != nil || !(acc > 30 && acc <= 100) {
		t.Errorf("conv2d-best: test accuracy %q, want in (30 %%, 100 %%]", best[6])
	}
	for _, want := range []string{"an ensemble of " + members + " such networks", "the test set scored once", "figure:",
		"training images rotated by up to 10°, scaled by up to 10 %, shifted by up to 1 pixel, bent by an elastic field (α = 4, σ = 2 pixels), anew every epoch"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, out.String())
		}
	}
	for k := range n {
		if want := fmt.Sprintf("conv2d-best %d/%d  epoch 2/2  loss", k+1, n); !strings.Contains(progress.String(), want) {
			t.Errorf("the progress lacks %q:\n%s", want, progress.String())
		}
	}

	clitest.CheckSVG(t, filepath.Join(dir, "loss.svg"))
	svg, err := os.ReadFile(filepath.Join(dir, "loss.svg"))
	if err != nil || !strings.Contains(string(svg), "conv2d-best (mean of "+members+" members) train") || strings.Contains(string(svg), " test<") {
		t.Errorf("loss.svg: want the members' mean train curve and no test curve (%v)", err)
	}
	if err := run(append(args, "-model", "conv2d-best", "-members", members, "-load", filepath.Join(dir, "best.ckpt")), &loaded, io.Discard); err != nil {
		t.Fatal(err)
	}
	if again := cli.FindRow(loaded.String(), "conv2d-best"); again[2] != "loaded" || !slices.Equal(best[5:8], again[5:8]) {
		t.Errorf("trained %q, loaded %q", best, again)
	}
	for k := range n {
		if _, err := os.Stat(memberPath(ckpt, k, n)); err != nil {
			t.Error(err)
		}
	}

	if testing.Short() {
		// -short is the arm64 run under QEMU. Which streams member 0 draws
		// from is plumbing, the same on every architecture, checked
		// natively; TestEnsembleConcurrent trains distorted networks twice
		// there and compares every bit.
		return
	}
	out.Reset()
	if err := run(append(args, "-model", "conv2d,conv2d-best", "-members", "1"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	plain, one := cli.FindRow(out.String(), "conv2d"), cli.FindRow(out.String(), "conv2d-best")
	if !slices.Equal(plain[1:8], one[1:8]) {
		t.Errorf("-members 1: conv2d %q and conv2d-best %q differ", plain, one)
	}
}

// With views, the ensemble averages its probabilities on each view of a
// digit: here the mean of its probabilities on the digits themselves and
// on the digits shifted by digits.Shift, one pixel each way, in any batch
// size; 1 view is the digits themselves, bit for bit.
func TestEnsembleViews(t *testing.T) {
	var nets []*layers.Sequential
	for k := range 2 {
		nets = append(nets, newLeNet(rand.New(rand.NewPCG(9, uint64(k)))))
	}
	x, labels := randomDigits(4, 2)
	for _, n := range []int{5, 9} {
		views, err := testViews(n)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float64, 4*10)
		shifted := tensor.New(x.Shape...)
		for _, w := range views {
			for i := range 4 {
				digits.Shift(shifted.Data[i*256:(i+1)*256], x.Data[i*256:(i+1)*256], int(w.DX), int(w.DY))
			}
			for i, v := range ensembleProbabilities(nets, nil, shifted, 4).Data {
				want[i] += v / float64(n)
			}
		}
		for _, batch := range []int{4, 3, 1} {
			p := ensembleProbabilities(nets, views, x, batch)
			for i, v := range p.Data {
				if math.Abs(v-want[i]) > 1e-15 {
					t.Fatalf("%d views, batch %d: probability %d is %v, want %v", n, batch, i, v, want[i])
				}
			}
		}
		if plain, _ := ensembleScore(nets, nil, x, labels, 4); func() bool {
			loss, _ := ensembleScore(nets, views, x, labels, 4)
			return loss == plain
		}() {
			t.Errorf("%d views: the loss is the digits' own", n)
		}
	}
	one, err := testViews(1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ensembleProbabilities(nets, one, x, 4).Data, ensembleProbabilities(nets, nil, x, 4).Data; !slices.Equal(got, want) {
		t.Errorf("1 view: %v, want the digits' own %v", got, want)
	}
	for _, bad := range []int{0, 2, 10, -1} {
		if _, err := testViews(bad); err == nil {
			t.Errorf("testViews(%d): no error", bad)
		}
	}
}

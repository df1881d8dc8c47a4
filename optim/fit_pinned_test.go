package optim_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// TestFitPinned pins Fit's results, bit for bit, on two small runs: a 2-D
// one (XOR, plain SGD) and a 3-D one (Conv1D on n×length×channels examples,
// Adam), each with a short last batch and several epochs, so that every
// epoch's shuffle counts. The values were recorded with Fit's own batcher,
// before it was built on data.Batches; the experiments' published numbers
// (usps, conv, autoencoder) depend on them staying the same.
//
// The pins hold bit for bit in the default amd64 build, where they were
// recorded. arm64 and the SIMD build train from the same data and weights
// but round differently in the last bits (math.Tanh, and fused
// multiply-adds: README, "What is reproducible where"), so there the values
// must be within archTol, a hundred times the 2-ulp gaps measured on both
// and far below what another batch order changes (the first digits).
func TestFitPinned(t *testing.T) {
	const archTol = 1e-13
	same := func(got, pinned float64) bool {
		if runtime.GOARCH == "amd64" && !simdBuild {
			return got == pinned
		}
		return math.Abs(got-pinned) <= archTol*math.Abs(pinned)
	}
	tests := []struct {
		name   string
		run    func() (*optim.History, layers.Module)
		losses []uint64 // math.Float64bits of History.TrainLoss
		params uint64   // math.Float64bits of the sum of every parameter
	}{
		{"xor 2-D", pinnedXOR, []uint64{0x3ff1836483c6eb5a, 0x3ff3a88700f1c338, 0x3ff0ed865dafbd03, 0x3ff459ff48c207b1}, 0xc000746c3208dbfc},
		{"conv1d 3-D", pinnedConv, []uint64{0x3ff28bc3ff5809a7, 0x3ff0dfaf5f47edba, 0x3fefee6ae04dbd91}, 0x40042af264ccbc1e},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, net := tt.run()
			var sum float64
			for _, p := range net.Parameters() {
				for _, v := range p.Value.Data {
					sum += v
				}
			}
			got := make([]uint64, len(h.TrainLoss))
			for i, l := range h.TrainLoss {
				got[i] = math.Float64bits(l)
			}
			if len(got) != len(tt.losses) {
				t.Fatalf("%d epochs recorded, want %d", len(got), len(tt.losses))
			}
			for i := range tt.losses {
				if !same(h.TrainLoss[i], math.Float64frombits(tt.losses[i])) {
					t.Errorf("epoch %d: loss %v, pinned %v", i+1, h.TrainLoss[i], math.Float64frombits(tt.losses[i]))
				}
			}
			if !same(sum, math.Float64frombits(tt.params)) {
				t.Errorf("sum of the parameters %v, pinned %v", sum, math.Float64frombits(tt.params))
			}
		})
	}
}

// pinnedXOR trains the course's XOR network with SGD: 23 examples in
// batches of 5 (the last one of 3), 4 epochs.
func pinnedXOR() (*optim.History, layers.Module) {
	x, y := xorData(23, 4)
	net := xorNet(4, 6)
	h, err := optim.Fit(optim.New(net, losses.NewMSE(), 0.3), x, y, optim.Config{BatchSize: 5, Epochs: 4, Seed: 11})
	if err != nil {
		panic(err)
	}
	return h, net
}

// pinnedConv trains Conv1D → ReLU → Flatten → Linear with Adam and the
// softmax cross-entropy on 13 random examples of length 8 with 2 channels
// (a 13×8×2 tensor), 3 classes, in batches of 4 (the last one of 1), 3
// epochs.
func pinnedConv() (*optim.History, layers.Module) {
	const n, length, chans, classes = 13, 8, 2, 3
	rng := rand.New(rand.NewPCG(21, 22))
	x := tensor.New(n, length, chans).FillUniform(rng, -1, 1)
	y := tensor.New(n, classes)
	for i := range n {
		y.Data[i*classes+rng.IntN(classes)] = 1
	}
	net := layers.NewSequential(
		layers.NewConv1D(3, chans, 4, 1, rng), layers.NewReLU(), layers.NewFlatten(),
		layers.NewLinear((length-2)*4, classes, rng),
	)
	o := optim.New(net, losses.NewSoftmaxCrossEntropy(), 0.01).WithOptimizer(optim.NewAdam(0.01))
	h, err := optim.Fit(o, x, y, optim.Config{BatchSize: 4, Epochs: 3, Seed: 23})
	if err != nil {
		panic(err)
	}
	return h, net
}

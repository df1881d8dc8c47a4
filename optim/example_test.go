package optim_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// The course's loop by hand: one Optim, one Step per batch.
func ExampleOptim_Step() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := layers.NewSequential(layers.NewLinear(3, 4, rng), layers.NewTanh(), layers.NewLinear(4, 1, rng))
	x := tensor.New(8, 3).FillUniform(rng, -1, 1)
	y := tensor.New(8, 1).FillUniform(rng, -1, 1)

	o := optim.New(net, losses.NewMSE(), 0.1) // θ ← θ − 0.1·∇θ
	for step := range 3 {
		fmt.Printf("step %d: loss %.4f\n", step, o.Step(x, y))
	}
	// Output:
	// step 0: loss 0.3262
	// step 1: loss 0.2666
	// step 2: loss 0.2364
}

// Fit is the course's SGD: here with Adam instead of the plain step, on
// XOR of the signs of two coordinates, a tanh output and ±1 labels.
func ExampleFit() {
	rng := rand.New(rand.NewPCG(3, 4))
	x, y := tensor.New(64, 2), tensor.New(64, 1)
	for i := range 64 {
		a, b := rng.Float64()*2-1, rng.Float64()*2-1
		x.Set(i, 0, a)
		x.Set(i, 1, b)
		if a*b > 0 {
			y.Set(i, 0, 1)
		} else {
			y.Set(i, 0, -1)
		}
	}
	net := layers.NewSequential(layers.NewLinear(2, 16, rng), layers.NewTanh(), layers.NewLinear(16, 1, rng), layers.NewTanh())
	o := optim.New(net, losses.NewMSE(), 0).WithOptimizer(optim.NewAdam(0.02))

	h, err := optim.Fit(o, x, y, optim.Config{
		BatchSize: 16, Epochs: 100, Seed: 5,
		Accuracy: optim.ThresholdAccuracy(0), // the sign of the output
		OnEpoch: func(epoch int, h *optim.History) error {
			if epoch%25 == 0 {
				fmt.Printf("epoch %d: loss %.3f, accuracy %.2f\n", epoch, h.TrainLoss[epoch-1], h.TrainAccuracy[epoch-1])
			}
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, acc := optim.Evaluate(net, losses.NewMSE(), x, y, 64, optim.ThresholdAccuracy(0))
	fmt.Printf("%d epochs, training accuracy %.2f\n", len(h.TrainLoss), acc)
	// Output:
	// epoch 25: loss 0.320, accuracy 0.95
	// epoch 50: loss 0.156, accuracy 0.98
	// epoch 75: loss 0.119, accuracy 0.98
	// epoch 100: loss 0.087, accuracy 1.00
	// 100 epochs, training accuracy 1.00
}

// Optimizers take PyTorch's defaults; set the fields to change them.
func ExampleSGD() {
	p := layers.NewParameter("w", 1)
	p.Value.Data[0], p.Grad.Data[0] = 1, 0.5

	sgd := optim.NewSGD(0.1)
	sgd.Momentum = 0.9
	for range 3 {
		sgd.Step([]*layers.Parameter{p}) // the same gradient each time
		fmt.Printf("%.4f\n", p.Value.Data[0])
	}
	// Output:
	// 0.9500
	// 0.8550
	// 0.7195
}

// A cosine schedule drives the learning rate of an optimizer, stepped once
// per epoch (Fit does it when given Config.Schedule).
func ExampleNewCosineAnnealingLR() {
	adam := optim.NewAdam(0.1)
	sched := optim.NewCosineAnnealingLR(adam, 4, 0)
	for epoch := range 6 {
		fmt.Printf("epoch %d: lr %.4f\n", epoch, adam.LR())
		sched.Step()
	}
	// Output:
	// epoch 0: lr 0.1000
	// epoch 1: lr 0.0854
	// epoch 2: lr 0.0500
	// epoch 3: lr 0.0146
	// epoch 4: lr 0.0000
	// epoch 5: lr 0.0146
}

// A checkpoint restores a network's parameters by name.
func ExampleSave() {
	rng := rand.New(rand.NewPCG(1, 1))
	trained := layers.NewSequential(layers.NewLinear(2, 3, rng), layers.NewReLU(), layers.NewLinear(3, 1, rng))
	fresh := layers.NewSequential(layers.NewLinear(2, 3, rng), layers.NewReLU(), layers.NewLinear(3, 1, rng))

	var buf bytes.Buffer
	if err := optim.Save(&buf, trained); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(buf.Len(), "bytes")
	if err := optim.Load(&buf, fresh); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fresh.Parameters()[0].Name, fresh.Parameters()[0].Value.Data[0] == trained.Parameters()[0].Value.Data[0])

	// A checkpoint of another architecture is refused, the model untouched.
	var other bytes.Buffer
	optim.Save(&other, layers.NewLinear(2, 3, rng))
	fmt.Println(optim.Load(&other, fresh))
	// Output:
	// 248 bytes
	// 0.weight true
	// optim.Load: checkpoint does not match the model: the checkpoint has a parameter "weight" that the model does not have
}

// Resuming a run with momentum or Adam needs the optimizer's state as well
// as the parameters: the same steps then give the same weights, bit for bit.
func ExampleSaveState() {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := tensor.New(4, 2), tensor.New(4, 1)
	x.FillUniform(rng, -1, 1)
	y.FillUniform(rng, -1, 1)
	net := layers.NewSequential(layers.NewLinear(2, 3, rng), layers.NewTanh(), layers.NewLinear(3, 1, rng))
	adam := optim.NewAdam(0.01)
	o := optim.New(net, losses.NewMSE(), 0).WithOptimizer(adam)
	o.Step(x, y)

	// Save both, as torch.save({"model": ..., "optimizer": ...}) would.
	var model, state bytes.Buffer
	if err := optim.Save(&model, net); err != nil {
		fmt.Println(err)
		return
	}
	if err := optim.SaveState(&state, adam, net); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("optimizer state:", state.Len(), "bytes")

	// Later: a fresh network and optimizer take up the run.
	resumed := layers.NewSequential(layers.NewLinear(2, 3, rng), layers.NewTanh(), layers.NewLinear(3, 1, rng))
	adam2 := optim.NewAdam(0.01)
	if err := optim.Load(&model, resumed); err != nil {
		fmt.Println(err)
		return
	}
	if err := optim.LoadState(&state, adam2, resumed); err != nil {
		fmt.Println(err)
		return
	}
	lossA := o.Step(x, y)
	lossB := optim.New(resumed, losses.NewMSE(), 0).WithOptimizer(adam2).Step(x, y)
	fmt.Println("same second step:", lossA == lossB && net.Parameters()[0].Value.Data[0] == resumed.Parameters()[0].Value.Data[0])
	// Output:
	// optimizer state: 664 bytes
	// same second step: true
}

// Accuracy compares the argmax of each output row with the target's.
func ExampleAccuracy() {
	y := tensor.FromSlice([]float64{
		1, 0, 0,
		0, 0, 1,
	}, 2, 3)
	scores := tensor.FromSlice([]float64{
		2.0, 0.5, -1,
		0.3, 0.9, 0.1,
	}, 2, 3)
	fmt.Println(optim.Accuracy(y, scores))
	// Output: 0.5
}

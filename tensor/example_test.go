package tensor_test

import (
	"fmt"
	"math"
	"sync"

	"github.com/nndiy/nndiy/tensor"
)

func ExampleNew() {
	x := tensor.New(2, 3) // a 2×3 matrix of zeros
	x.Set(1, 2, 7)
	fmt.Println(x.Shape, x.Len(), x.Data)
	// Output: [2 3] 6 [0 0 0 0 0 7]
}

func ExampleFromSlice() {
	data := []float64{1, 2, 3, 4, 5, 6}
	x := tensor.FromSlice(data, 2, 3) // row-major: row i is data[3i : 3i+3]
	data[0] = 10                      // x shares data
	fmt.Println(x.At(0, 0), x.Row(1))
	// Output: 10 [4 5 6]
}

func ExampleTensor_Reshape() {
	x := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	y := x.Reshape(-1, 2) // -1 is inferred: 3×2, sharing x's data
	y.Set(0, 0, 9)
	fmt.Println(y.Shape, x.At(0, 0))
	// Output: [3 2] 9
}

func ExampleAdd() {
	a := tensor.FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	b := tensor.FromSlice([]float64{10, 20, 30, 40}, 2, 2)
	sum := tensor.Add(nil, a, b) // nil: allocate the result
	tensor.Add(a, a, b)          // or write into an existing tensor, here a itself
	fmt.Println(sum.Data, a.Data)
	// Output: [11 22 33 44] [11 22 33 44]
}

func ExampleMatMul() {
	a := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromSlice([]float64{1, 0, 0, 1, 1, 1}, 3, 2)
	fmt.Println(tensor.MatMul(a, b))
	// Output:
	// Tensor[2 2]
	//   [4 5]
	//   [10 11]
}

// The two products of a linear layer's backward pass, y = x·W: the weight
// gradient accumulates xᵀ·δ into dW (beta = 1), and the input gradient is
// δ·Wᵀ. Neither transpose is built.
func ExampleGemm() {
	x := tensor.FromSlice([]float64{1, 2, 3, 4}, 2, 2)        // a batch of 2 inputs
	w := tensor.FromSlice([]float64{1, 0, -1, 0, 1, 2}, 2, 3) // 2 inputs → 3 outputs
	delta := tensor.FromSlice([]float64{1, 0, 0, 0, 1, 0}, 2, 3)
	dW := tensor.New(2, 3)
	dx := tensor.New(2, 2)
	tensor.Gemm(true, false, 1, x, delta, 1, dW) // dW += xᵀ·δ
	tensor.Gemm(false, true, 1, delta, w, 0, dx) // dx = δ·Wᵀ
	fmt.Println(dW.Data, dx.Data)
	// Output: [1 3 0 2 4 0] [1 0 0 1]
}

// GemmSerial gives Gemm's result on the calling goroutine alone: here four
// goroutines each multiply their own quarter of a batch, as the
// convolutions' parts do, and the products do not compete for the cores.
func ExampleGemmSerial() {
	w := tensor.FromSlice([]float64{1, 0, -1, 0, 1, 2}, 2, 3)      // 2 inputs → 3 outputs
	x := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6, 7, 8}, 4, 2) // a batch of 4
	y := tensor.New(4, 3)
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xp := tensor.FromSlice(x.Data[2*p:2*p+2], 1, 2)
			yp := tensor.FromSlice(y.Data[3*p:3*p+3], 1, 3)
			tensor.GemmSerial(false, false, 1, xp, w, 0, yp) // yₚ = xₚ·W
		}()
	}
	wg.Wait()
	fmt.Println(y.Data)
	// Output: [1 2 3 3 4 5 5 6 7 7 8 9]
}

// RowLogSumExp is the normaliser of a log-softmax: log Σⱼ exp(xᵢⱼ), computed
// without overflow even where exp(xᵢⱼ) alone would be +Inf.
func ExampleRowLogSumExp() {
	logits := tensor.FromSlice([]float64{0, 0, 1000, 1000, 1, math.Inf(-1)}, 3, 2)
	lse := tensor.RowLogSumExp(nil, logits)
	fmt.Printf("%.6f\n", lse.Data)
	// Output: [0.693147 1000.693147 1.000000]
}

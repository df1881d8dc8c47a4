package data_test

import (
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/tensor"
)

// The XOR problem of the course: four Gaussians, labels ±1.
func ExampleArti() {
	rng := rand.New(rand.NewPCG(1, 2))
	X, y := data.Arti(data.FourGaussians, data.DefaultArtiN, data.DefaultArtiOptions(), rng)
	pos := 0
	for _, v := range y.Data {
		if v == 1 {
			pos++
		}
	}
	meanAbs := 0.0
	for i := 0; i < X.Rows(); i++ {
		meanAbs += math.Abs(X.At(i, 0)) / float64(X.Rows())
	}
	fmt.Println("X", X.Shape, "y", y.Shape)
	fmt.Println("labels +1:", pos, "labels -1:", y.Rows()-pos)
	fmt.Printf("mean |x1| = %.1f (the centres are at ±1)\n", meanAbs)
	// Output:
	// X [1000 2] y [1000 1]
	// labels +1: 500 labels -1: 500
	// mean |x1| = 1.0 (the centres are at ±1)
}

// An n that does not split evenly is a programmer error, and Arti panics.
// A program that takes n from its user checks it first.
func ExampleArtiOptions_Check() {
	n := 1001 // read from a form
	if err := data.DefaultArtiOptions().Check(data.FourGaussians, n); err != nil {
		fmt.Println(err)
		return
	}
	X, y := data.Arti(data.FourGaussians, n, data.DefaultArtiOptions(), rand.New(rand.NewPCG(1, 2)))
	fmt.Println(X.Shape, y.Shape)
	// Output:
	// data.Arti(four-gaussians): n = 1001 does not split into 4 equal groups
}

// Labels ±1 become classes, then one-hot targets for a softmax.
func ExampleOneHot() {
	y := tensor.FromSlice([]float64{+1, -1, -1, +1}, 4, 1)
	classes := data.SignsToClasses(nil, y)
	fmt.Println(classes)
	fmt.Println(data.OneHot(nil, classes, 2))
	fmt.Println(data.SignsToBinary(nil, y).Data)
	// Output:
	// [1 0 0 1]
	// Tensor[4 2]
	//   [0 1]
	//   [1 0]
	//   [1 0]
	//   [0 1]
	// [1 0 0 1]
}

// Mini-batches of 4 rows of a 10-row set: the last batch has the 2 rows
// left. With a *rand.Rand instead of nil, each epoch has a new order.
func ExampleBatches() {
	X := tensor.New(10, 3)
	for i := 0; i < 10; i++ {
		X.Row(i)[0] = float64(i)
	}
	b := data.NewBatches(X, nil, 4, nil)
	xb, _ := b.NewBuffers()
	for b.Next(xb, nil) {
		fmt.Println(xb.Shape, "rows", b.Indices())
	}
	// Output:
	// [4 3] rows [0 1 2 3]
	// [4 3] rows [4 5 6 7]
	// [2 3] rows [8 9]
}

// Batches of images, 5 examples of 2×2 pixels with 1 channel, in batches
// of 2: each epoch shuffles the examples 0…4 anew. A run resumed after one
// epoch skips it, and its second epoch is that of the uninterrupted run.
func ExampleBatches_Skip() {
	X := tensor.New(5, 2, 2, 1)
	epoch := func(b *data.Batches) (order []int) {
		xb, _ := b.NewBuffers()
		for b.Next(xb, nil) {
			order = append(order, b.Indices()...)
		}
		return order
	}
	run := data.NewBatches(X, nil, 2, rand.New(rand.NewPCG(1, 0)))
	xb, _ := run.NewBuffers()
	fmt.Println("buffer", xb.Shape)
	fmt.Println("epoch 1", epoch(run))
	fmt.Println("epoch 2", epoch(run))

	resumed := data.NewBatches(X, nil, 2, rand.New(rand.NewPCG(1, 0)))
	resumed.Skip(1)
	fmt.Println("resumed", epoch(resumed))
	// Output:
	// buffer [2 2 2 1]
	// epoch 1 [1 0 3 4 2]
	// epoch 2 [1 4 2 0 3]
	// resumed [1 4 2 0 3]
}

func ExampleTrainTestSplit() {
	rng := rand.New(rand.NewPCG(1, 2))
	X, y := data.Arti(data.Moons, 200, data.DefaultArtiOptions(), rng)
	Xtrain, Xtest, ytrain, ytest, err := data.TrainTestSplit(X, y, 0.25, rng)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(Xtrain.Shape, Xtest.Shape, ytrain.Shape, ytest.Shape)
	// Output:
	// [150 2] [50 2] [150 1] [50 1]
}

// LoadUSPS reads a directory holding a training and a test file, here a
// one-image pair in the course's format, values in [0, 2].
func ExampleLoadUSPS() {
	dir, err := os.MkdirTemp("", "usps")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	pixels := strings.Repeat(" 0", data.USPSPixels-3) + " 0.5 1 2"
	for _, name := range []string{"USPS_train.txt", "USPS_test.txt"} {
		content := "10 256\n7" + pixels + "\n-1\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	train, test, err := data.LoadUSPS(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Len(), test.Len(), train.Labels, train.X.Shape)
	fmt.Println(train.X.Row(0)[253:]) // scaled to [0, 1]
	// Output:
	// 1 1 [7] [1 256]
	// [0.25 0.5 1]
}

// Programs take the directory from a flag, and FindUSPS falls back on
// $NNDIY_DATA, the cache and a download.
func ExampleFindUSPS() {
	dataDir := flag.String("data", "", "directory of the USPS files (default: $NNDIY_DATA, the cache, or a download)")
	flag.Parse()
	train, test, err := data.FindUSPS(*dataDir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Len(), test.Len())
}

package optim_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
)

// The README's first snippet: one hidden layer learns the course's XOR
// data (four Gaussians) with the course's plain gradient step.
func ExampleFit_xor() {
	rng := rand.New(rand.NewPCG(1, 2))
	X, y := data.Arti(data.FourGaussians, 1000, data.DefaultArtiOptions(), rng)
	y01 := data.SignsToBinary(nil, y) // labels −1/+1 → 0/1 for the sigmoid

	net := layers.NewSequential(
		layers.NewLinear(2, 10, rng), layers.NewTanh(),
		layers.NewLinear(10, 1, rng), layers.NewSigmoid(),
	)
	o := optim.New(net, losses.NewBCE(), 0.5) // θ ← θ − 0.5·∇θ
	h, _ := optim.Fit(o, X, y01, optim.Config{BatchSize: 32, Epochs: 50, Seed: 1})

	fmt.Printf("loss %.4f after 50 epochs, accuracy %.1f%%\n",
		h.TrainLoss[len(h.TrainLoss)-1], 100*optim.Accuracy(y01, net.Forward(X)))
	// Output:
	// loss 0.0140 after 50 epochs, accuracy 99.7%
}

// TestReadmeFirstProgram checks that the body of main in the README's first
// program is ExampleFit_xor's, line for line, so that the output the README
// quotes is the one this example checks.
func TestReadmeFirstProgram(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, program, ok := strings.Cut(string(readme), "## A first program\n\n```go\n")
	program, _, ok2 := strings.Cut(program, "\n```\n")
	_, mainBody, ok3 := strings.Cut(program, "func main() {\n")
	mainBody, _, ok4 := strings.Cut(mainBody, "\n}")
	_, example, ok5 := strings.Cut(string(src), "func ExampleFit_xor() {\n")
	example, _, ok6 := strings.Cut(example, "\n\t// Output:")
	if !(ok && ok2 && ok3 && ok4 && ok5 && ok6) {
		t.Fatal("cannot find main's body in the README's first program, or ExampleFit_xor's")
	}
	if mainBody != example {
		t.Errorf("the README's first program is not ExampleFit_xor:\nREADME:\n%s\nexample:\n%s", mainBody, example)
	}
}

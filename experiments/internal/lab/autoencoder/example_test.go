package autoencoder_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nndiy/nndiy/experiments/internal/lab/autoencoder"
	"github.com/nndiy/nndiy/tensor"
)

// The auto-encoder is two Sequentials nested in one: the encoder maps a
// batch of digits to codes, the decoder maps codes back to images.
func ExampleNewModel() {
	m := autoencoder.NewModel(autoencoder.DefaultHidden, autoencoder.DefaultCode, rand.New(rand.NewPCG(1, 1)))
	x := tensor.New(4, 256).FillUniform(rand.New(rand.NewPCG(2, 2)), 0, 1)
	fmt.Println("codes:", m.Encoder.Forward(x).Shape)
	fmt.Println("reconstructions:", m.Net.Forward(x).Shape)
	params := m.Net.Parameters()
	fmt.Println(len(params), "parameters, from", params[0].Name, "to", params[len(params)-1].Name)
	// Output:
	// codes: [4 10]
	// reconstructions: [4 256]
	// 8 parameters, from 0.0.weight to 1.2.bias
}

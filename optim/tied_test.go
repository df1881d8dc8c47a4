package optim_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// tiedAutoEncoder returns a 6→3→6 auto-encoder whose decoder uses the
// encoder's weight, transposed.
func tiedAutoEncoder(seed uint64) (*layers.Sequential, *layers.Linear) {
	rng := rand.New(rand.NewPCG(seed, 0))
	e := layers.NewLinear(6, 3, rng)
	return layers.NewSequential(e, layers.NewTanh(), layers.NewTiedLinear(e, rng), layers.NewSigmoid()), e
}

// TestCheckpointTiedWeight checks that a tied weight is stored once, under
// the encoder's name, and that loading it sets both uses.
func TestCheckpointTiedWeight(t *testing.T) {
	a, _ := tiedAutoEncoder(1)
	b, eb := tiedAutoEncoder(2)
	var buf bytes.Buffer
	if err := optim.Save(&buf, a); err != nil {
		t.Fatal(err)
	}
	// Header: magic, version, count; 3 names; values 18 + 3 + 6; checksum.
	want := 8 + 4 + 4 + (4 + len("0.weight") + 4 + 2*8) + (4 + len("0.bias") + 4 + 2*8) + (4 + len("2.bias") + 4 + 2*8) + 8*(18+3+6) + 4
	if buf.Len() != want {
		t.Errorf("checkpoint of %d bytes, want %d (the tied weight once)", buf.Len(), want)
	}
	if err := optim.Load(&buf, b); err != nil {
		t.Fatal(err)
	}
	x := tensor.New(2, 6).FillUniform(rand.New(rand.NewPCG(3, 0)), 0, 1)
	if d := tensor.MaxAbsDiff(a.Forward(x).Clone(), b.Forward(x)); d != 0 {
		t.Errorf("loaded model's output differs by %g", d)
	}
	if eb.Weight.Value.Data[0] != a.Parameters()[0].Value.Data[0] {
		t.Error("the loaded weight is not the encoder's")
	}
}

// TestAdamTiedWeight checks that an optimizer steps the tied weight once per
// step, with the gradient of both uses: one step of Adam moves every weight
// by lr (its first step is lr·sign(g)), not 2·lr.
func TestAdamTiedWeight(t *testing.T) {
	net, e := tiedAutoEncoder(4)
	x := tensor.New(3, 6).FillUniform(rand.New(rand.NewPCG(5, 0)), 0, 1)
	net.ZeroGrad()
	net.Forward(x)
	net.Backward(x, tensor.New(3, 6).Fill(1))
	before := e.Weight.Value.Clone()
	optim.NewAdam(0.01).Step(net.Parameters())
	for i, w := range e.Weight.Value.Data {
		if d := math.Abs(before.Data[i] - w); math.Abs(d-0.01) > 1e-4 {
			t.Fatalf("weight %d moved by %g, want 0.01", i, d)
		}
	}
}

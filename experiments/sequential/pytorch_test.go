package main

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

const goodReference = `# PyTorch's training losses
# torch 1.13.1, float64
# dataset moons: fingerprint=0123456789abcdef seed=1 lr=0.2 batch=32 loss=bce epochs=2
dataset,epoch,loss
moons,1,0.69314718055994529
moons,2,0.5
`

func TestParseReference(t *testing.T) {
	ref, err := parseReference(strings.NewReader(goodReference))
	if err != nil {
		t.Fatal(err)
	}
	run := ref.Runs["moons"]
	if run == nil || run.Fingerprint != "0123456789abcdef" || run.Seed != 1 || run.LR != 0.2 || run.Batch != 32 || run.Loss != "bce" {
		t.Fatalf("run %+v", run)
	}
	if len(run.Losses) != 2 || run.Losses[0] != 0.69314718055994529 || run.Losses[1] != 0.5 {
		t.Errorf("losses %v", run.Losses)
	}
	if len(ref.Comments) != 2 || ref.Comments[1] != "torch 1.13.1, float64" {
		t.Errorf("comments %q", ref.Comments)
	}
	s := settings{Seed: 1, LR: 0.2, Batch: 32, Epochs: 2, Loss: "bce"}
	if why := run.mismatch("0123456789abcdef", s); why != "" {
		t.Errorf("mismatch with its own settings: %s", why)
	}
	for _, c := range []struct {
		fingerprint string
		change      func(*settings)
		want        string
	}{
		{"ffffffffffffffff", func(*settings) {}, "fingerprint"},
		{"0123456789abcdef", func(s *settings) { s.Seed = 2 }, "seed"},
		{"0123456789abcdef", func(s *settings) { s.LR = 0.1 }, "learning rate"},
		{"0123456789abcdef", func(s *settings) { s.Batch = 16 }, "batch size"},
		{"0123456789abcdef", func(s *settings) { s.Loss = "mse" }, "loss"},
		{"0123456789abcdef", func(s *settings) { s.Epochs = 3 }, "2 epochs recorded"},
	} {
		s2 := s
		c.change(&s2)
		if why := run.mismatch(c.fingerprint, s2); !strings.Contains(why, c.want) {
			t.Errorf("mismatch(%s, %+v) = %q, want it to name %q", c.fingerprint, s2, why, c.want)
		}
	}
}

func TestParseReferenceErrors(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"header", "# dataset a: fingerprint=f seed=1 lr=1 batch=1 loss=bce\nepoch,loss\n", "line 2: header"},
		{"no dataset line", "dataset,epoch,loss\nmoons,1,0.5\n", "before its # dataset line"},
		{"epoch skipped", "# dataset a: fingerprint=f seed=1 lr=1 batch=1 loss=bce\ndataset,epoch,loss\na,2,0.5\n", "epoch \"2\""},
		{"NaN loss", "# dataset a: fingerprint=f seed=1 lr=1 batch=1 loss=bce\ndataset,epoch,loss\na,1,NaN\n", "not a finite number"},
		{"fields", "# dataset a: fingerprint=f seed=1 lr=1 batch=1 loss=bce\ndataset,epoch,loss\na,1\n", "2 fields"},
		{"missing setting", "# dataset a: fingerprint=f seed=1 lr=1 loss=bce\n", "no batch"},
		{"unknown setting", "# dataset a: fingerprint=f seed=1 lr=1 batch=1 loss=bce momentum=0.9\n", "unknown setting"},
		{"bad number", "# dataset a: fingerprint=f seed=x lr=1 batch=1 loss=bce\n", "seed=x"},
		{"twice", "# dataset a: fingerprint=f seed=1 lr=1 batch=1 loss=bce\n# dataset a: fingerprint=f seed=1 lr=1 batch=1 loss=bce\n", "described twice"},
		{"no name", "# dataset : fingerprint=f\n", "# dataset NAME"},
	} {
		_, err := parseReference(strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// The committed reference parses, and covers every data set for 500 epochs.
func TestCommittedReference(t *testing.T) {
	ref, err := parseReference(bytes.NewReader(pytorchLosses))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kinds {
		if run := ref.Runs[k.String()]; run == nil || len(run.Losses) != 500 {
			t.Errorf("%s: no 500-epoch reference", k)
		}
	}
}

func FuzzParseReference(f *testing.F) {
	f.Add(goodReference)
	f.Add("dataset,epoch,loss\n")
	f.Add("# dataset a: fingerprint=f seed=1 lr=1 batch=1 loss=bce\ndataset,epoch,loss\na,1,1e308\na,2,-0\n")
	f.Add("# dataset a:\n")
	f.Fuzz(func(t *testing.T, text string) {
		ref, err := parseReference(strings.NewReader(text))
		if err != nil {
			return
		}
		for name, run := range ref.Runs {
			if name != run.Dataset || name == "" {
				t.Errorf("run %q under name %q", run.Dataset, name)
			}
		}
	})
}

func TestGaps(t *testing.T) {
	a := []float64{1, 2, 3, 4}
	b := []float64{1, 2 * (1 + 1e-13), 3 * (1 + 1e-9), 4}
	gap, rel, agree := gaps(a, b)
	if agree != 2 || math.Abs(rel-1e-9) > 1e-15 || math.Abs(gap-3e-9) > 1e-15 {
		t.Errorf("gaps = %g, %g, %d; want 3e-9, 1e-9, 2", gap, rel, agree)
	}
	if _, _, agree := gaps(a, a); agree != len(a) {
		t.Errorf("gaps(a, a) agree %d, want %d", agree, len(a))
	}
	if got := runningMax([]float64{0, 1, 3, 2, 5}); !slices.Equal(got, []float64{gapFloor, 1, 3, 3, 5}) {
		t.Errorf("runningMax = %v", got)
	}
}

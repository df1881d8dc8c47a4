package sequential

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/nndiy/nndiy/experiments/internal/lab/planar"
	"github.com/nndiy/nndiy/layers"
)

// An export is what pytorch_reference.py needs to replay the training of
// one data set: the JSON document written by Run with Options.Export.
type export struct {
	Dataset     string  `json:"dataset"`
	Fingerprint string  `json:"fingerprint"`
	Seed        uint64  `json:"seed"`
	LR          float64 `json:"lr"`
	Batch       int     `json:"batch"`
	Epochs      int     `json:"epochs"`
	Loss        string  `json:"loss"`
	// X holds the n training points, row-major (x₁, x₂ of point i at
	// 2i, 2i+1), and Y their labels 0/1.
	X []float64 `json:"x"`
	Y []float64 `json:"y"`
	// Layers are the network's modules in order, with the initial weights.
	Layers []exportLayer `json:"layers"`
	// Orders[e] is the order in which epoch e+1 visited the points; its
	// batches are consecutive runs of Batch rows of it, the last one
	// shorter when Batch does not divide n.
	Orders [][]int `json:"orders"`
}

// An exportLayer is one module of the network: "linear" with its in×out
// weight W (row-major, the transpose of torch's weight) and its bias, or
// "tanh" or "sigmoid".
type exportLayer struct {
	Type   string    `json:"type"`
	In     int       `json:"in,omitempty"`
	Out    int       `json:"out,omitempty"`
	Weight []float64 `json:"weight,omitempty"`
	Bias   []float64 `json:"bias,omitempty"`
}

func newExport(p *planar.Problem, net *layers.Sequential, s settings) (*export, error) {
	e := &export{
		Dataset: p.Kind.String(), Fingerprint: Fingerprint(p, net),
		Seed: s.Seed, LR: s.LR, Batch: s.Batch, Epochs: s.Epochs, Loss: s.Loss,
		X: append([]float64(nil), p.X.Data...), Y: append([]float64(nil), p.Y.Data...),
	}
	for _, m := range net.Modules() {
		switch m := m.(type) {
		case *layers.Linear:
			if m.Bias == nil {
				return nil, fmt.Errorf("export: a Linear without bias")
			}
			e.Layers = append(e.Layers, exportLayer{
				Type: "linear", In: m.In(), Out: m.Out(),
				Weight: append([]float64(nil), m.Weight.Value.Data...),
				Bias:   append([]float64(nil), m.Bias.Value.Data...),
			})
		case *layers.Tanh:
			e.Layers = append(e.Layers, exportLayer{Type: "tanh"})
		case *layers.Sigmoid:
			e.Layers = append(e.Layers, exportLayer{Type: "sigmoid"})
		default:
			return nil, fmt.Errorf("export: no PyTorch counterpart for module %T", m)
		}
	}
	return e, nil
}

// write saves e as dir/DATASET.json. Go writes each float64 in the
// shortest form that reads back to the same bits, and Python's json module
// reads it back exactly.
func (e *export) write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, e.Dataset+".json")
	return path, os.WriteFile(path, b, 0o644)
}

// Fingerprint identifies the training set and the initial weights of a
// run: the first 16 hex digits of the SHA-256 of the bits of the points,
// the labels and every parameter in order (little-endian float64s). Two
// runs with the same fingerprint, learning rate, batch size and seed
// compute the same thing.
func Fingerprint(p *planar.Problem, net layers.Module) string {
	h := sha256.New()
	var b [8]byte
	put := func(v []float64) {
		for _, x := range v {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
			h.Write(b[:])
		}
	}
	put(p.X.Data)
	put(p.Y.Data)
	for _, prm := range net.Parameters() {
		put(prm.Value.Data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

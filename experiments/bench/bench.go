package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/cli"
)

// Defaults are the flags of experiments/bench: issue 9's settings.
var Defaults = cli.Config{Epochs: 5, LR: 0.1, Batch: 32, Seed: 1}

// Options are the experiment's own flags, beyond the common ones of cli.
type Options struct {
	// Data is the directory of the USPS files (-data); empty looks in
	// $NNDIY_DATA and the cache, as FindLocal says.
	Data string
	// Train trains the MLP and the auto-encoder, CNN the two
	// convolutional networks, and Gemm times the products.
	Train, CNN, Gemm bool
}

// DefaultOptions runs every part and looks for the data where FindLocal
// looks.
func DefaultOptions() Options { return Options{Train: true, CNN: true, Gemm: true} }

// Result is what a run measured. Its JSON form is what compare.py reads.
type Result struct {
	// Data is "USPS" or "random"; DataNote says where the USPS files were,
	// or why random data was used.
	Data     string `json:"data"`
	DataNote string `json:"data_note"`
	// Train and Test are the numbers of training and test examples.
	Train int `json:"train"`
	Test  int `json:"test"`

	Epochs int     `json:"epochs"`
	Batch  int     `json:"batch"`
	LR     float64 `json:"lr"`
	Seed   uint64  `json:"seed"`
	Quick  bool    `json:"quick"`

	Machine Machine `json:"machine"`

	// MLP and Autoencoder are nil when the training half did not run,
	// Conv1D and Conv2D when the CNNs did not.
	MLP         *MLPResult         `json:"mlp,omitempty"`
	Autoencoder *AutoencoderResult `json:"autoencoder,omitempty"`
	Conv1D      *MLPResult         `json:"conv1d,omitempty"`
	Conv2D      *MLPResult         `json:"conv2d,omitempty"`
	// Gemm holds one entry per product measured, in the order of Products.
	Gemm []GemmResult `json:"gemm,omitempty"`
}

// Machine describes where and how the numbers were measured.
type Machine struct {
	CPU        string `json:"cpu"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	// GOAMD64 and GOEXPERIMENT are the build settings that change the
	// kernels compiled (empty when not set).
	GOAMD64      string `json:"goamd64"`
	GOEXPERIMENT string `json:"goexperiment"`
	// LoadAverage is /proc/loadavg's first three fields at the start of
	// the run: how busy the machine was (empty where there is no
	// /proc/loadavg).
	LoadAverage string `json:"load_average"`
}

// Run measures what opts selects with cfg's epochs, learning rate, batch
// size and seed, and prints the tables on cfg.Stdout. With cfg.Quick it
// trains on a few hundred examples for at most two epochs and times smaller
// products once each: a run of a few seconds, for tests.
func Run(cfg *cli.Config, opts Options) (*Result, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if !opts.Train && !opts.CNN && !opts.Gemm {
		return nil, errors.New("nothing to measure: the training, the CNNs and the Gemm part are all off")
	}
	r := &Result{
		Epochs: cfg.Epochs, Batch: cfg.Batch, LR: cfg.LR, Seed: cfg.Seed, Quick: cfg.Quick,
		Machine: machine(),
	}
	if cfg.Quick {
		r.Epochs = min(r.Epochs, quickEpochs)
	}
	if opts.Train || opts.CNN {
		if err := r.train(cfg, opts); err != nil {
			return nil, err
		}
	}
	if opts.Gemm {
		r.Gemm = MeasureGemm(Products(cfg.Quick), gemmTiming(cfg.Quick))
	}
	if cfg.Stdout != nil {
		if err := r.WriteTable(cfg.Stdout); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// WriteJSON writes r as one indented JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Markdown returns what WriteTable writes, for a report.
func (r *Result) Markdown() string {
	var sb strings.Builder
	r.WriteTable(&sb) // a strings.Builder does not fail
	return sb.String()
}

// WriteTable writes r as a short description of the run followed by
// Markdown tables, one for training and one for Gemm.
func (r *Result) WriteTable(w io.Writer) error {
	var sb strings.Builder
	m := r.Machine
	fmt.Fprintf(&sb, "machine: %s, %d CPUs, GOMAXPROCS %d, %s %s/%s", m.CPU, m.NumCPU, m.GOMAXPROCS, m.Go, m.OS, m.Arch)
	if m.GOAMD64 != "" {
		fmt.Fprintf(&sb, ", GOAMD64=%s", m.GOAMD64)
	}
	if m.GOEXPERIMENT != "" {
		fmt.Fprintf(&sb, ", GOEXPERIMENT=%s", m.GOEXPERIMENT)
	}
	if m.LoadAverage != "" {
		fmt.Fprintf(&sb, "; load average %s", m.LoadAverage)
	}
	sb.WriteString("\n")
	if r.MLP != nil || r.Conv1D != nil {
		fmt.Fprintf(&sb, "data: %s, %s (%d training, %d test examples)\n", r.Data, r.DataNote, r.Train, r.Test)
		fmt.Fprintf(&sb, "training: batch %d, %d epochs, seed %d; MLP and auto-encoder plain SGD lr %g, CNNs SGD lr %g Nesterov momentum %g; s/epoch is the median of the epochs after the first\n\n",
			r.Batch, r.Epochs, r.Seed, r.LR, CNNLR, CNNMomentum)
		t := cli.Table{Header: []string{"network", "s/epoch", "CPU s/epoch", "samples/s", "test", "allocs/step"}}
		add := func(name string, tm Timing, test string) {
			cpu := "—"
			if tm.EpochCPUSeconds != nil {
				cpu = fmt.Sprintf("%.4f", tm.CPUSecPerEpoch)
			}
			t.Add(name, fmt.Sprintf("%.4f", tm.SecPerEpoch), cpu, fmt.Sprintf("%.0f", tm.SamplesPerSec), test, tm.AllocsPerStep)
		}
		if r.MLP != nil {
			add(MLPName, r.MLP.Timing, fmt.Sprintf("accuracy %.4f", r.MLP.TestAccuracy))
			add(AutoencoderName, r.Autoencoder.Timing, fmt.Sprintf("BCE %.4f", r.Autoencoder.TestLoss))
		}
		if r.Conv1D != nil {
			add(Conv1DName, r.Conv1D.Timing, fmt.Sprintf("accuracy %.4f", r.Conv1D.TestAccuracy))
			add(Conv2DName, r.Conv2D.Timing, fmt.Sprintf("accuracy %.4f", r.Conv2D.TestAccuracy))
		}
		if err := t.Write(&sb); err != nil {
			return err
		}
	}
	if len(r.Gemm) > 0 {
		if r.MLP != nil || r.Conv1D != nil {
			sb.WriteString("\n")
		}
		sb.WriteString("Gemm, C = op(A)·op(B), best of a few timed repetitions\n\n")
		t := cli.Table{Header: []string{"product", "m×k·k×n", "threads", "GFLOPS"}}
		for _, g := range r.Gemm {
			t.Add(g.Label, g.Dims(), g.Threads, fmt.Sprintf("%.2f", g.GFLOPS))
		}
		if err := t.Write(&sb); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// machine describes the running program and the machine.
func machine() Machine {
	m := Machine{
		CPU:        cpuModel(),
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Go:         runtime.Version(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "GOAMD64":
				m.GOAMD64 = s.Value
			case "GOEXPERIMENT":
				m.GOEXPERIMENT = s.Value
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.LoadAverage = strings.Join(f[:3], " ")
		}
	}
	return m
}

// cpuModel returns the "model name" of /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}

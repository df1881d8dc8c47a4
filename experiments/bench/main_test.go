package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/data"
)

// TestQuickJSON runs the command as compare.py does, in quick mode on
// random data, and checks that stdout is one JSON object with the keys
// compare.py reads.
func TestQuickJSON(t *testing.T) {
	if testing.Short() {
		// -short is the arm64 run under QEMU, where a quick run costs some
		// 200 s: TestRunQuick runs the same benchmark there and checks its
		// JSON keys (checkJSONKeys); printing that JSON on stdout is
		// plumbing, the same on every architecture, checked natively.
		t.Skip("-short: TestRunQuick runs the quick benchmark and checks its JSON")
	}
	t.Setenv(data.DataEnv, "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	var out bytes.Buffer
	if err := run([]string{"-quick", "-json", "-out", t.TempDir()}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	for _, path := range []string{"mlp.sec_per_epoch", "mlp.test_accuracy", "mlp.allocs_per_step", "autoencoder.sec_per_epoch", "autoencoder.test_loss",
		"conv1d.sec_per_epoch", "conv1d.test_accuracy", "conv1d.allocs_per_step", "conv2d.sec_per_epoch", "conv2d.test_accuracy", "conv2d.allocs_per_step"} {
		section, key, _ := strings.Cut(path, ".")
		m, ok := v[section].(map[string]any)
		if _, has := m[key]; !ok || !has {
			t.Errorf("no %s in\n%s", path, out.String())
		}
	}
	gemm, ok := v["gemm"].([]any)
	if !ok || len(gemm) == 0 {
		t.Fatalf("no gemm list in\n%s", out.String())
	}
	for _, g := range gemm {
		for _, k := range []string{"m", "k", "n", "trans_a", "trans_b", "gflops"} {
			if _, ok := g.(map[string]any)[k]; !ok {
				t.Errorf("gemm entry %v lacks %q", g, k)
			}
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-epochs", "0"}, {"-nosuchflag"}, {"extra"}, {"-train=false", "-cnn=false", "-gemm=false"}} {
		if err := run(args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

// TestPlot draws the committed comparison runs of docs/performance.md, as
// its command does, and checks the figures it names.
func TestPlot(t *testing.T) {
	dir := t.TempDir()
	var runs []string
	for _, r := range []string{"1", "2", "3"} {
		runs = append(runs, "../../docs/figures/performance/compare-run"+r+".json")
	}
	var out bytes.Buffer
	if err := run([]string{"-plot", strings.Join(runs, ","), "-out", dir}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"epochs.svg", "gemm.svg"} {
		path := filepath.Join(dir, name)
		if !strings.Contains(out.String(), "figure: "+path) {
			t.Errorf("output %q does not name %s", out.String(), path)
		}
		svg, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile("../../docs/figures/performance/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(svg, committed) {
			t.Errorf("%s differs from the committed figure: redraw it with the command of docs/performance.md", name)
		}
	}
	if err := run([]string{"-plot", filepath.Join(dir, "missing.json")}, io.Discard, io.Discard); err == nil {
		t.Errorf("a missing file: no error")
	}
}

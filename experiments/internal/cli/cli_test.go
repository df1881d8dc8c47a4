package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRegisterDefaultsAndParse(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c := Register(fs, "linear", Config{Epochs: 100, LR: 0.1, Batch: 32, Seed: 1})
	if c.Out != "out/linear" || c.Epochs != 100 || c.Quick {
		t.Fatalf("defaults: %+v", c)
	}
	if err := fs.Parse([]string{"-epochs", "7", "-lr", "0.5", "-quick", "-out", "d"}); err != nil {
		t.Fatal(err)
	}
	if c.Epochs != 7 || c.LR != 0.5 || !c.Quick || c.Out != "d" {
		t.Fatalf("parsed: %+v", c)
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestCheckRejects(t *testing.T) {
	for _, c := range []Config{
		{Epochs: 0, Batch: 1, LR: 1},
		{Epochs: 1, Batch: 0, LR: 1},
		{Epochs: 1, Batch: 1, LR: 0},
		{Epochs: 1, Batch: 1, LR: -1},
		{Epochs: 1, Batch: 1, LR: math.Inf(1)},
		{Epochs: 1, Batch: 1, LR: math.NaN()},
		{Epochs: -3, Batch: 1, LR: 1},
	} {
		if err := c.Check(); ExitCode(err) != 2 {
			t.Errorf("Check(%+v) = %v, want a usage error", c, err)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{flag.ErrHelp, 0},
		{Usagef("-x must be positive"), 2},
		{fmt.Errorf("wrapped: %w", Usagef("bad")), 2},
		{errors.New("diverged at epoch 3"), 1},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestMakeOut(t *testing.T) {
	dir := t.TempDir()
	c := Config{Out: filepath.Join(dir, "a", "b")}
	if err := c.MakeOut(); err != nil {
		t.Fatal(err)
	}
	if entries, err := os.ReadDir(c.Out); err != nil || len(entries) != 0 {
		t.Errorf("MakeOut left %v in %s (err %v)", entries, c.Out, err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c.Out = filepath.Join(file, "sub")
	if err := c.MakeOut(); err == nil {
		t.Errorf("MakeOut(%s) under a file: no error", c.Out)
	}
}

func TestPercent(t *testing.T) {
	for v, want := range map[float64]string{0.9576: "95.76 %", 1: "100.00 %", 0: "0.00 %", 0.44650: "44.65 %"} {
		if got := Percent(v); got != want {
			t.Errorf("Percent(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestProgressPlainLines(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, "xor", 3)
	p.Every = 0
	for e := 1; e <= 3; e++ {
		p.Update(e, 1/float64(e))
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[2], "epoch 3/3") || !strings.Contains(lines[2], "loss 0.333333") || strings.Contains(buf.String(), "\r") {
		t.Errorf("last line %q", lines[2])
	}
}

func TestProgressThrottlesPlainLines(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, "x", 100)
	for e := 1; e <= 100; e++ {
		p.Update(e, 0)
	}
	// The first and the last epoch always print; the rest within Every do not.
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("%d lines, want 2:\n%s", n, buf.String())
	}
}

func TestPathCreatesDirectory(t *testing.T) {
	c := Config{Out: t.TempDir() + "/a/b"}
	p, err := c.Path("f.svg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Out); err != nil || !strings.HasSuffix(p, "a/b/f.svg") {
		t.Fatalf("path %q, stat err %v", p, err)
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		args []string
		help bool
		fail bool
	}{
		{args: []string{"-epochs", "3"}},
		{args: []string{"-h"}, help: true},
		{args: []string{"-epochs", "3", "extra"}, fail: true},
		{args: []string{"-nosuchflag"}, fail: true},
	} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		Register(fs, "x", Config{Epochs: 1})
		err := Parse(fs, c.args)
		if errors.Is(err, flag.ErrHelp) != c.help || (ExitCode(err) == 2) != c.fail {
			t.Errorf("Parse(%q) = %v, want help %v, failure %v", c.args, err, c.help, c.fail)
		}
	}
}

func TestFindRow(t *testing.T) {
	var sb strings.Builder
	tb := Table{Header: []string{"data set", "accuracy"}}
	tb.Add("XOR", Percent(0.5))
	tb.Add("two Gaussians", 1.0)
	tb.Write(&sb)
	text := "before\n" + sb.String() + "after | x |\n"
	if got := FindRow(text, "XOR"); len(got) != 2 || got[1] != "50.00 %" {
		t.Errorf("FindRow(XOR) = %q", got)
	}
	if got := FindRow(text, "data set"); len(got) != 2 || got[1] != "accuracy" {
		t.Errorf("FindRow(header) = %q", got)
	}
	if got := FindRow(text, "spirals"); got != nil {
		t.Errorf("FindRow(spirals) = %q, want nil", got)
	}
}

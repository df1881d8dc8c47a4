package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/clitest"
	"github.com/nndiy/nndiy/experiments/internal/digits"
)

// rows returns the cells of the Markdown table rows of out whose first
// cell is part.
func rows(out, part string) [][]string {
	var rs [][]string
	for _, line := range strings.Split(out, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) > 2 && strings.TrimSpace(cells[1]) == part {
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			rs = append(rs, cells[1:len(cells)-1])
		}
	}
	return rs
}

// percent parses "95.76 %".
func percent(t *testing.T, s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, " %"), 64)
	if err != nil {
		t.Fatalf("percent %q: %v", s, err)
	}
	return v / 100
}

// A quick run of both parts, then the checkpoint it saved evaluated again.
func TestQuickRun(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "new", "mlp.ckpt") // -save creates the directory
	var out bytes.Buffer
	args := append([]string{"-quick", "-epochs", "10", "-out", dir, "-save", ckpt, "-markdown"}, digits.TestFlags()...)
	if err := run(args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	// Ten epochs of the plain step get more than half the digits right,
	// four of the better recipe most (measured: 57.4 % and 86.2 % on the
	// real USPS subset, 71.2 % and 97.0 % on the synthetic digits; a guess
	// gets 10 %).
	for _, c := range []struct {
		part string
		min  float64
	}{{"report's setting", 0.5}, {"better recipe", 0.8}} {
		rs := rows(md, c.part)
		if len(rs) != 2 {
			t.Fatalf("%d rows of the %s, want 2:\n%s", len(rs), c.part, md)
		}
		for _, r := range rs {
			if acc := percent(t, r[5]); acc < c.min {
				t.Errorf("%s, %s: test accuracy %.4f, want at least %g", c.part, r[1], acc, c.min)
			}
			// Below ln 10, the loss of a uniform guess.
			if trainLoss, _ := strconv.ParseFloat(r[3], 64); !(trainLoss > 0 && trainLoss < 2.1) {
				t.Errorf("%s, %s: training loss %q, want in (0, 2.1)", c.part, r[1], r[3])
			}
		}
		// Same initial weights and batches, same gradient: the two
		// set-ups differ by rounding only.
		if rs[0][5] != rs[1][5] || rs[0][3] != rs[1][3] {
			t.Errorf("%s: the set-ups differ: %q and %q", c.part, rs[0], rs[1])
		}
	}
	// A quick run sets no report's number beside its own, and says why.
	if strings.Contains(md, "78.00 %") || !strings.Contains(md, "No comparison") {
		t.Errorf("a quick run compares itself with the report:\n%s", md)
	}
	if strings.HasPrefix(md, "#") || !strings.Contains(md, "](loss.svg)") || !strings.Contains(md, "](plain-loss.svg)") {
		t.Errorf("Markdown body: a heading, or no figure links:\n%s", md)
	}
	for _, name := range []string{"plain-loss.svg", "plain-accuracy.svg", "loss.svg", "accuracy.svg", "confusion.svg", "digits.svg"} {
		clitest.CheckSVG(t, filepath.Join(dir, name))
	}

	// The checkpoint holds the better recipe's fused network: loading it
	// gives its accuracy, without training.
	var loaded bytes.Buffer
	if err := run(append([]string{"-quick", "-out", dir, "-load", ckpt}, digits.TestFlags()...), &loaded, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := rows(md, "better recipe")[1][5]
	got := rows(loaded.String(), "loaded from "+ckpt)
	if len(got) != 1 || got[0][5] != want {
		t.Errorf("loaded checkpoint: rows %q, want accuracy %s:\n%s", got, want, loaded.String())
	}
}

// The newcomer's command without the data: an error that says how to give
// it, or to use -synthetic, and no download (the URL is unreachable).
func TestNoData(t *testing.T) {
	t.Setenv("NNDIY_DATA", "")
	t.Setenv("NNDIY_USPS_URL", "http://127.0.0.1:1")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	err := run([]string{"-quick", "-out", t.TempDir()}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-data") || !strings.Contains(err.Error(), "-synthetic") {
		t.Errorf("error %v, want one naming -data and -synthetic", err)
	}
}

// Bad command lines fail before any training: usage errors (exit status 2)
// for the flags, an error (1) for an output directory that cannot be made.
func TestBadCommandLines(t *testing.T) {
	clitest.CheckFailures(t, run, []string{"-quick", "-synthetic"}, []clitest.Failure{
		{Args: []string{"-epochs", "0"}, Usage: true},
		{Args: []string{"-nosuchflag"}, Usage: true},
		{Args: []string{"extra"}, Usage: true},
		{Args: []string{"-shift", "-1"}, Usage: true},
		{Args: []string{"-setup", "relu"}, Usage: true},
		{Args: []string{"-optimizer", "lbfgs"}, Usage: true},
		{Args: []string{"-val", "1"}, Usage: true},
		{Args: []string{"-save", "a", "-load", "b"}, Usage: false},
		{Args: []string{"-out", clitest.NotADirectory(t)}, Usage: false},
	})
}

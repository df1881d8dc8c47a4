package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
)

// A quick report of one real section, built and run as a program, on USPS
// when $NNDIY_DATA names it, else on the synthetic digits.
func TestQuickReport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs experiments/usps")
	}
	out := t.TempDir()
	args := []string{"-quick", "-only", "usps", "-out", out}
	if os.Getenv("NNDIY_DATA") == "" {
		args = append(args, "-synthetic")
	}
	var stdout bytes.Buffer
	if err := run(args, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{
		"# The report, reproduced by nndiy", "`go run ./experiments/report " + strings.Join(args, " ") + "`",
		"## §6", "**The report:** Softmax + cross-entropy", "| report's setting ", "| better recipe ",
		"](figures/usps/confusion.svg)", "](figures/usps/plain-loss.svg)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "## §3") || strings.Count(md, "\n## ") != 1 {
		t.Errorf("-only usps: other sections, or a heading of the program's own:\n%s", md)
	}
	for _, f := range []string{"usps/confusion.svg", "usps/plain-loss.svg"} {
		if _, err := os.Stat(filepath.Join(out, "figures", f)); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(stdout.String(), filepath.Join(out, "report.md")) {
		t.Errorf("stdout %q does not name the report", stdout.String())
	}
}

func TestRewriteLinks(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"![loss](loss.svg)", "![loss](figures/usps/loss.svg)"},
		{"![a](figures/usps/a.svg) and ![b](b.svg)", "![a](figures/usps/a.svg) and ![b](figures/usps/b.svg)"},
		{"[docs](https://example.org/x) [top](#top) [abs](/tmp/x.svg)", "[docs](https://example.org/x) [top](#top) [abs](/tmp/x.svg)"},
		{"(not a link) and a [sub](sub/dir.svg)", "(not a link) and a [sub](figures/usps/sub/dir.svg)"},
	} {
		if got := rewriteLinks(tc.in, "usps"); got != tc.want {
			t.Errorf("rewriteLinks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteSection(t *testing.T) {
	var b strings.Builder
	writeSection(&b, section{name: "x", title: "§9 X", report: "found y."}, "\n## §9 X\n\nbody ![f](f.svg)\n\n")
	if want := "## §9 X\n\n**The report:** found y.\n\nbody ![f](figures/x/f.svg)\n\n"; b.String() != want {
		t.Errorf("writeSection wrote %q, want %q", b.String(), want)
	}
}

func TestAnchor(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"§6 Multi-class classification of the USPS digits", "6-multi-class-classification-of-the-usps-digits"},
		{"§4 A hidden layer: Linear → TanH → Linear → Sigmoid", "4-a-hidden-layer-linear--tanh--linear--sigmoid"},
		{"§5.1 Sequential", "51-sequential"},
	} {
		if got := anchor(tc.in); got != tc.want {
			t.Errorf("anchor(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Every section is a program of experiments/.
func TestSections(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range sections {
		if s.title == "" || seen[s.name] {
			t.Errorf("section %+v: no title or a repeated name", s)
		}
		seen[s.name] = true
		if _, err := os.Stat(filepath.Join("..", s.name, "main.go")); err != nil {
			t.Errorf("section %s: %v", s.name, err)
		}
	}
}

// Inside a git checkout, commit names its HEAD.
func TestCommit(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "--short=7", "HEAD").Output()
	if err != nil {
		t.Skip("no git checkout here:", err)
	}
	if c, want := commit("."), strings.TrimSpace(string(head)); !strings.HasPrefix(c, want) {
		t.Errorf("commit() = %q, want %s", c, want)
	}
}

// Bad command lines fail before anything runs.
func TestBadCommandLines(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		usage bool
	}{
		{[]string{"-only", "nosuchsection"}, true},
		{[]string{"-nosuchflag"}, true},
		{[]string{"extra"}, true},
		{[]string{"-out", filepath.Join(file, "sub")}, false},
	} {
		err := run(c.args, io.Discard, io.Discard)
		if err == nil {
			t.Errorf("run(%q): no error", c.args)
			continue
		}
		if _, usage := errors.AsType[*cli.UsageError](err); usage != c.usage {
			t.Errorf("run(%q) = %v: usage error %v, want %v", c.args, err, usage, c.usage)
		}
	}
}

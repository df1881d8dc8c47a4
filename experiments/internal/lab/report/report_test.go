package report

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
)

func TestRewriteLinks(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"![loss](loss.svg)", "![loss](figures/usps/loss.svg)"},
		{"![a](figures/usps/a.svg) and ![b](b.svg)", "![a](figures/usps/a.svg) and ![b](figures/usps/b.svg)"},
		{"[docs](https://example.org/x) [top](#top) [abs](/tmp/x.svg)", "[docs](https://example.org/x) [top](#top) [abs](/tmp/x.svg)"},
		{"(not a link) and a [sub](sub/dir.svg)", "(not a link) and a [sub](figures/usps/sub/dir.svg)"},
	} {
		if got := RewriteLinks(tc.in, "usps"); got != tc.want {
			t.Errorf("RewriteLinks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Inside a git checkout, Commit names its HEAD.
func TestCommit(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "--short=7", "HEAD").Output()
	if err != nil {
		t.Skip("no git checkout here:", err)
	}
	if c, want := Commit(), strings.TrimSpace(string(head)); !strings.HasPrefix(c, want) {
		t.Errorf("Commit() = %q, want %s", c, want)
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

// md is a section result of fixed Markdown.
type md string

func (m md) Markdown() string { return string(m) }

// fake returns a section that writes one figure file and links it.
func fake(name, body string) Section {
	return Section{
		Name: name, Title: "§ " + name, Report: "the report on " + name,
		Run: func(c *cli.Config, _ digits.Source) (Markdowner, error) {
			path, err := c.Path("fig.svg")
			if err != nil {
				return nil, err
			}
			return md(body), os.WriteFile(path, []byte("<svg/>"), 0o644)
		},
	}
}

func TestRun(t *testing.T) {
	sections := []Section{
		fake("one", "## A heading the report replaces\n\nText of one.\n\n![fig](fig.svg)\n"),
		fake("two", "Text of two.\n\n![fig](figures/two/fig.svg)"),
		fake("three", "Text of three."),
	}
	out := t.TempDir()
	opts := Options{Out: out, Quick: true, Command: "go run ./experiments/report -quick", Stdout: io.Discard, Stderr: io.Discard}
	res, err := Run(opts, sections)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if got != res.Markdown {
		t.Error("report.md differs from Result.Markdown")
	}
	// The sections in order, each under its heading, after the header.
	last := -1
	for _, want := range []string{
		"`go run ./experiments/report -quick`", "Machine: ", "[§ one](#-one)",
		"## § one", "**The report:** the report on one", "Text of one.", "![fig](figures/one/fig.svg)",
		"## § two", "![fig](figures/two/fig.svg)",
		"## § three", "Text of three.",
	} {
		i := strings.Index(got, want)
		if i < 0 || i < last {
			t.Fatalf("report lacks %q after position %d:\n%s", want, last, got)
		}
		last = i
	}
	if strings.Contains(got, "A heading the report replaces") {
		t.Error("the section's own heading was kept")
	}
	for _, name := range []string{"one", "two", "three"} {
		if _, err := os.Stat(filepath.Join(out, "figures", name, "fig.svg")); err != nil {
			t.Error(err)
		}
	}

	// -only keeps the table's order.
	opts.Only = []string{"three", "one"}
	res, err = Run(opts, sections)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sections) != 2 || res.Sections[0].Name != "one" || strings.Contains(res.Markdown, "## § two") {
		t.Errorf("-only three,one ran %v", res.Sections)
	}
	opts.Only = []string{"four"}
	if _, err := Run(opts, sections); err == nil || !strings.Contains(err.Error(), "four") {
		t.Errorf("-only four: error %v", err)
	}

	// A failing section stops the report and is named.
	opts.Only = nil
	broken := Section{Name: "broken", Title: "§ broken", Run: func(*cli.Config, digits.Source) (Markdowner, error) {
		return nil, errors.New("no data")
	}}
	if _, err := Run(opts, append(sections, broken)); err == nil || !strings.Contains(err.Error(), "broken: no data") {
		t.Errorf("failing section: error %v", err)
	}
}

func TestSections(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Sections {
		if s.Name == "" || s.Title == "" || s.Run == nil || seen[s.Name] {
			t.Errorf("section %+v: empty field or repeated name", s)
		}
		seen[s.Name] = true
	}
}

// A quick report of two real sections, on USPS or the synthetic digits.
func TestQuickReport(t *testing.T) {
	out := t.TempDir()
	res, err := Run(Options{
		Out: out, Quick: true, Data: digits.TestSource(), Only: []string{"linear", "usps"},
		Command: "test", Stdout: io.Discard, Stderr: io.Discard,
	}, Sections)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## §3", "## §6", "78 %", "](figures/usps/confusion.svg)"} {
		if !strings.Contains(res.Markdown, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, f := range []string{"usps/confusion.svg", "usps/loss.svg"} {
		if _, err := os.Stat(filepath.Join(out, "figures", f)); err != nil {
			t.Error(err)
		}
	}
}

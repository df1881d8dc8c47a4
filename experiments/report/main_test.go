package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/lab/report"
)

type text string

func (t text) Markdown() string { return string(t) }

// The flags reach the report: -out, -quick, -synthetic, -only, and the
// command line in the header.
func TestFlags(t *testing.T) {
	var got struct {
		quick bool
		src   digits.Source
	}
	sections := []report.Section{
		{Name: "a", Title: "A", Run: func(c *cli.Config, src digits.Source) (report.Markdowner, error) {
			got.quick, got.src = c.Quick, src
			return text("body of a"), nil
		}},
		{Name: "b", Title: "B", Run: func(*cli.Config, digits.Source) (report.Markdowner, error) { return text("body of b"), nil }},
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if err := runSections([]string{"-quick", "-synthetic", "-only", "a", "-out", dir}, &out, io.Discard, sections); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	if !got.quick || !got.src.Synthetic || !strings.Contains(md, "body of a") || strings.Contains(md, "body of b") {
		t.Errorf("quick %v, source %v, report:\n%s", got.quick, got.src, md)
	}
	if !strings.Contains(md, "`go run ./experiments/report -quick -synthetic -only a -out "+dir+"`") {
		t.Errorf("header lacks the command:\n%s", md)
	}
	if !strings.Contains(out.String(), "report.md") {
		t.Errorf("stdout %q does not name the report", out.String())
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-only", "nosuchsection"}, {"-nosuchflag"}, {"extra"}} {
		if err := run(append(args, "-out", t.TempDir()), io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

// Package clitest holds the checks that the tests of every experiment run
// on its command line and its figures, so that each main's test file says
// only what is its own: which command lines it must refuse.
package clitest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
)

// A Failure is a command line that an experiment must refuse: with a usage
// error (exit status 2) when Usage is set, with another error (exit 1)
// otherwise.
type Failure struct {
	Args  []string
	Usage bool
}

// CheckFailures runs run with the arguments of each case followed by
// extra, and reports an error unless it fails with the kind of error the
// case says, before any training (nothing "elapsed" on its progress).
func CheckFailures(t *testing.T, run func(args []string, stdout, stderr io.Writer) error, extra []string, cases []Failure) {
	t.Helper()
	for _, c := range cases {
		var progress bytes.Buffer
		err := run(append(append([]string(nil), c.Args...), extra...), io.Discard, &progress)
		if err == nil {
			t.Errorf("run(%q): no error", c.Args)
			continue
		}
		if _, usage := errors.AsType[*cli.UsageError](err); usage != c.Usage {
			t.Errorf("run(%q) = %v: usage error %v, want %v", c.Args, err, usage, c.Usage)
		}
		if strings.Contains(progress.String(), "elapsed") {
			t.Errorf("run(%q) trained before failing", c.Args)
		}
	}
}

// NotADirectory returns a path below a regular file, which no -out can
// create: the output directory of a run that must fail before training.
func NotADirectory(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(file, "sub")
}

// CheckSVG reports an error unless path holds a well-formed SVG figure
// (plot.CheckSVG).
func CheckSVG(t *testing.T, path string) {
	t.Helper()
	if err := plot.CheckSVG(path); err != nil {
		t.Error(err)
	}
}

// Package digitstest holds what the tests of the digit experiments (usps,
// conv, autoencoder) share: the settings of a quick run and the check of
// the SVG figures it writes. Only tests import it.
package digitstest

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/nndiy/nndiy/experiments/internal/cli"
)

// QuickConfig returns the settings def in quick mode, writing the figures
// into a fresh temporary directory, the summary into out and the progress
// nowhere.
func QuickConfig(t testing.TB, def cli.Config, out io.Writer) *cli.Config {
	c := def
	c.Quick, c.Out = true, t.TempDir()
	c.Stdout, c.Stderr = out, io.Discard
	return &c
}

// CheckSVG fails the test unless path holds a well-formed XML document with
// an svg root.
func CheckSVG(t testing.TB, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
			return
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q, want svg", filepath.Base(path), root)
	}
}

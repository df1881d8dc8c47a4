package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A quick run without the studies writes the three figures of the report.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-quick", "-synthetic", "-studies=false", "-epochs", "2", "-out", dir}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"reconstructions.svg", "loss.svg", "tsne.svg"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	if strings.Contains(out.String(), "Denoising") {
		t.Error("-studies=false ran the studies")
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-epochs", "0"}, {"-code", "-1"}, {"-nosuchflag"}, {"extra"}} {
		if err := run(append(args, "-synthetic", "-out", t.TempDir()), io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

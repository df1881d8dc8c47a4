package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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

// -save then -load on generated digits: the loaded network scores as the
// trained one.
func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "mlp.ckpt")
	var trained, loaded bytes.Buffer
	if err := run([]string{"-quick", "-synthetic", "-setup", "fused", "-out", dir, "-save", ckpt}, &trained, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-quick", "-synthetic", "-out", dir, "-load", ckpt}, &loaded, io.Discard); err != nil {
		t.Fatal(err)
	}
	// The accuracy cell of the fused set-up's row of the summary table.
	accuracy := func(summary string) string {
		for _, line := range strings.Split(summary, "\n") {
			if cells := strings.Split(line, "|"); len(cells) > 5 && strings.HasPrefix(strings.TrimSpace(cells[1]), "fused") {
				return strings.TrimSpace(cells[5])
			}
		}
		return ""
	}
	if a, b := accuracy(trained.String()), accuracy(loaded.String()); a == "" || a != b {
		t.Errorf("trained accuracy %q, loaded %q", a, b)
	}
	if !strings.Contains(loaded.String(), "loaded") || !strings.Contains(loaded.String(), ckpt) {
		t.Errorf("the summary of -load does not say what it loaded:\n%s", loaded.String())
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-epochs", "0"}, {"-nosuchflag"}, {"extra"}, {"-setup", "both", "-save", "a", "-load", "b"}} {
		if err := run(append(args, "-synthetic", "-out", t.TempDir()), io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

package plot

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestDir(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	c := NewLineChart("loss", "epoch", "loss")
	c.AddY("a", []float64{3, 2, 1})
	for _, name := range []string{"loss.svg", "again.svg"} {
		if err := d.Save(name, c); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{filepath.Join(d.Path, "loss.svg"), filepath.Join(d.Path, "again.svg")}; !slices.Equal(d.Paths(), want) {
		t.Errorf("Paths() = %v, want %v", d.Paths(), want)
	}
	for _, p := range d.Paths() {
		if err := CheckSVG(p); err != nil {
			t.Error(err)
		}
	}
	if got, want := d.Markdown(), "![loss](loss.svg)\n![again](again.svg)\n"; got != want {
		t.Errorf("Markdown() = %q, want %q", got, want)
	}
	bad := Dir{Path: filepath.Join(d.Path, "missing")}
	if err := bad.Save("x.svg", c); err == nil || len(bad.Names) != 0 {
		t.Errorf("Save into a missing directory: %v, names %v", err, bad.Names)
	}
}

func TestBoundaryGrid(t *testing.T) {
	score := Pointwise(func(x1, x2 float64) float64 { return x1 })
	xy, labels := []float64{-1, 0, 1, 0}, []float64{-1, 1}
	a := BoundaryPanel("a", score, 0, xy, labels, 10)
	b := BoundaryPanel("b", score, 0, xy, labels, 10)
	g := BoundaryGrid("both", 2, a, b)
	if a.Legend == LegendHidden || b.Legend != LegendHidden || len(g.Panels) != 2 {
		t.Errorf("legends %v, %v; %d panels", a.Legend, b.Legend, len(g.Panels))
	}
	if w, h := a.Size(); w != 320 || h != 300 || a.Resolution != 10 {
		t.Errorf("panel %g×%g, resolution %d", w, h, a.Resolution)
	}
}

func TestCheckSVG(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, content string
		ok            bool
	}{
		{"good.svg", `<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>`, true},
		{"empty.svg", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`, false},
		{"html.svg", `<html><body/></html>`, false},
		{"broken.svg", `<svg><rect></svg>`, false},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := CheckSVG(path); (err == nil) != c.ok {
			t.Errorf("CheckSVG(%s) = %v, want ok = %v", c.name, err, c.ok)
		}
	}
	if CheckSVG(filepath.Join(dir, "missing.svg")) == nil {
		t.Error("CheckSVG of a missing file: no error")
	}
}

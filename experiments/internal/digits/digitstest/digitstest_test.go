package digitstest

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestCheckSVG(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		ok            bool
	}{
		{"good.svg", `<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>`, true},
		{"html.svg", `<html></html>`, false},
		{"broken.svg", `<svg><rect></svg>`, false},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		r := &recorder{TB: t}
		CheckSVG(r, path)
		if r.failed == tc.ok {
			t.Errorf("%s: failed %v, want %v", tc.name, r.failed, !tc.ok)
		}
	}
}

package tempfile

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/nndiy/nndiy/internal/testexec"
)

// deadPID returns the id of a process that has ended: this test binary run
// again with no test to run.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := testexec.Command("-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	dead := strconv.Itoa(deadPID(t))
	mine, err := Create(dir, ".run.ckpt.", ".nndiy-tmp")
	if err != nil {
		t.Fatal(err)
	}
	mine.Close()
	parent := strconv.Itoa(os.Getppid()) // running, and not this process
	files := []string{
		".run.ckpt." + dead + "-123.nndiy-tmp",   // a killed save: removed
		".epoch3.ckpt." + dead + "-9.nndiy-tmp",  // another name, same prefix ".": removed
		".run.ckpt." + parent + "-456.nndiy-tmp", // a running process's: kept
		".run.ckpt." + dead + "-123.tmp",         // another suffix: kept
		"run.ckpt",                               // the checkpoint: kept
		".run.ckpt.x-1.nndiy-tmp",                // no id: kept
		".run.ckpt." + dead + ".nndiy-tmp",       // no random part: kept
		".run.ckpt." + dead + "-12a.nndiy-tmp",   // not Create's: kept
		".run.ckpt.-" + dead + "-1.nndiy-tmp",    // not Create's: kept
	}
	for _, name := range files {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed := RemoveStale(dir, ".", ".nndiy-tmp")
	slices.Sort(removed)
	want := []string{".epoch3.ckpt." + dead + "-9.nndiy-tmp", ".run.ckpt." + dead + "-123.nndiy-tmp"}
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	wantLeft := append(slices.Clone(files[2:]), filepath.Base(mine.Name()))
	slices.Sort(left)
	slices.Sort(wantLeft)
	if !slices.Equal(left, wantLeft) {
		t.Errorf("left %v, want %v", left, wantLeft)
	}
	if RemoveStale(filepath.Join(dir, "missing"), ".", ".nndiy-tmp") != nil {
		t.Error("RemoveStale of a missing directory removed something")
	}
}

func TestRunning(t *testing.T) {
	if !running(os.Getpid()) || !running(os.Getppid()) {
		t.Error("this process or its parent is not running")
	}
	if pid := deadPID(t); running(pid) {
		t.Errorf("ended process %d is running", pid)
	}
}

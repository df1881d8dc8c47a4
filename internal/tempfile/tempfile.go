// Package tempfile creates temporary files named after the process that
// writes them, so that a later process can tell the leftovers of a writer
// that was killed from the files of one still running, and remove them.
//
// A file that is written whole and then renamed into place (a checkpoint,
// a download) is first written to a temporary file next to its
// destination. A process that is killed (SIGKILL, a power cut) cannot
// remove that file; the next writer in the directory does, with
// RemoveStale. The name says whose the file is:
//
//	<prefix><pid>-<random><suffix>      .run.ckpt.12345-2826917371.nndiy-tmp
//
// and RemoveStale removes the files whose process no longer runs, never
// those of a running one, which may be writing them at that moment. A
// process id that the system has given to a new process keeps the file
// until that process ends too.
package tempfile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Create creates a new file in dir named prefix, this process's id, a dash,
// a random number and suffix, opened for reading and writing with mode 0600,
// as os.CreateTemp. prefix must not end with a digit or a dash and suffix
// must not start with one, so that RemoveStale can read the id back.
func Create(dir, prefix, suffix string) (*os.File, error) {
	return os.CreateTemp(dir, prefix+strconv.Itoa(os.Getpid())+"-*"+suffix)
}

// RemoveStale removes the files of dir that Create made with prefix and
// suffix and whose process is no longer running, and returns their names.
// The ids are read back from the last dot-separated part before suffix, so
// prefix may be the start of a name only ("." for every hidden file
// ending in suffix). Errors are ignored: a file that cannot be removed (or
// a directory that cannot be read) is left, and the caller's own work
// reports the problem if there is one.
func RemoveStale(dir, prefix, suffix string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
			continue
		}
		pid, ok := owner(name[len(prefix) : len(name)-len(suffix)])
		if !ok || pid == os.Getpid() || running(pid) {
			continue
		}
		if os.Remove(filepath.Join(dir, name)) == nil {
			removed = append(removed, name)
		}
	}
	return removed
}

// owner reads the process id in the middle of a name, "<pid>-<random>",
// possibly after other text and a dot.
func owner(middle string) (int, bool) {
	middle = middle[strings.LastIndexByte(middle, '.')+1:]
	id, random, ok := strings.Cut(middle, "-")
	if !ok || random == "" || !digits(id) || !digits(random) {
		return 0, false
	}
	pid, err := strconv.Atoi(id)
	return pid, err == nil && pid > 0
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// running reports whether the process pid runs. On Unix, signal 0 checks
// that it exists without sending anything (EPERM means it runs under
// another user); on Windows, os.FindProcess fails for a process that does
// not exist.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	err = p.Signal(syscall.Signal(0))
	return !errors.Is(err, os.ErrProcessDone)
}

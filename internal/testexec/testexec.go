// Package testexec starts the running test binary again, as a child
// process, for the tests that need a process to kill or one that has ended.
//
// `go test -exec qemu-aarch64-static` runs a GOARCH=arm64 test binary on an
// amd64 machine through QEMU's user-mode emulator. The binary cannot start
// itself again there with exec.Command(os.Args[0], ...) unless the kernel
// has been told to hand arm64 programs to QEMU (binfmt_misc, often missing
// in containers): the exec fails with "exec format error". Command then
// runs the child through the emulator, as go test ran the parent. Only
// tests import this package.
package testexec

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Command returns a command that runs this test binary, os.Args[0], with
// the given arguments: directly where the kernel can run it, and otherwise
// through qemu-<arch>-static (or qemu-<arch>) found in PATH.
func Command(args ...string) *exec.Cmd {
	if emu := emulator(); emu != "" {
		return exec.Command(emu, append([]string{os.Args[0]}, args...)...)
	}
	return exec.Command(os.Args[0], args...)
}

var emulator = sync.OnceValue(func() string {
	// Start the binary once, running no test, to learn whether the kernel
	// can run it.
	probe := exec.Command(os.Args[0], "-test.run=^$")
	err := probe.Start()
	if err == nil {
		probe.Process.Kill()
		probe.Wait()
		return ""
	}
	if !errors.Is(err, syscall.ENOEXEC) {
		return ""
	}
	arch := map[string]string{"arm64": "aarch64", "amd64": "x86_64", "386": "i386"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	for _, name := range []string{"qemu-" + arch + "-static", "qemu-" + arch} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
})
